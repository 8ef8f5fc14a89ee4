"""GraphQL errors as the client sees them ('Errors' of the GraphQL spec response format).

Errors are plain dicts, ready for JSON: ``message``, then ``locations``/``path`` when known, then
``extensions`` with a ``code`` (and ``serviceName`` for anything a subgraph caused).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from .errors import SubgraphError

__all__ = ["ErrorCode", "client_error", "failure_error", "subgraph_error"]


class ErrorCode:
    """The ``extensions.code`` values the router itself produces."""

    BAD_USER_INPUT = "BAD_USER_INPUT"
    DOWNSTREAM_SERVICE_ERROR = "DOWNSTREAM_SERVICE_ERROR"
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"
    INVALID_SUBGRAPH_RESPONSE = "INVALID_SUBGRAPH_RESPONSE"
    OPERATION_RESOLUTION_FAILURE = "OPERATION_RESOLUTION_FAILURE"
    QUERY_PLANNING_FAILED = "QUERY_PLANNING_FAILED"
    UNAUTHORIZED = "UNAUTHORIZED"


def client_error(
    message: str,
    *,
    code: str | None = None,
    path: Sequence[str | int] | None = None,
    locations: list[dict[str, int]] | None = None,
    extensions: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    error: dict[str, Any] = {"message": message}
    if locations:
        error["locations"] = locations
    if path is not None:
        error["path"] = list(path)
    if code is not None:
        # The code first: it is what a reader of the response looks for.
        error["extensions"] = {"code": code, **{k: v for k, v in (extensions or {}).items() if k != "code"}}
    elif extensions:
        error["extensions"] = dict(extensions)
    return error


def subgraph_error(
    raw: Mapping[str, Any], service_name: str, path: Sequence[str | int] | None
) -> dict[str, Any]:
    """A subgraph's GraphQL error, re-pathed into the client's response.

    The subgraph's ``extensions`` (and its ``code``) are kept; ``locations`` are dropped because
    they point into the subgraph operation the client never sent.
    """
    message = raw.get("message")
    extensions = raw.get("extensions")
    kept: dict[str, Any] = dict(extensions) if isinstance(extensions, dict) else {}
    code = kept.get("code")
    kept["serviceName"] = service_name
    return client_error(
        message
        if isinstance(message, str)
        else f"Subgraph '{service_name}' returned an error without a message.",
        code=code if isinstance(code, str) else ErrorCode.DOWNSTREAM_SERVICE_ERROR,
        path=path,
        extensions=kept,
    )


def failure_error(exc: SubgraphError, path: Sequence[str | int] | None) -> dict[str, Any]:
    """The one error that stands for a failed fetch, placed at the part of the response it nulls."""
    return client_error(exc.message, code=exc.code, path=path, extensions={"serviceName": exc.service_name})

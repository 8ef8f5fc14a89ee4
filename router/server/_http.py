"""GraphQL over HTTP: reading a request into (query, variables, operationName) and choosing the
response media type and status code.

Implements the GraphQL-over-HTTP specification (draft): POST with ``application/json`` bodies, GET
with URL parameters for queries only, ``application/graphql-response+json`` (4xx when a request
never reached execution) and the legacy ``application/json`` (200 for well-formed requests).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import orjson
from starlette.requests import Request

__all__ = [
    "GRAPHQL_RESPONSE_JSON",
    "MULTIPART_DEFER",
    "BadRequest",
    "GraphQLParams",
    "accepts_multipart",
    "choose_media_type",
    "multipart_body",
    "read_params",
    "violates_csrf_rules",
]

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"
_SIMPLE_CONTENT_TYPES = {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data"}
_PREFLIGHT_HEADERS = ("graphql-require-preflight", "apollo-require-preflight", "x-apollo-operation-name")


MULTIPART_DEFER = 'multipart/mixed; boundary="-"; deferSpec=20220824'
"""The media type of an incremental response, as Apollo Router sends it."""


def accepts_multipart(accept: str | None) -> bool:
    """Whether ``Accept`` allows an incremental (``@defer``) response: ``multipart/mixed`` with no
    ``deferSpec`` or ``deferSpec=20220824`` (the one spec version this router speaks), q > 0."""
    for part in (accept or "").split(","):
        media, _, params = part.strip().partition(";")
        if media.strip().lower() != "multipart/mixed":
            continue
        ok = True
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            key, value = key.strip().lower(), value.strip().strip('"')
            if key == "deferspec" and value != "20220824":
                ok = False
            elif key == "q":
                try:
                    ok = ok and float(value) > 0
                except ValueError:
                    ok = False
        if ok:
            return True
    return False


def multipart_body(payloads: AsyncIterator[dict[str, Any]]) -> AsyncIterator[bytes]:
    """The parts of an incremental response in Apollo Router's layout: each part is sent with the
    delimiter that *follows* it (``---`` while ``hasNext``, the closing ``-----`` after the last),
    so a client that splits on delimiters (urql, Apollo Client) can read a part as soon as it
    arrives instead of when the next, possibly slow, deferred part does."""

    async def parts() -> AsyncIterator[bytes]:
        lead = b"\r\n---\r\n"  # the opening delimiter, before the first part only
        open_part = False
        async for payload in payloads:
            closing = not payload.get("hasNext", False)
            tail = b"\r\n-----\r\n" if closing else b"\r\n---"
            yield lead + _PART_HEADERS + orjson.dumps(payload) + tail
            lead, open_part = b"\r\n", not closing
            if closing:
                return
        # The payloads ended without hasNext: false (a failure mid-stream): close the body anyway.
        yield b"--\r\n" if open_part else b"\r\n-----\r\n"

    return parts()


_PART_HEADERS = b"content-type: application/json; charset=utf-8\r\n\r\n"

MULTIPART_SUBSCRIPTION = 'multipart/mixed; boundary="graphql"; subscriptionSpec="1.0"'
"""The media type of a subscription over HTTP (Apollo's multipart subscription protocol)."""
#: Seconds between heartbeat parts (``{}``) while no event comes, as Apollo Router sends them.
SUBSCRIPTION_HEARTBEAT_SECONDS = 5.0


def accepts_subscription_multipart(accept: str | None) -> bool:
    """Whether ``Accept`` asks for Apollo's multipart subscriptions: ``multipart/mixed`` with
    ``subscriptionSpec=1.0`` (quoted or not), q > 0."""
    for part in (accept or "").split(","):
        media, _, params = part.strip().partition(";")
        if media.strip().lower() != "multipart/mixed":
            continue
        spec, weight = None, 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            key, value = key.strip().lower(), value.strip().strip('"')
            if key == "subscriptionspec":
                spec = value
            elif key == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if spec == "1.0" and weight > 0:
            return True
    return False


def subscription_multipart_body(
    results: AsyncIterator[dict[str, Any]],
    *,
    failure: type[Exception],
    heartbeat_seconds: float = SUBSCRIPTION_HEARTBEAT_SECONDS,
) -> AsyncIterator[bytes]:
    """Apollo's multipart subscription protocol: each result as a part ``{"payload": result}``, a
    heartbeat part ``{}`` after ``heartbeat_seconds`` without one, a ``failure`` (which carries
    ``errors``) as the transport-level ``{"payload": null, "errors": [...]}``, then the closing
    delimiter. The client going away cancels the body, which closes the upstream subscription."""

    async def parts() -> AsyncIterator[bytes]:
        iterator = aiter(results)
        pending: asyncio.Future[dict[str, Any]] | None = None
        try:
            while True:
                if pending is None:
                    pending = asyncio.ensure_future(anext(iterator))
                done, _ = await asyncio.wait({pending}, timeout=heartbeat_seconds)
                if not done:
                    yield _SUBSCRIPTION_PART + b"{}\r\n"
                    continue
                finished, pending = pending, None
                try:
                    result = finished.result()
                except StopAsyncIteration:
                    break
                except failure as exc:
                    body = {"payload": None, "errors": getattr(exc, "errors", [])}
                    yield _SUBSCRIPTION_PART + orjson.dumps(body) + b"\r\n"
                    break
                yield _SUBSCRIPTION_PART + orjson.dumps({"payload": result}) + b"\r\n"
            yield b"--graphql--\r\n"
        finally:
            if pending is not None and not pending.done():
                pending.cancel()
                with contextlib.suppress(BaseException):
                    await pending
            closer = getattr(results, "aclose", None)
            if closer is not None:
                with contextlib.suppress(Exception):
                    await closer()

    return parts()


_SUBSCRIPTION_PART = b"--graphql\r\ncontent-type: application/json\r\n\r\n"


class BadRequest(Exception):
    """A request that is not a well-formed GraphQL-over-HTTP request: 4xx with a readable message."""

    def __init__(self, message: str, *, status: int = 400, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.headers = headers or {}


@dataclass(frozen=True, slots=True, kw_only=True)
class GraphQLParams:
    """A request's parameters; ``query`` is None only for a persisted query sent by id (APQ hash
    or ``documentId``)."""

    query: str | None
    variables: dict[str, Any] | None = None
    operation_name: str | None = None
    extensions: dict[str, Any] | None = None
    document_id: str | None = None


def choose_media_type(accept: str | None) -> str | None:
    """The response media type for an ``Accept`` header, or None when none is acceptable."""
    if not accept:
        return JSON
    best: tuple[float, str] | None = None
    for part in accept.split(","):
        media, _, params = part.strip().partition(";")
        media = media.strip().lower()
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality <= 0:
            continue
        if media == GRAPHQL_RESPONSE_JSON:
            candidate = GRAPHQL_RESPONSE_JSON
        elif media in (JSON, "application/*", "*/*"):
            candidate = JSON if media == JSON else GRAPHQL_RESPONSE_JSON
        else:
            continue
        # Prefer graphql-response+json on a tie: it carries the better status codes.
        rank = quality + (0.001 if candidate == GRAPHQL_RESPONSE_JSON else 0)
        if best is None or rank > best[0]:
            best = (rank, candidate)
    return best[1] if best else None


def violates_csrf_rules(request: Request) -> bool:
    """CSRF prevention: a browser can send a "simple" request cross-origin without a preflight.
    Accept a request only if its content type is not a simple one, or it carries a header that
    forces a preflight (e.g. ``GraphQL-Require-Preflight``)."""
    headers = request.headers
    if any(headers.get(name) for name in _PREFLIGHT_HEADERS):
        return False
    content_type = headers.get("content-type")
    if content_type is None:
        return True
    return content_type.split(";", 1)[0].strip().lower() in _SIMPLE_CONTENT_TYPES


async def read_params(request: Request, *, max_body_bytes: int) -> GraphQLParams:
    if request.method == "GET":
        return _params_from_mapping(dict(request.query_params), from_url=True)
    content_type = (request.headers.get("content-type") or "").split(";", 1)[0].strip().lower()
    if content_type not in (JSON, GRAPHQL_RESPONSE_JSON):
        raise BadRequest("POST requests must have Content-Type: application/json", status=415)
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_body_bytes:
        raise BadRequest(f"request body is larger than {max_body_bytes} bytes", status=413)
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > max_body_bytes:
            raise BadRequest(f"request body is larger than {max_body_bytes} bytes", status=413)
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise BadRequest(f"request body is not valid JSON: {exc}") from exc
    if isinstance(payload, list):
        raise BadRequest("batched requests are not enabled on this router")
    if not isinstance(payload, dict):
        raise BadRequest("request body must be a JSON object with a 'query'")
    return _params_from_mapping(payload, from_url=False)


def _params_from_mapping(payload: dict[str, Any], *, from_url: bool) -> GraphQLParams:
    query = payload.get("query")
    variables = payload.get("variables")
    extensions = payload.get("extensions")
    if from_url:
        variables = _json_param("variables", variables)
        extensions = _json_param("extensions", extensions)
    # A persisted query may leave the query out: the APQ hash or the documentId stands for it.
    document_id = payload.get("documentId")
    if document_id is not None and (not isinstance(document_id, str) or not document_id):
        raise BadRequest("'documentId' must be a non-empty string")
    persisted = isinstance(extensions, dict) and "persistedQuery" in extensions
    if query is None and (persisted or document_id is not None):
        pass
    elif not isinstance(query, str) or not query.strip():
        raise BadRequest("'query' must be a non-empty string")
    if variables is not None and not isinstance(variables, dict):
        raise BadRequest("'variables' must be a JSON object")
    if extensions is not None and not isinstance(extensions, dict):
        raise BadRequest("'extensions' must be a JSON object")
    operation_name = payload.get("operationName")
    if operation_name is not None and not isinstance(operation_name, str):
        raise BadRequest("'operationName' must be a string")
    return GraphQLParams(
        query=query,
        variables=variables,
        operation_name=operation_name or None,
        extensions=extensions,
        document_id=document_id,
    )


def _json_param(name: str, raw: Any) -> Any:
    if raw is None or raw == "":
        return None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise BadRequest(f"'{name}' URL parameter is not valid JSON") from exc

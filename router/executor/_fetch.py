"""HTTP POST of one GraphQL request to one subgraph, over the process's pooled httpx client.

This module is the boundary where httpx and JSON decoding errors become ``SubgraphError``s (see
``errors.py``), so the plan walker only ever deals with a decoded response or one of our exceptions.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx
import orjson

from .errors import (
    InvalidSubgraphResponse,
    SubgraphHttpError,
    SubgraphRequestFailed,
    SubgraphTimeout,
    UnknownSubgraph,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["SubgraphClient", "SubgraphResponse"]

# GraphQL over HTTP: prefer the response media type that lets a subgraph report request errors with
# a 4xx status, and accept the legacy one.
_BASE_HEADERS = {
    "content-type": "application/json",
    "accept": "application/graphql-response+json, application/json",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class SubgraphResponse:
    """A decoded GraphQL response: ``data`` (None when absent or null) and the raw ``errors``."""

    data: dict[str, Any] | None
    errors: list[dict[str, Any]]


class SubgraphClient:
    """Sends GraphQL requests to subgraphs by name.

    The ``httpx.AsyncClient`` is injected (one pooled client per process; tests pass one with a
    ``MockTransport`` or ``ASGITransport``). ``timeout`` bounds the whole exchange (connect, send,
    wait, read) of one request, in seconds.
    """

    def __init__(self, http: httpx.AsyncClient, urls: Mapping[str, str], *, timeout: float = 30.0) -> None:
        self._http = http
        self._urls = dict(urls)
        self._timeout = float(timeout)

    @property
    def urls(self) -> Mapping[str, str]:
        return self._urls

    async def fetch(
        self,
        service_name: str,
        *,
        query: str,
        variables: Mapping[str, Any] | None = None,
        operation_name: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> SubgraphResponse:
        """POST ``{query, variables, operationName?}`` and decode the GraphQL response.

        Raises a ``SubgraphError`` subclass when no usable response came back; GraphQL errors in a
        well-formed response are data (``SubgraphResponse.errors``), not exceptions.
        """
        url = self._urls.get(service_name)
        if url is None:
            raise UnknownSubgraph(service_name, f"No URL is configured for subgraph '{service_name}'.")
        payload: dict[str, Any] = {"query": query, "variables": variables or {}}
        if operation_name:
            payload["operationName"] = operation_name
        request_headers = {**headers, **_BASE_HEADERS} if headers else _BASE_HEADERS
        try:
            async with asyncio.timeout(self._timeout):
                response = await self._http.post(url, content=orjson.dumps(payload), headers=request_headers)
        except (TimeoutError, httpx.TimeoutException) as exc:
            raise SubgraphTimeout(
                service_name, f"Request to subgraph '{service_name}' timed out after {self._timeout:g}s."
            ) from exc
        except httpx.HTTPError as exc:
            raise SubgraphRequestFailed(
                service_name, f"HTTP fetch failed from subgraph '{service_name}': {_describe(exc)}"
            ) from exc
        if not response.is_success:
            raise SubgraphHttpError(
                service_name,
                f"HTTP fetch failed from subgraph '{service_name}': "
                f"{response.status_code} {response.reason_phrase}".rstrip(),
                status_code=response.status_code,
            )
        return _decode(service_name, response.content)


def _describe(exc: httpx.HTTPError) -> str:
    return str(exc) or type(exc).__name__


def _decode(service_name: str, body: bytes) -> SubgraphResponse:
    """Check the body is a GraphQL response ('Response Format' of the GraphQL spec)."""
    try:
        decoded = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise InvalidSubgraphResponse(
            service_name, f"Subgraph '{service_name}' returned a body that is not valid JSON."
        ) from exc
    if not isinstance(decoded, dict):
        raise InvalidSubgraphResponse(
            service_name, f"Subgraph '{service_name}' returned JSON that is not a GraphQL response object."
        )
    data = decoded.get("data")
    errors = decoded.get("errors")
    if (data is not None and not isinstance(data, dict)) or (
        errors is not None and not (isinstance(errors, list) and all(isinstance(e, dict) for e in errors))
    ):
        raise InvalidSubgraphResponse(
            service_name, f"Subgraph '{service_name}' returned malformed 'data' or 'errors'."
        )
    if data is None and not errors:
        raise InvalidSubgraphResponse(
            service_name, f"Subgraph '{service_name}' returned a response with neither data nor errors."
        )
    return SubgraphResponse(data=data, errors=errors or [])

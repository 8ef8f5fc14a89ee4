"""HTTP POST of one GraphQL request to one subgraph, over the process's pooled httpx client or
straight to the pooled transport behind it.

This module is the boundary where httpx and JSON decoding errors become ``SubgraphError``s (see
``errors.py``), so the plan walker only ever deals with a decoded response or one of our exceptions.
It is also where the fetch policies apply, in this order: the subgraph's circuit breaker (fail fast
when open), its timeout (per subgraph, else the default), retries of idempotent fetches; and where
each attempt is reported to a ``FetchObserver`` (the server turns those reports into metrics and
trace spans, so the executor never imports the server).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx
import orjson

from ._transport import PooledTransport, RawResponse
from .errors import (
    InvalidSubgraphResponse,
    SubgraphCircuitOpen,
    SubgraphError,
    SubgraphHttpError,
    SubgraphRequestFailed,
    SubgraphTimeout,
    SubgraphUnreachable,
    UnknownSubgraph,
)

if TYPE_CHECKING:
    from collections.abc import Mapping
    from contextlib import AbstractContextManager

    from ._breaker import BreakerState, CircuitBreakers
    from ._retry import RetryPolicy

__all__ = ["FetchObserver", "SubgraphClient", "SubgraphResponse"]

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


class FetchObserver:
    """Hears about every subgraph fetch attempt; this base class ignores everything.

    Methods run synchronously on the request path, so an implementation must be cheap (increment a
    counter, observe a histogram) and must not raise.
    """

    def fetch_finished(self, service_name: str, seconds: float, error: SubgraphError | None) -> None:
        """One HTTP attempt ended after ``seconds``: ``error`` is None on success."""

    def fetch_retried(self, service_name: str, retry: int, error: SubgraphError) -> None:
        """Retry number ``retry`` (1-based) of an idempotent fetch is about to be sent after ``error``."""

    def breaker_changed(self, service_name: str, state: BreakerState) -> None:
        """The subgraph's circuit breaker moved to ``state``."""

    def fetch_scope(self, service_name: str) -> AbstractContextManager[Mapping[str, str]]:
        """Wraps one fetch, all its attempts included; yields headers to add to its requests.

        The tracing observer opens a span here and yields its W3C ``traceparent``. The client calls
        this only when a subclass overrides it, so the base costs nothing per fetch.
        """
        return contextlib.nullcontext(_NO_HEADERS)


_NO_HEADERS: Mapping[str, str] = {}
_NO_OBSERVER = FetchObserver()
_UNREACHABLE_ERRORS = (httpx.NetworkError, httpx.RemoteProtocolError, httpx.ProxyError)


class SubgraphClient:
    """Sends GraphQL requests to subgraphs by name.

    The ``httpx.AsyncClient`` is injected (one pooled client per process; tests pass one with a
    ``MockTransport`` or ``ASGITransport``). ``timeout`` bounds the whole exchange (connect, send,
    wait, read) of one attempt, in seconds; ``timeouts`` overrides it per subgraph name. ``retry``
    (None: never retry) applies to idempotent fetches only; ``breakers`` (None: no breaker) holds a
    circuit breaker per subgraph; ``observer`` hears about every attempt.

    ``transport`` (the one ``http`` wraps) sends each fetch straight to it, with ``http``'s default
    headers: the client's per-request machinery (URL merging, auth and redirect handling, a cookie
    jar filled from every response, a second ``Request`` build) was a sixth of the router's time on
    a one-fetch query (bench/README.md). A subgraph's cookies then never reach another client's fetch.
    """

    def __init__(
        self,
        http: httpx.AsyncClient,
        urls: Mapping[str, str],
        *,
        timeout: float = 30.0,
        timeouts: Mapping[str, float] | None = None,
        retry: RetryPolicy | None = None,
        breakers: CircuitBreakers | None = None,
        observer: FetchObserver | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._http = http
        self._urls = dict(urls)
        self._transport = transport
        # Built once for the direct path: parsed URLs and the client's default headers.
        self._parsed_urls = {name: httpx.URL(url) for name, url in self._urls.items()}
        self._default_headers = dict(http.headers.items())
        self._timeout = float(timeout)
        self._timeouts = {name: float(seconds) for name, seconds in (timeouts or {}).items()}
        self._retry = retry
        self._breakers = breakers
        self._observer = observer or _NO_OBSERVER
        self._scoped = type(self._observer).fetch_scope is not FetchObserver.fetch_scope

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
        idempotent: bool = False,
    ) -> SubgraphResponse:
        """POST ``{query, variables, operationName?}`` and decode the GraphQL response.

        Raises a ``SubgraphError`` subclass when no usable response came back; GraphQL errors in a
        well-formed response are data (``SubgraphResponse.errors``), not exceptions. ``idempotent``
        (a query, never a mutation) allows retries under the client's ``RetryPolicy``.
        """
        url = self._urls.get(service_name)
        if url is None:
            raise UnknownSubgraph(service_name, f"No URL is configured for subgraph '{service_name}'.")
        payload: dict[str, Any] = {"query": query, "variables": variables or {}}
        if operation_name:
            payload["operationName"] = operation_name
        body = orjson.dumps(payload)
        request_headers = {**headers, **_BASE_HEADERS} if headers else _BASE_HEADERS
        if not self._scoped:
            return await self._fetch(service_name, url, body, request_headers, idempotent=idempotent)
        with self._observer.fetch_scope(service_name) as extra:
            if extra:
                request_headers = {**request_headers, **extra}
            return await self._fetch(service_name, url, body, request_headers, idempotent=idempotent)

    async def _fetch(
        self,
        service_name: str,
        url: str,
        body: bytes,
        request_headers: Mapping[str, str],
        *,
        idempotent: bool,
    ) -> SubgraphResponse:
        """The fetch policies around the attempts: breaker, retries (see ``fetch``)."""
        breaker = self._breakers.for_subgraph(service_name) if self._breakers is not None else None
        retries = self._retry.max_retries if idempotent and self._retry is not None else 0
        attempt = 0
        last_error: SubgraphError | None = None
        while True:
            if breaker is not None and not breaker.allow():
                # Our own retries opened it: the client learns more from the failure itself.
                raise last_error or _circuit_open(service_name, breaker.retry_after())
            try:
                response = await self._attempt(service_name, url, body, request_headers)
            except SubgraphError as exc:
                last_error = exc
                if breaker is not None:
                    breaker.record(exc)
                if attempt >= retries or self._retry is None or not self._retry.should_retry(exc):
                    raise
                attempt += 1
                self._observer.fetch_retried(service_name, attempt, exc)
                await asyncio.sleep(self._retry.delay(attempt))
                continue
            except BaseException:
                if breaker is not None:
                    breaker.release()
                raise
            if breaker is not None:
                breaker.record(None)
            return response

    async def _attempt(
        self, service_name: str, url: str, body: bytes, headers: Mapping[str, str]
    ) -> SubgraphResponse:
        """One HTTP exchange, timed and reported to the observer."""
        started = time.perf_counter()
        try:
            response = await self._post(service_name, url, body, headers)
        except SubgraphError as exc:
            self._observer.fetch_finished(service_name, time.perf_counter() - started, exc)
            raise
        self._observer.fetch_finished(service_name, time.perf_counter() - started, None)
        return response

    async def _post(
        self, service_name: str, url: str, body: bytes, headers: Mapping[str, str]
    ) -> SubgraphResponse:
        timeout = self._timeouts.get(service_name, self._timeout)
        response: httpx.Response | RawResponse
        try:
            async with asyncio.timeout(timeout):
                if self._transport is None:
                    response = await self._http.post(url, content=body, headers=headers)
                else:
                    response = await self._send_direct(
                        self._transport, service_name, url, body, headers, timeout
                    )
        except (TimeoutError, httpx.TimeoutException) as exc:
            raise SubgraphTimeout(
                service_name, f"Request to subgraph '{service_name}' timed out after {timeout:g}s."
            ) from exc
        except _UNREACHABLE_ERRORS as exc:
            raise SubgraphUnreachable(
                service_name, f"HTTP fetch failed from subgraph '{service_name}': {_describe(exc)}"
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

    async def _send_direct(
        self,
        transport: httpx.AsyncBaseTransport,
        service_name: str,
        url: str,
        body: bytes,
        headers: Mapping[str, str],
        timeout: float,
    ) -> httpx.Response | RawResponse:
        """What ``AsyncClient.post`` does for us, minus what a subgraph fetch never needs; our own
        pool also skips httpx's request and response models (``PooledTransport.post``)."""
        parsed = self._parsed_urls.get(service_name) or httpx.URL(url)
        headers = {**self._default_headers, **headers}
        if isinstance(transport, PooledTransport):
            return await transport.post(parsed, headers, body, timeout=timeout)
        request = httpx.Request(
            "POST",
            parsed,
            content=body,
            headers=headers,
            extensions={"timeout": {"connect": timeout, "read": timeout, "write": timeout, "pool": timeout}},
        )
        response = await transport.handle_async_request(request)
        try:
            await response.aread()
        finally:
            await response.aclose()
        return response


def _circuit_open(service_name: str, retry_after: float) -> SubgraphCircuitOpen:
    wait = (
        f"requests fail fast for {retry_after:.1f}s more"
        if retry_after > 0
        else "a trial request is checking whether it recovered"
    )
    return SubgraphCircuitOpen(
        service_name,
        f"Subgraph '{service_name}' is failing and its circuit breaker is open: {wait}.",
        retry_after=retry_after,
    )


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

"""Internal service-to-service REST: the calling client (the receiving guard is
``dependencies.require_service_token``).

Calls go over one pooled ``httpx.AsyncClient`` per app (created in the lifespan, injectable for
tests), carry the service token, time out, and retry idempotent calls a bounded number of times with
a short back-off. Transport failures map to :class:`ServiceCallFailed`; the caller turns them into
a client-facing error.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from .logs import REQUEST_ID_HEADER, current_request_id
from .tracing import current_traceparent

if TYPE_CHECKING:
    import httpx

    from .settings import SubgraphSettings

__all__ = ["SERVICE_TOKEN_HEADER", "ServiceCallFailed", "ServiceClient"]

SERVICE_TOKEN_HEADER = "X-Service-Token"
_RETRYABLE_STATUS = {502, 503, 504}


class ServiceCallFailed(Exception):
    """An internal call that could not be completed (down, timed out, or answered 5xx)."""

    def __init__(self, service: str, message: str) -> None:
        super().__init__(f"{service}: {message}")
        self.service = service


class ServiceClient:
    """Calls other subgraphs' ``/internal/v1`` routes."""

    def __init__(self, *, settings: SubgraphSettings, http: httpx.AsyncClient) -> None:
        # httpx is imported where it is used: schemas import this module for ServiceCallFailed
        # only, and ``supergraph compose`` imports schemas.
        import httpx

        self._settings = settings
        self._http = http
        self._headers = {SERVICE_TOKEN_HEADER: settings.service_token}
        self._timeout = httpx.Timeout(settings.service_timeout_seconds)
        self._retries = settings.service_retries

    async def request(
        self,
        service: str,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        idempotent: bool | None = None,
    ) -> httpx.Response:
        """Send one request; 4xx answers are returned for the caller to interpret, 5xx and
        transport errors are retried when ``idempotent`` (default: GET/PUT/DELETE) and then raise."""
        import httpx

        url = self._settings.service_url(service) + path
        if idempotent is None:
            idempotent = method.upper() in {"GET", "PUT", "DELETE", "HEAD"}
        attempts = 1 + (self._retries if idempotent else 0)
        headers = self._headers_for_this_request()
        last_error = "no attempt made"
        for attempt in range(attempts):
            if attempt:
                await asyncio.sleep(0.05 * 2 ** (attempt - 1))
            try:
                response = await self._http.request(
                    method, url, json=json, params=params, headers=headers, timeout=self._timeout
                )
            except httpx.TimeoutException:
                last_error = "timed out"
                continue
            except httpx.TransportError as exc:
                last_error = f"unreachable ({type(exc).__name__})"
                continue
            if response.status_code in _RETRYABLE_STATUS or response.status_code >= 500:
                last_error = f"answered {response.status_code}"
                continue
            return response
        raise ServiceCallFailed(service, last_error)

    def _headers_for_this_request(self) -> dict[str, str]:
        """The service token, plus what ties the call to the request being handled: its id (one id
        across every service's log) and, when tracing, the W3C ``traceparent`` of the active span."""
        headers = self._headers
        request_id = current_request_id()
        traceparent = current_traceparent()
        if request_id is None and traceparent is None:
            return headers
        headers = dict(headers)
        if request_id is not None:
            headers[REQUEST_ID_HEADER] = request_id
        if traceparent is not None:
            headers["traceparent"] = traceparent
        return headers

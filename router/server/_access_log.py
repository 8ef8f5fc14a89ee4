"""Per request, around every route: the request id, one structured log line, request metrics.

A pure ASGI middleware (not Starlette's ``BaseHTTPMiddleware``, which costs a task and a stream per
request). The request id is accepted from ``X-Request-ID`` or generated, stored on the scope for
the handler (which sends it to the subgraphs) and returned as ``X-Request-ID``. The GraphQL handler
fills a ``RequestRecord`` with the operation and outcome; the middleware logs and measures once the
response has started, with the status actually sent.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ._request_id import accept_request_id, new_request_id

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

    from ._metrics import RouterMetrics

__all__ = ["AccessLogMiddleware", "RequestRecord", "request_record"]

access_log = logging.getLogger("router.access")
_SCOPE_KEY = "router.request"
_HEADER = b"x-request-id"


@dataclass(slots=True)
class RequestRecord:
    """Mutable on purpose: filled in by the handler while the request runs, read once at its end."""

    request_id: str
    graphql: bool = False
    operation_name: str | None = None
    #: Whether the document parsed and validated (else the operation name is the client's claim).
    valid: bool = False
    errors: int = 0


def request_record(request: Request) -> RequestRecord:
    """The record of the current request (the middleware always installs one)."""
    record: RequestRecord = request.scope[_SCOPE_KEY]
    return record


class AccessLogMiddleware:
    def __init__(self, app: ASGIApp, *, metrics: RouterMetrics | None) -> None:
        self._app = app
        self._metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        supplied = next((value for name, value in scope["headers"] if name == _HEADER), None)
        request_id = accept_request_id(supplied.decode("latin-1") if supplied is not None else None)
        record = RequestRecord(request_id=request_id or new_request_id())
        scope[_SCOPE_KEY] = record
        header = (_HEADER, record.request_id.encode("latin-1"))
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        try:
            await self._app(scope, receive, send_with_id)
        finally:
            self._finished(scope, record, status, time.perf_counter() - started)

    def _finished(self, scope: Scope, record: RequestRecord, status: int, seconds: float) -> None:
        if record.graphql and self._metrics is not None:
            label = self._metrics.operation_label(record.operation_name, valid=record.valid)
            self._metrics.request_finished(label, status, seconds, has_errors=record.errors > 0)
        # Health checks and scrapes come every few seconds: keep them out of the default log level.
        level = logging.INFO if record.graphql or status >= 400 else logging.DEBUG
        if access_log.isEnabledFor(level):
            access_log.log(
                level,
                "request",
                extra={
                    "request_id": record.request_id,
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": round(seconds * 1000, 3),
                    "operation_name": record.operation_name,
                    "errors": record.errors,
                },
            )

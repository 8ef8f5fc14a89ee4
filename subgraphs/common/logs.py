"""Structured logs of a subgraph process: one JSON object per line, a request id on every line.

``AccessLogMiddleware`` takes the caller's ``X-Request-ID`` (the router sends its own with every
fetch, so one id follows a request across services) or makes one, echoes it in the response, and
keeps it in a context variable while the request runs; ``RequestIdFilter`` copies it onto every
record logged meanwhile, whichever logger writes it. One ``request`` line per request carries
``method``, ``path``, ``status`` and ``duration_ms``.

``JsonFormatter`` writes the same fields as the router's (``router/server/_logging.py``): ``ts``,
``level``, ``logger``, ``message``, every ``extra=`` field (``request_id`` ...), ``trace_id`` and
``span_id`` while a span is active, ``exc_info`` as text. It is a second copy on purpose: the router
and the subgraphs are separate deployables, and neither imports the other (the router only loads
subgraph apps by name from the CLI), as with the internal-claims secret both define.
``tests/tracing/test_subgraph_logs.py`` pins the two formatters to the same output so they cannot drift.

``LOG_FORMAT=json|text`` chooses (JSON by default, as the router's ``ROUTER_LOG_FORMAT``).
"""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

import orjson
from opentelemetry.trace import get_current_span

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "REQUEST_ID_HEADER",
    "AccessLogMiddleware",
    "JsonFormatter",
    "RequestIdFilter",
    "TextFormatter",
    "configure_logging",
    "current_request_id",
]

REQUEST_ID_HEADER = "X-Request-ID"
_HEADER = REQUEST_ID_HEADER.lower().encode("latin-1")
#: The router's rule (router/server/_request_id.py): anything else could inject into log lines or
#: headers, so it is replaced rather than cleaned up.
_SAFE_ID = re.compile(r"[A-Za-z0-9._:\-]{1,128}")
_HANDLER_NAME = "subgraphs"

_request_id: ContextVar[str | None] = ContextVar("subgraph_request_id", default=None)

access_log = logging.getLogger("subgraphs.access")

# Attributes every LogRecord has; anything else on a record came from ``extra=`` or a filter.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "taskName",
    "color_message",  # uvicorn's copy of the message with ANSI colours
}


def current_request_id() -> str | None:
    """The id of the request being handled (None outside a request: start-up, event consumers)."""
    return _request_id.get()


class JsonFormatter(logging.Formatter):
    """A log record as one line of JSON (orjson: non-JSON values are written as ``str()``)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        span = get_current_span().get_span_context()
        if span.is_valid:
            entry["trace_id"] = format(span.trace_id, "032x")
            entry["span_id"] = format(span.span_id, "016x")
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        return orjson.dumps(entry, default=str).decode()


class TextFormatter(logging.Formatter):
    """``LOG_FORMAT=text``: the router's text line, with the request id when there is one."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        request_id = getattr(record, "request_id", None)
        return f"{line} request_id={request_id}" if request_id else line


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on every record a handler sees (a record that names its own
    ``request_id`` keeps it). On the handler, not a logger: a logger's filters miss records that
    propagate from its children."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            request_id = _request_id.get()
            if request_id is not None:
                record.request_id = request_id
        return True


def configure_logging(
    level: str | int = "info", *, log_format: Literal["json", "text"] = "json", logger_name: str = "subgraphs"
) -> None:
    """Send ``logger_name``'s records to stderr, one line each; idempotent.

    A process that runs subgraphs only (``supergraph subgraph``, ``supergraph relay``) passes
    ``logger_name=""``, the root, so uvicorn's and every library's lines are structured too; ``supergraph
    dev`` keeps the default, ``subgraphs``, beside the router's own ``router`` logger.
    """
    target = logging.getLogger(logger_name or None)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    handler.addFilter(RequestIdFilter())
    handler.set_name(_HANDLER_NAME)
    target.handlers = [h for h in target.handlers if h.get_name() != _HANDLER_NAME] + [handler]
    target.setLevel(level.upper() if isinstance(level, str) else level)
    if logger_name:
        target.propagate = False


class AccessLogMiddleware:
    """The request id and one ``request`` line per request (pure ASGI: no extra task per request).

    Health checks and scrapes log at DEBUG, like the router's: they come every few seconds.
    Installed inside the tracing middleware, so the line carries the request span's trace id.
    """

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        supplied = next((value for name, value in scope["headers"] if name == _HEADER), None)
        request_id = _accept(supplied.decode("latin-1") if supplied is not None else None)
        header = (_HEADER, request_id.encode("latin-1"))
        token = _request_id.set(request_id)
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
            path: str = scope["path"]
            quiet = path.startswith(("/health", "/metrics")) and status < 400
            level = logging.DEBUG if quiet else logging.INFO
            if access_log.isEnabledFor(level):
                access_log.log(
                    level,
                    "request",
                    extra={
                        "request_id": request_id,
                        "method": scope["method"],
                        "path": path,
                        "status": status,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 3),
                    },
                )
            _request_id.reset(token)


def _accept(value: str | None) -> str:
    if value is not None and _SAFE_ID.fullmatch(value):
        return value
    return uuid.uuid4().hex

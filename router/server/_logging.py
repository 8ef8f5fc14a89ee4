"""Structured logs: one JSON object per line, for log shippers (Loki, Elasticsearch, CloudWatch).

``JsonFormatter`` writes ``ts``, ``level``, ``logger``, ``message``, then every field passed with
``extra=`` (``request_id``, ``operation_name``, ``status``, ``duration_ms`` ...), ``trace_id`` and
``span_id`` while a trace span is active (tracing on), then ``exc_info`` as text.
``configure_logging`` installs it on the ``router`` logger, so in ``supergraph dev`` the process's
other loggers (uvicorn, the subgraphs') keep their own format; ``supergraph router`` also installs it
on the root logger, so every line of that process is structured.
The subgraphs write the same line with their own copy (``subgraphs/common/logs.py`` says why).
"""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime
from typing import Any

import orjson
from opentelemetry.trace import get_current_span

__all__ = ["JsonFormatter", "configure_logging"]

# Attributes every LogRecord has; anything else on a record came from ``extra=``.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "taskName",
    "color_message",  # uvicorn's copy of the message with ANSI colours
}


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


def configure_logging(
    level: str | int = "info", *, log_format: str = "json", logger_name: str = "router"
) -> None:
    """Send the ``router`` loggers to stderr, one line per record; idempotent.

    ``supergraph router`` also passes ``logger_name=""`` (the root): in a process that is only the
    router, uvicorn's and the libraries' lines are structured too.
    """
    logger = logging.getLogger(logger_name or None)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter()
        if log_format == "json"
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    )
    handler.set_name("router")
    logger.handlers = [h for h in logger.handlers if h.get_name() != "router"] + [handler]
    logger.setLevel(level.upper() if isinstance(level, str) else level)
    if logger_name:
        logger.propagate = False

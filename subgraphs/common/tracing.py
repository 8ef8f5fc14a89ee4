"""OpenTelemetry tracing of a subgraph: request spans, SQL statement spans, event publish/consume spans.

Off by default (the app holds no tracer and installs nothing, so nothing is paid per request).
When on, log records also carry the active span's ``trace_id`` and ``span_id``.
``TRACING=true`` or ``OTEL_EXPORTER_OTLP_ENDPOINT`` turns it on: a ``TracerProvider`` exporting over
OTLP/HTTP in batches is installed for the process unless one is already (``supergraph dev`` runs
every subgraph and the router in one process; tests install an in-memory exporter).

The trace continues across every hop through W3C ``traceparent`` (Trace Context, Level 1): from the
router's request headers, into the event envelope the outbox stores (:func:`current_traceparent`),
into the message header the relay publishes, and into the consumer's span.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from sqlalchemy import event

if TYPE_CHECKING:
    from opentelemetry.context import Context
    from sqlalchemy.ext.asyncio import AsyncEngine
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

    from .settings import SubgraphSettings

__all__ = [
    "TracingMiddleware",
    "context_of",
    "current_traceparent",
    "instrument_engine",
    "subgraph_tracer",
    "traced",
    "traceparent_of",
]

_PROPAGATOR = TraceContextTextMapPropagator()
#: Statements longer than this are cut in the ``db.statement`` attribute (span size stays bounded).
MAX_STATEMENT_CHARS = 2000
_SPAN_KEY = "_supergraph_span"


def subgraph_tracer(settings: SubgraphSettings, *, service_name: str = "subgraphs") -> trace.Tracer | None:
    """The tracer when tracing is on (installing the OTLP exporter once per process), else None."""
    if not (settings.tracing or settings.otel_exporter_otlp_endpoint):
        return None
    from opentelemetry.sdk.trace import TracerProvider

    if not isinstance(trace.get_tracer_provider(), TracerProvider):
        _install_provider(service_name, settings.otel_exporter_otlp_endpoint)
    _correlate_logs()
    return trace.get_tracer("subgraphs")


def _correlate_logs() -> None:
    """Every log record of the process gets ``trace_id`` and ``span_id`` attributes while a span is
    active, whichever logger writes it (formatters show them: a JSON one as fields, a text one
    with ``%(trace_id)s``). Installed once, only when tracing is on."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "correlates_traces", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        context = trace.get_current_span().get_span_context()
        if context.is_valid:
            record.trace_id = format(context.trace_id, "032x")
            record.span_id = format(context.span_id, "016x")
        return record

    factory.correlates_traces = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


def _install_provider(service_name: str, endpoint: str | None) -> None:
    # Imported here: a subgraph with tracing off never loads the SDK or the exporter.
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    # OTEL_EXPORTER_OTLP_ENDPOINT is the collector's base URL; traces go to its /v1/traces.
    exporter = OTLPSpanExporter(endpoint=f"{endpoint.rstrip('/')}/v1/traces" if endpoint else None)
    provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
    provider.add_span_processor(BatchSpanProcessor(exporter))
    trace.set_tracer_provider(provider)


def current_traceparent() -> str | None:
    """The W3C ``traceparent`` of the active span (to store with an event), None without one."""
    if not trace.get_current_span().get_span_context().is_valid:
        return None
    carrier: dict[str, str] = {}
    _PROPAGATOR.inject(carrier)
    return carrier.get("traceparent")


def traceparent_of(span: trace.Span) -> str | None:
    """The W3C ``traceparent`` that continues ``span`` (None for a non-recording no-op span)."""
    if not span.get_span_context().is_valid:
        return None
    carrier: dict[str, str] = {}
    _PROPAGATOR.inject(carrier, context=trace.set_span_in_context(span))
    return carrier.get("traceparent")


def context_of(traceparent: str | None) -> Context | None:
    """The remote parent a ``traceparent`` names (None: start a new trace)."""
    return _PROPAGATOR.extract({"traceparent": traceparent}) if traceparent else None


@contextmanager
def traced(
    tracer: trace.Tracer, name: str, *, traceparent: str | None, kind: SpanKind, **attributes: Any
) -> Iterator[dict[str, str]]:
    """A span that continues ``traceparent``'s trace; yields the headers that continue this span."""
    with tracer.start_as_current_span(
        name, context=context_of(traceparent), kind=kind, attributes=attributes
    ):
        headers: dict[str, str] = {}
        _PROPAGATOR.inject(headers)
        yield headers


class TracingMiddleware:
    """A server span per HTTP request (``<subgraph> <METHOD> <route>``) whose parent is the
    caller's ``traceparent``; health checks and scrapes are left out."""

    def __init__(self, app: ASGIApp, *, tracer: trace.Tracer, subgraph: str) -> None:
        self._app = app
        self._tracer = tracer
        self._subgraph = subgraph

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(("/health", "/metrics")):
            await self._app(scope, receive, send)
            return
        carrier = {
            name.decode("latin-1"): value.decode("latin-1")
            for name, value in scope["headers"]
            if name in (b"traceparent", b"tracestate")
        }
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        with self._tracer.start_as_current_span(
            f"{self._subgraph} {scope['method']} {scope['path']}",
            context=_PROPAGATOR.extract(carrier) if carrier else None,
            kind=SpanKind.SERVER,
            attributes={
                "subgraph.name": self._subgraph,
                "http.request.method": scope["method"],
                "url.path": scope["path"],
            },
        ) as span:
            try:
                await self._app(scope, receive, send_status)
            finally:
                span.set_attribute("http.response.status_code", status)
                if status >= 500:
                    span.set_status(Status(StatusCode.ERROR))


def instrument_engine(engine: AsyncEngine, tracer: trace.Tracer, *, subgraph: str) -> None:
    """A client span per SQL statement on ``engine`` (the statement, cut, as ``db.statement``)."""
    sync_engine = engine.sync_engine
    system = sync_engine.dialect.name

    def before(
        _conn: Any, _cursor: Any, statement: str, _params: Any, context: Any, _executemany: bool
    ) -> None:
        operation = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else "SQL"
        span = tracer.start_span(
            f"{subgraph} db {operation}",
            kind=SpanKind.CLIENT,
            attributes={
                "db.system": system,
                "db.operation": operation,
                "db.statement": statement[:MAX_STATEMENT_CHARS],
                "subgraph.name": subgraph,
            },
        )
        setattr(context, _SPAN_KEY, span)

    def after(_conn: Any, _cursor: Any, _statement: str, _params: Any, context: Any, _many: bool) -> None:
        span = getattr(context, _SPAN_KEY, None)
        if span is not None:
            span.end()

    def failed(exception_context: Any) -> None:
        span = getattr(exception_context.execution_context, _SPAN_KEY, None)
        if span is not None:
            span.record_exception(exception_context.original_exception)
            span.set_status(Status(StatusCode.ERROR))
            span.end()

    event.listen(sync_engine, "before_cursor_execute", before)
    event.listen(sync_engine, "after_cursor_execute", after)
    event.listen(sync_engine, "handle_error", failed)

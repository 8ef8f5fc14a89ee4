"""OpenTelemetry tracing of the router: a server span per GraphQL request, a child span per fetch.

Off by default: the app then holds the API's no-op tracer and installs no middleware, so a request
pays nothing. ``ROUTER_TRACING=true`` or ``OTEL_EXPORTER_OTLP_ENDPOINT`` turns it on: a
``TracerProvider`` exporting over OTLP/HTTP in batches is installed for the process, unless one
is installed already (another app of this process, or a test's in-memory exporter).

Trace context travels as W3C ``traceparent``/``tracestate`` (Trace Context, Level 1): read from the
client's request, written into every subgraph request by :class:`TracingObserver`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from router.executor import FetchObserver

from ._access_log import RequestRecord

if TYPE_CHECKING:
    from collections.abc import Mapping

    from starlette.types import ASGIApp, Message, Receive, Scope, Send

    from router.executor import BreakerState, SubgraphError

    from ._settings import RouterSettings

__all__ = ["TracingMiddleware", "TracingObserver", "router_tracer"]

_PROPAGATOR = TraceContextTextMapPropagator()
_TRACED_PATHS = frozenset({"/graphql"})
#: Where AccessLogMiddleware keeps the request's record on the scope (see ``request_record``).
_RECORD_KEY = "router.request"


def router_tracer(settings: RouterSettings) -> trace.Tracer | None:
    """The router's tracer when tracing is on (installing the OTLP exporter once), else None."""
    if not (settings.tracing or settings.otlp_endpoint):
        return None
    if not _has_sdk_provider():
        _install_provider("router", settings.otlp_endpoint)
    return trace.get_tracer("router")


def _has_sdk_provider() -> bool:
    from opentelemetry.sdk.trace import TracerProvider

    return isinstance(trace.get_tracer_provider(), TracerProvider)


def _install_provider(service_name: str, endpoint: str | None) -> None:
    # Imported here: a router with tracing off never loads the SDK or the exporter.
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    # OTEL_EXPORTER_OTLP_ENDPOINT is the collector's base URL; traces go to its /v1/traces.
    exporter = OTLPSpanExporter(endpoint=f"{endpoint.rstrip('/')}/v1/traces" if endpoint else None)
    provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
    provider.add_span_processor(BatchSpanProcessor(exporter))
    trace.set_tracer_provider(provider)


class TracingMiddleware:
    """A server span around each ``/graphql`` request, parented by the client's ``traceparent``.

    Outermost but for the security headers, so the access log line is written inside the span (and
    carries its trace id). The span is named once the handler has filled the request record:
    ``graphql <operationName>`` (``anonymous`` without one).
    """

    def __init__(self, app: ASGIApp, *, tracer: trace.Tracer) -> None:
        self._app = app
        self._tracer = tracer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] not in _TRACED_PATHS:
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
            "graphql",
            context=_PROPAGATOR.extract(carrier) if carrier else None,
            kind=SpanKind.SERVER,
            attributes={"http.request.method": scope["method"], "url.path": scope["path"]},
        ) as span:
            try:
                await self._app(scope, receive, send_status)
            finally:
                record = scope.get(_RECORD_KEY)
                if isinstance(record, RequestRecord):
                    span.update_name(f"graphql {record.operation_name or 'anonymous'}")
                    span.set_attribute("request.id", record.request_id)
                    if record.operation_name:
                        span.set_attribute("graphql.operation.name", record.operation_name)
                    span.set_attribute("graphql.errors", record.errors)
                span.set_attribute("http.response.status_code", status)
                if status >= 500:
                    span.set_status(Status(StatusCode.ERROR))


def set_operation_type(operation_type: str) -> None:
    """Record the operation type (query, mutation) on the current request span, if any."""
    trace.get_current_span().set_attribute("graphql.operation.type", operation_type)


class TracingObserver(FetchObserver):
    """A client span ``subgraph <name>`` per fetch (its retries included) whose ``traceparent``
    goes to the subgraph; everything else is passed to the wrapped observer (the metrics)."""

    def __init__(self, tracer: trace.Tracer, inner: FetchObserver | None = None) -> None:
        self._tracer = tracer
        self._inner = inner or FetchObserver()

    @contextmanager
    def fetch_scope(self, service_name: str) -> Iterator[Mapping[str, str]]:
        with self._tracer.start_as_current_span(
            f"subgraph {service_name}", kind=SpanKind.CLIENT, attributes={"subgraph.name": service_name}
        ):
            headers: dict[str, str] = {}
            _PROPAGATOR.inject(headers)
            yield headers

    def fetch_finished(self, service_name: str, seconds: float, error: SubgraphError | None) -> None:
        self._inner.fetch_finished(service_name, seconds, error)

    def fetch_retried(self, service_name: str, retry: int, error: SubgraphError) -> None:
        trace.get_current_span().add_event("retry", {"retry": retry, "error": str(error)})
        self._inner.fetch_retried(service_name, retry, error)

    def breaker_changed(self, service_name: str, state: BreakerState) -> None:
        self._inner.breaker_changed(service_name, state)

"""Tracing is off unless asked for; when asked, the OTLP exporter is installed and logs carry trace ids."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from subgraphs.common import subgraph_tracer

from ..subgraphs.harness import make_settings

ROOT = Path(__file__).parents[2]

_PROBE = """
from pathlib import Path
from opentelemetry import trace
from router.server import create_app
from router.server._tracing import TracingMiddleware

app = create_app(supergraph_path=Path("schema/supergraph.graphql"))
provider = trace.get_tracer_provider()
resource = getattr(provider, "resource", None)
print(type(provider).__name__, resource.attributes["service.name"] if resource else "-")
print(any(m.cls is TracingMiddleware for m in app.user_middleware))
"""


def _probe(**env: str) -> list[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "ROUTER_", "TRACING"))}
    result = subprocess.run(
        [sys.executable, "-c", _PROBE],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.split("\n")[:2]


def test_the_router_traces_nothing_by_default() -> None:
    assert _probe() == ["ProxyTracerProvider -", "False"]


@pytest.mark.parametrize(
    "env",
    [{"ROUTER_TRACING": "true"}, {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"}],
    ids=["ROUTER_TRACING", "OTEL_EXPORTER_OTLP_ENDPOINT"],
)
def test_the_router_installs_an_otlp_exporting_provider_when_asked(env: dict[str, str]) -> None:
    assert _probe(**env) == ["TracerProvider router", "True"]


def test_a_subgraph_has_no_tracer_by_default() -> None:
    assert subgraph_tracer(make_settings()) is None


def test_with_tracing_on_subgraph_log_records_carry_the_trace_and_span_id(
    spans: InMemorySpanExporter, caplog: pytest.LogCaptureFixture
) -> None:
    tracer = subgraph_tracer(make_settings(tracing=True))
    assert tracer is not None

    logger = logging.getLogger("subgraphs.orders")
    with caplog.at_level(logging.INFO, logger="subgraphs.orders"):
        with tracer.start_as_current_span("work") as span:
            logger.info("inside a span")
        logger.info("outside")

    inside, outside = [r for r in caplog.records if r.name == "subgraphs.orders"]
    assert inside.trace_id == format(span.get_span_context().trace_id, "032x")  # type: ignore[attr-defined]
    assert inside.span_id == format(span.get_span_context().span_id, "016x")  # type: ignore[attr-defined]
    assert not hasattr(outside, "trace_id")

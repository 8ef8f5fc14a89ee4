"""An in-memory span exporter behind the process's tracer provider, and the whole system with the
router's HTTP app in front (tracing on or off)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from starlette.applications import Starlette

from router.server import RouterSettings, create_app

from ..subgraphs.harness import System, start_system

SUPERGRAPH = Path(__file__).parents[2] / "schema" / "supergraph.graphql"
SUBGRAPHS = ["users", "products", "inventory", "orders", "reviews", "notifications"]

_EXPORTER = InMemorySpanExporter()


def _install_provider() -> None:
    """Once per process (OpenTelemetry allows one global provider): the apps under test find it
    installed and use it instead of an OTLP exporter."""
    if not isinstance(trace.get_tracer_provider(), TracerProvider):
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(_EXPORTER))
        trace.set_tracer_provider(provider)


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    """The exporter, emptied before the test."""
    _install_provider()
    _EXPORTER.clear()
    yield _EXPORTER
    _EXPORTER.clear()


@dataclass(frozen=True, slots=True)
class Platform:
    """The router app over the in-process subgraphs; ``client`` talks to the router over ASGI."""

    router: Starlette
    client: httpx.AsyncClient
    system: System

    async def graphql(self, query: str, *, user: str, **headers: str) -> dict[str, Any]:
        response = await self.client.post(
            "/graphql",
            json={"query": query},
            headers={"authorization": f"Bearer {self.system.token_for(user)}", **headers},
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


@asynccontextmanager
async def running_platform(tmp_path: Path, *, tracing: bool, **settings: Any) -> AsyncIterator[Platform]:
    """``settings`` override the subgraphs' (e.g. ``event_bus_url`` for RabbitMQ)."""
    async with start_system(
        SUBGRAPHS, backend="sqlite", tmp_path=tmp_path, tracing=tracing, **settings
    ) as system:
        router = create_app(
            supergraph_path=SUPERGRAPH,
            settings=RouterSettings(tracing=tracing),
            http_transport=system.transport,
            subgraph_urls={name: f"http://{name}/graphql" for name in SUBGRAPHS},
        )
        async with (
            router.router.lifespan_context(router),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=router), base_url="http://router") as client,
        ):
            yield Platform(router, client, system)


def by_name(spans: tuple[ReadableSpan, ...], prefix: str) -> list[ReadableSpan]:
    return [span for span in spans if span.name.startswith(prefix)]

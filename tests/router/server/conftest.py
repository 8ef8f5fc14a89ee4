from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from router.server import RouterSettings, create_app

from ...security.tokens_for_tests import TEST_SECRETS
from ..e2e.compose_fixtures import subgraph_schemas, subgraph_url
from ..e2e.testkit import SubgraphTransport, supergraph_sdl


@dataclass(frozen=True, slots=True)
class Running:
    """A router app with its lifespan running, a client over ASGI (``http://router``), and the
    in-process subgraphs it fetches from."""

    app: Starlette
    client: httpx.AsyncClient
    subgraphs: SubgraphTransport


@asynccontextmanager
async def running_app(
    feature: str = "shop",
    *,
    supergraph_path: Path | None = None,
    transport: Callable[[SubgraphTransport], httpx.AsyncBaseTransport] | None = None,
    **settings: Any,
) -> AsyncIterator[Running]:
    """The router over the in-process subgraphs of an e2e feature. ``supergraph_path`` loads (and
    hot-reloads) the supergraph from a file instead of the feature's fixed SDL; ``transport`` wraps
    the subgraph transport (to add a supergraph registry, a slow or flaky subgraph)."""
    schemas = subgraph_schemas(feature)
    subgraphs = SubgraphTransport(schemas)
    app = create_app(
        supergraph_sdl=None if supergraph_path or "supergraph_url" in settings else supergraph_sdl(feature),
        supergraph_path=supergraph_path,
        settings=RouterSettings(**{**TEST_SECRETS, **settings}),
        http_transport=transport(subgraphs) if transport else subgraphs,
        subgraph_urls={name: subgraph_url(name) for name in schemas},
    )
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://router") as client,
    ):
        yield Running(app, client, subgraphs)


@asynccontextmanager
async def running_router(
    feature: str = "shop", **settings: Any
) -> AsyncIterator[tuple[httpx.AsyncClient, SubgraphTransport]]:
    async with running_app(feature, **settings) as running:
        yield running.client, running.subgraphs


@pytest.fixture
def router() -> Callable[..., Any]:
    return running_router


@pytest.fixture
def app() -> Callable[..., Any]:
    return running_app

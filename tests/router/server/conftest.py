from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from router.server import RouterSettings, create_app

from ..e2e.compose_fixtures import subgraph_schemas, subgraph_url
from ..e2e.testkit import SubgraphTransport, supergraph_sdl


@asynccontextmanager
async def running_router(feature: str = "shop", **settings: Any) -> AsyncIterator[tuple[httpx.AsyncClient, SubgraphTransport]]:
    """The router app over the in-process subgraphs of an e2e feature, lifespan running, and a
    client that talks to it over ASGI (``http://router``)."""
    schemas = subgraph_schemas(feature)
    subgraphs = SubgraphTransport(schemas)
    app = create_app(
        supergraph_sdl=supergraph_sdl(feature),
        settings=RouterSettings(**settings),
        http_transport=subgraphs,
        subgraph_urls={name: subgraph_url(name) for name in schemas},
    )
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://router") as client:
            yield client, subgraphs


@pytest.fixture
def router() -> Callable[..., Any]:
    return running_router

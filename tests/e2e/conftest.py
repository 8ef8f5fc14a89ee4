"""The whole e-commerce system in-process: every subgraph on its own database, the router's Gateway
over the committed supergraph, internal REST and subgraph fetches routed between the apps."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from router.executor import Gateway
from router.supergraph import load_supergraph

from ..subgraphs.harness import System, start_system

SUPERGRAPH = Path(__file__).parents[2] / "schema" / "supergraph.graphql"
SUBGRAPHS = ["users", "products", "inventory", "orders", "reviews", "notifications"]


class Shop:
    """A running system: ``query`` goes through the router, ``system`` reaches subgraphs directly."""

    def __init__(self, system: System, gateway: Gateway) -> None:
        self.system = system
        self.gateway = gateway

    async def query(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        user: str | None = None,
        role: str = "customer",
    ) -> dict[str, Any]:
        headers = {}
        if user is not None:
            headers["authorization"] = f"Bearer {self.system.token_for(user, role)}"
        return await self.gateway.execute(query, variables, headers=headers)

    def subgraph_requests(self) -> dict[str, int]:
        """GraphQL requests each subgraph received since the last ``reset_counts`` (internal REST excluded)."""
        counts: dict[str, int] = {}
        for request in self.system.transport.requests:
            if request.url.path == "/graphql":
                counts[request.url.host] = counts.get(request.url.host, 0) + 1
        return dict(sorted(counts.items()))

    def reset_counts(self) -> None:
        self.system.transport.requests.clear()


@asynccontextmanager
async def running_shop(tmp_path: Path, **settings: Any) -> AsyncIterator[Shop]:
    async with start_system(SUBGRAPHS, backend="sqlite", tmp_path=tmp_path, **settings) as system:
        supergraph = load_supergraph(SUPERGRAPH.read_text())
        async with httpx.AsyncClient(transport=system.transport) as http:
            gateway = Gateway(
                supergraph,
                http=http,
                subgraph_urls={name: f"http://{name}/graphql" for name in supergraph.subgraphs},
            )
            yield Shop(system, gateway)


@pytest.fixture
async def shop(tmp_path: Path) -> AsyncIterator[Shop]:
    """The system on its embedded defaults (in-process event bus), as `supergraph dev` runs it."""
    async with running_shop(tmp_path) as running:
        yield running

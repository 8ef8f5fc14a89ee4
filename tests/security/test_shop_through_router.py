"""Other users' data through the router's pipeline: the whole shop in-process, each request
authenticated the way the router's edge does it (``RouterAuth`` verifies the bearer token, the
Gateway gets the claims, subgraphs get the signed ``X-Supergraph-Claims`` header and nothing else)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from router.executor import Gateway
from router.server._auth import RouterAuth
from router.supergraph import load_supergraph

from ..subgraphs.harness import System, start_system

SUPERGRAPH = Path(__file__).parents[2] / "schema" / "supergraph.graphql"
SUBGRAPHS = ["users", "products", "inventory", "orders", "reviews", "notifications"]


class Shop:
    def __init__(self, system: System, gateway: Gateway) -> None:
        self.system = system
        self.gateway = gateway
        self.auth = RouterAuth(secret=system.settings.jwt_secret)

    async def query(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        user: str | None = None,
        role: str = "customer",
    ) -> dict[str, Any]:
        authorization = None if user is None else f"Bearer {self.system.token_for(user, role)}"
        claims = await self.auth.verify_header(authorization)
        return await self.gateway.execute(
            query, variables, headers=self.auth.internal_headers(claims), claims=claims
        )


@pytest.fixture
async def shop(tmp_path: Path) -> AsyncIterator[Shop]:
    async with start_system(SUBGRAPHS, backend="sqlite", tmp_path=tmp_path) as system:
        supergraph = load_supergraph(SUPERGRAPH.read_text())
        async with httpx.AsyncClient(transport=system.transport) as http:
            urls = {name: f"http://{name}/graphql" for name in supergraph.subgraphs}
            yield Shop(system, Gateway(supergraph, http=http, subgraph_urls=urls))


def codes(response: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in response.get("errors", ())]


async def test_a_customer_sees_their_own_orders(shop: Shop) -> None:
    response = await shop.query("{ me { id orders { edges { node { id } } } } }", user="user-2")
    assert "errors" not in response, response
    ids = {edge["node"]["id"] for edge in response["data"]["me"]["orders"]["edges"]}
    assert ids == {"order-1", "order-3"}


async def test_a_customer_cannot_read_another_users_orders_or_notifications(shop: Shop) -> None:
    response = await shop.query('{ user(id: "user-3") { unreadNotificationCount } }', user="user-2")
    assert response["data"] == {"user": None}  # the count is Int!: its null bubbles to the user
    assert codes(response) == ["FORBIDDEN"]
    response = await shop.query(
        '{ user(id: "user-3") { id name email orders { edges { node { id } } } } }', user="user-2"
    )
    assert response["data"]["user"]["email"] is None
    assert response["data"]["user"]["orders"] is None
    assert "FORBIDDEN" in codes(response)
    assert "order-2" not in str(response)
    response = await shop.query('{ order(id: "order-2") { id } }', user="user-2")
    assert response["data"] == {"order": None} and codes(response) == ["NOT_FOUND"]


async def test_anonymous_requests_get_no_private_data(shop: Shop) -> None:
    shop.system.transport.requests.clear()
    response = await shop.query('{ me { id } order(id: "order-1") { id } }')
    assert response["data"] == {"me": None, "order": None}
    # @authenticated in the committed supergraph: the router answers, no subgraph is asked.
    assert codes(response) == ["UNAUTHORIZED", "UNAUTHORIZED"]
    assert [r.url.path for r in shop.system.transport.requests if r.url.path == "/graphql"] == []


async def test_anonymous_mutations_behind_authenticated_are_not_executed(shop: Shop) -> None:
    shop.system.transport.requests.clear()
    response = await shop.query('mutation { cancelOrder(id: "order-3") { id } }')
    assert response == {
        "data": None,
        "errors": [
            {
                "message": "Unauthorized field or type: sign in to see it.",
                "locations": [{"line": 1, "column": 12}],
                "path": ["cancelOrder"],
                "extensions": {"code": "UNAUTHORIZED"},
            }
        ],
    }
    assert shop.system.transport.requests == []


async def test_subgraphs_still_refuse_when_reached_without_the_router(shop: Shop) -> None:
    """Defence in depth: @authenticated is the router's check; each subgraph keeps its own."""
    body = await shop.system.graphql("orders", 'mutation { cancelOrder(id: "order-3") { id } }')
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize(
    "mutation",
    [
        'mutation { setOrderStatus(id: "order-3", status: CONFIRMED) { id } }',
        'mutation { setStock(productId: "product-1", quantity: 0) { id } }',
        'mutation { updateProduct(id: "product-1", input: {name: "Mine"}) { id } }',
        'mutation { cancelOrder(id: "order-2") { id } }',
        'mutation { markNotificationRead(id: "notification-1") { id } }',
    ],
)
async def test_customers_cannot_change_what_is_not_theirs(shop: Shop, mutation: str) -> None:
    response = await shop.query(mutation, user="user-2")
    assert response["data"] is None
    assert codes(response)[0] in {"FORBIDDEN", "NOT_FOUND"}


async def test_an_admin_manages_order_status_and_stock(shop: Shop) -> None:
    response = await shop.query(
        'mutation { setOrderStatus(id: "order-3", status: CONFIRMED) { id status } }',
        user="user-1",
        role="admin",
    )
    assert response == {"data": {"setOrderStatus": {"id": "order-3", "status": "CONFIRMED"}}}
    response = await shop.query(
        'mutation { setStock(productId: "product-1", quantity: 3) { id } }', user="user-1", role="admin"
    )
    assert "errors" not in response, response

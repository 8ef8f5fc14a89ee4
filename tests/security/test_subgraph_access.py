"""Reading and changing other users' data by going around the router: subgraphs' public GraphQL
with direct tokens and with forged router headers, and their internal REST. All must fail.

The router-signed ``X-Supergraph-Claims`` header is made with the router's own ``RouterAuth`` (the
same secret as the subgraphs' test settings), so these tests also prove router and subgraphs agree.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from jose import jwt

from router.executor import Claims
from router.server._auth import DEV_INTERNAL_CLAIMS_SECRET, RouterAuth
from subgraphs.common.auth import INTERNAL_CLAIMS_HEADER

from ..subgraphs.harness import SERVICE_TOKEN, System, start_system

ROUTER = RouterAuth(
    secret="dev-only-jwt-secret-change-me-0123456789abcdef", internal_secret=DEV_INTERNAL_CLAIMS_SECRET
)

ORDER = "query($id: ID!) { order(id: $id) { id status } }"
USER_ORDERS = """
query($id: ID!) { _entities(representations: [{__typename: "User", id: $id}]) {
  ... on User { orders { edges { node { id } } } } } }
"""


def code(body: dict[str, Any]) -> str | None:
    errors = body.get("errors") or []
    return errors[0]["extensions"]["code"] if errors else None


def router_headers(
    user: str | None, role: str = "customer", *, client_ip: str | None = None
) -> dict[str, str]:
    claims = None if user is None else Claims(subject=user, extra={"role": role})
    return ROUTER.internal_headers(claims, client_ip=client_ip)


async def post(
    system: System, name: str, query: str, variables: dict[str, Any] | None = None, **headers: str
) -> dict[str, Any]:
    async with system.client(name) as client:
        response = await client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture
async def shop(tmp_path: Path) -> AsyncIterator[System]:
    async with start_system(
        ["users", "products", "inventory", "orders"], backend="sqlite", tmp_path=tmp_path
    ) as system:
        yield system


# -- forged router headers --------------------------------------------------------------------


def forged(**claims: Any) -> str:
    now = int(time.time())
    payload = {"iss": "supergraph-router", "aud": "subgraphs", "iat": now, "exp": now + 60, **claims}
    return str(jwt.encode(payload, "a-guess-at-the-internal-secret-0123456789", algorithm="HS256"))


async def test_a_forged_router_header_is_unauthenticated_even_for_admin_claims(shop: System) -> None:
    body = await post(
        shop,
        "users",
        "{ users { edges { node { id email } } } }",
        **{INTERNAL_CLAIMS_HEADER: forged(sub="user-1", role="admin")},
    )
    assert body["data"] is None
    assert code(body) == "UNAUTHENTICATED"
    assert (
        "internal" not in body["errors"][0]["message"].lower() or "not valid" in body["errors"][0]["message"]
    )


async def test_a_forged_router_header_does_not_fall_back_to_a_valid_bearer_token(shop: System) -> None:
    headers = {
        INTERNAL_CLAIMS_HEADER: forged(sub="user-1", role="admin"),
        "Authorization": f"Bearer {shop.token_for('user-2')}",
    }
    body = await post(shop, "orders", ORDER, {"id": "order-1"}, **headers)
    assert code(body) == "UNAUTHENTICATED"


async def test_an_unsigned_router_header_is_unauthenticated(shop: System) -> None:
    body = await post(
        shop, "orders", ORDER, {"id": "order-2"}, **{INTERNAL_CLAIMS_HEADER: '{"sub": "user-3"}'}
    )
    assert code(body) == "UNAUTHENTICATED"


async def test_the_routers_signed_header_identifies_the_viewer(shop: System) -> None:
    body = await post(shop, "orders", ORDER, {"id": "order-1"}, **router_headers("user-2"))
    assert body == {"data": {"order": {"id": "order-1", "status": body["data"]["order"]["status"]}}}
    # ...and only as the one it names: order-2 belongs to user-3.
    other = await post(shop, "orders", ORDER, {"id": "order-2"}, **router_headers("user-2"))
    assert code(other) == "NOT_FOUND"


# -- other users' data, directly at the subgraphs ----------------------------------------------


async def test_a_customer_cannot_read_another_users_order_or_order_list(shop: System) -> None:
    assert code(await shop.graphql("orders", ORDER, {"id": "order-2"}, user="user-2")) == "NOT_FOUND"
    body = await shop.graphql("orders", USER_ORDERS, {"id": "user-3"}, user="user-2")
    assert code(body) == "FORBIDDEN"
    assert "order-2" not in str(body)
    assert code(await shop.graphql("orders", USER_ORDERS, {"id": "user-3"})) == "UNAUTHENTICATED"


async def test_a_customer_cannot_change_another_users_order(shop: System) -> None:
    body = await shop.graphql(
        "orders", 'mutation { cancelOrder(id: "order-2") { id status } }', user="user-2"
    )
    assert code(body) == "NOT_FOUND"
    admin = await shop.graphql("orders", ORDER, {"id": "order-2"}, user="user-1", role="admin")
    assert admin["data"]["order"]["status"] != "CANCELLED"


async def test_a_customers_email_is_hidden_from_other_customers(shop: System) -> None:
    query = '{ user(id: "user-3") { id email } }'
    assert (await shop.graphql("users", query, user="user-2"))["data"]["user"] == {
        "id": "user-3",
        "email": None,
    }
    assert (await shop.graphql("users", query, user="user-3"))["data"]["user"]["email"] == "bob@example.com"


@pytest.mark.parametrize(
    ("subgraph", "mutation"),
    [
        ("orders", 'mutation { setOrderStatus(id: "order-3", status: CONFIRMED) { id } }'),
        (
            "products",
            'mutation { createProduct(input: {sku: "X-1", name: "X", weight: 1, category: "misc", '
            'price: {amount: 100, currency: "USD"}}) { id } }',
        ),
        ("products", 'mutation { updateProduct(id: "product-1", input: {name: "Mine now"}) { id } }'),
        ("inventory", 'mutation { setStock(productId: "product-1", quantity: 0) { id } }'),
        ("users", "{ users { edges { node { id email } } } }"),
    ],
)
async def test_admin_operations_are_forbidden_to_customers_and_unauthenticated_to_strangers(
    shop: System, subgraph: str, mutation: str
) -> None:
    assert code(await shop.graphql(subgraph, mutation, user="user-2")) == "FORBIDDEN"
    assert code(await shop.graphql(subgraph, mutation)) == "UNAUTHENTICATED"
    assert code(await post(shop, subgraph, mutation, **router_headers("user-2"))) == "FORBIDDEN"


async def test_a_token_with_a_forged_admin_role_is_rejected(shop: System) -> None:
    token = shop.token_for("user-2")
    header, body, signature = token.split(".")
    import base64
    import json

    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    claims["role"] = "admin"
    forged_body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    result = await shop.graphql(
        "users", "{ users { edges { node { id } } } }", token=f"{header}.{forged_body}.{signature}"
    )
    assert code(result) == "UNAUTHENTICATED"
    assert "Traceback" not in str(result)


# -- internal REST ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("subgraph", "path"),
    [
        ("users", "/internal/v1/users/user-3"),
        ("orders", "/internal/v1/purchases?userId=user-3&productId=product-1"),
        ("products", "/internal/v1/products?ids=product-1"),
    ],
)
async def test_internal_rest_needs_the_service_token(shop: System, subgraph: str, path: str) -> None:
    async with shop.client(subgraph) as client:
        missing = await client.get(path)
        wrong = await client.get(path, headers={"X-Service-Token": "guess"})
        user_token = await client.get(
            path, headers={"Authorization": f"Bearer {shop.token_for('user-1', 'admin')}"}
        )
        router_claims = await client.get(path, headers=router_headers("user-1", "admin"))
        as_service = await client.get(path, headers={"X-Service-Token": SERVICE_TOKEN})
    for response in (missing, wrong, user_token, router_claims):
        assert response.status_code == 401
        assert SERVICE_TOKEN not in response.text
    assert as_service.status_code != 401


# -- JWKS --------------------------------------------------------------------------------------


async def test_users_serves_an_empty_jwks_under_hs256(shop: System) -> None:
    async with shop.client("users") as client:
        response = await client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    assert response.json() == {"keys": []}

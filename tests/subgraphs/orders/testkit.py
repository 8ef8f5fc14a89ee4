"""Shared helpers of the orders tests: operations, error assertions, and peeking at other services."""

from __future__ import annotations

import importlib.util
from typing import Any

import pytest

ORDER_FIELDS = """
  id status createdAt
  total { amount currency }
  items { product { id } quantity unitPrice { amount currency } }
  user { id }
"""

PLACE_ORDER = f"""
mutation($items: [OrderItemInput!]!) {{ placeOrder(items: $items) {{ {ORDER_FIELDS} }} }}
"""

ORDER = f"query($id: ID!) {{ order(id: $id) {{ {ORDER_FIELDS} }} }}"

CANCEL_ORDER = "mutation($id: ID!) { cancelOrder(id: $id) { id status } }"

SET_ORDER_STATUS = (
    "mutation($id: ID!, $status: OrderStatus!) { setOrderStatus(id: $id, status: $status) { id status } }"
)

USER_ORDERS = """
query($id: ID!, $first: Int! = 10, $after: String) {
  _entities(representations: [{__typename: "User", id: $id}]) {
    ... on User { id orders(first: $first, after: $after) {
      edges { cursor node { id status } }
      pageInfo { hasNextPage endCursor }
    } }
  }
}
"""


def items(*lines: tuple[str, int]) -> dict[str, Any]:
    return {"items": [{"productId": product_id, "quantity": quantity} for product_id, quantity in lines]}


def error(body: dict[str, Any]) -> dict[str, Any]:
    """The single error of a response."""
    assert body.get("errors"), body
    assert len(body["errors"]) == 1, body["errors"]
    return dict(body["errors"][0])


def code(body: dict[str, Any]) -> str:
    return str(error(body)["extensions"]["code"])


def require_subgraphs(*names: str) -> None:
    """Cross-service tests need the other subgraphs' code; skip (with the reason) until it exists."""
    for name in names:
        if (
            importlib.util.find_spec(f"subgraphs.{name}") is None
            or importlib.util.find_spec(f"subgraphs.{name}.app") is None
        ):
            pytest.skip(f"subgraphs/{name} does not exist yet")


async def stock(system: Any, product_id: str) -> int:
    body = await system.graphql(
        "inventory",
        'query($id: ID!) { _entities(representations: [{__typename: "Product", id: $id}]) '
        "{ ... on Product { quantity } } }",
        {"id": product_id},
    )
    return int(body["data"]["_entities"][0]["quantity"])


async def reservation(system: Any, order_id: str) -> dict[str, Any] | None:
    async with system.client("inventory") as client:
        response = await client.get(f"/internal/v1/reservations/{order_id}", headers=system.service_headers())
    return None if response.status_code == 404 else dict(response.json())


async def order_count(system: Any) -> int:
    """All orders of the orders database (as admin, through each seeded user's order list)."""
    total = 0
    for user_id in ("user-1", "user-2", "user-3", "user-4"):
        body = await system.graphql(
            "orders",
            USER_ORDERS,
            {"id": user_id, "first": 100},
            user="user-1",
            role="admin",
        )
        total += len(body["data"]["_entities"][0]["orders"]["edges"])
    return total

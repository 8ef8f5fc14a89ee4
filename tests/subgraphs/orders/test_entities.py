"""``_entities`` of the orders subgraph: ``Order`` (private), ``User`` and ``Product`` stubs, batching."""

from __future__ import annotations

ORDER_ENTITIES = """
query($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Order { id status total { amount currency } user { id } }
  }
}
"""


def orders(*ids: str) -> dict[str, object]:
    return {"representations": [{"__typename": "Order", "id": order_id} for order_id in ids]}


def selects(statements: list[str]) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith(("SELECT", "WITH"))]


async def test_order_entities_resolve_for_their_owner(system_factory) -> None:
    async with system_factory("orders") as system:
        body = await system.graphql("orders", ORDER_ENTITIES, orders("order-3", "order-1"), user="user-2")
    assert "errors" not in body
    assert body["data"]["_entities"] == [
        {
            "id": "order-3",
            "status": "PENDING",
            "total": {"amount": 12900, "currency": "USD"},
            "user": {"id": "user-2"},
        },
        {
            "id": "order-1",
            "status": "DELIVERED",
            "total": {"amount": 15299, "currency": "USD"},
            "user": {"id": "user-2"},
        },
    ]


async def test_unknown_and_foreign_orders_resolve_to_null(system_factory) -> None:
    async with system_factory("orders") as system:
        body = await system.graphql(
            "orders", ORDER_ENTITIES, orders("order-404", "order-2", "order-1"), user="user-2"
        )
        anonymous = await system.graphql("orders", ORDER_ENTITIES, orders("order-1"))
    assert "errors" not in body
    assert [entity and entity["id"] for entity in body["data"]["_entities"]] == [None, None, "order-1"]
    assert anonymous["data"]["_entities"] == [None]


async def test_product_and_user_stubs_resolve_to_their_key(system_factory) -> None:
    async with system_factory("orders") as system:
        body = await system.graphql(
            "orders",
            "query($r: [_Any!]!) { _entities(representations: $r) "
            "{ ... on Product { id } ... on User { id } } }",
            {"r": [{"__typename": "Product", "id": "product-9"}, {"__typename": "User", "id": "user-4"}]},
        )
    assert body["data"]["_entities"] == [{"id": "product-9"}, {"id": "user-4"}]


async def test_one_hundred_order_representations_cost_exactly_one_select(system_factory) -> None:
    ids = [f"order-{n % 5 + 1}" for n in range(100)]
    async with system_factory("orders") as system:
        with system.count_queries("orders") as statements:
            body = await system.graphql("orders", ORDER_ENTITIES, orders(*ids), user="user-1", role="admin")
    assert "errors" not in body
    assert len(body["data"]["_entities"]) == 100
    assert body["data"]["_entities"][3] is None  # order-4 does not exist
    assert len(selects(statements)) == 1, statements


async def test_items_of_many_orders_cost_one_more_select(system_factory) -> None:
    query = """
    query($representations: [_Any!]!) {
      _entities(representations: $representations) {
        ... on Order { id items { product { id } quantity } }
      }
    }
    """
    async with system_factory("orders") as system:
        with system.count_queries("orders") as statements:
            body = await system.graphql(
                "orders", query, orders("order-1", "order-2", "order-3"), user="user-1", role="admin"
            )
    assert [len(entity["items"]) for entity in body["data"]["_entities"]] == [2, 1, 1]
    assert len(selects(statements)) == 2, statements


async def test_orders_of_one_hundred_users_cost_exactly_one_select(system_factory) -> None:
    query = """
    query($representations: [_Any!]!) {
      _entities(representations: $representations) {
        ... on User { id orders(first: 5) { edges { node { id } } pageInfo { hasNextPage } } }
      }
    }
    """
    representations = [{"__typename": "User", "id": f"user-{n % 4 + 1}"} for n in range(100)]
    async with system_factory("orders") as system:
        with system.count_queries("orders") as statements:
            body = await system.graphql(
                "orders", query, {"representations": representations}, user="user-1", role="admin"
            )
    assert "errors" not in body
    by_user = {
        entity["id"]: [e["node"]["id"] for e in entity["orders"]["edges"]]
        for entity in body["data"]["_entities"]
    }
    assert by_user == {"user-1": [], "user-2": ["order-3", "order-1"], "user-3": ["order-2"], "user-4": []}
    assert len(selects(statements)) == 1, statements

"""``_entities`` resolution of ``Product`` in inventory: stock fields, ``@requires`` shipping, batching."""

from __future__ import annotations

import pytest

ENTITIES = """
query($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Product { id quantity inStock }
  }
}
"""

SHIPPING = """
query($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Product { id shippingEstimate }
  }
}
"""


def product(product_id: str, **extra: object) -> dict[str, object]:
    return {"__typename": "Product", "id": product_id, **extra}


async def test_entities_resolve_seeded_stock_levels(system_factory) -> None:
    async with system_factory("inventory") as system:
        body = await system.graphql(
            "inventory",
            ENTITIES,
            {"representations": [product("product-1"), product("product-11"), product("product-12")]},
        )
    assert "errors" not in body
    assert body["data"]["_entities"] == [
        {"id": "product-1", "quantity": 10, "inStock": True},
        {"id": "product-11", "quantity": 3, "inStock": True},
        {"id": "product-12", "quantity": 0, "inStock": False},
    ]


async def test_unknown_product_ids_resolve_to_null_in_their_slot(system_factory) -> None:
    async with system_factory("inventory") as system:
        body = await system.graphql(
            "inventory",
            ENTITIES,
            {"representations": [product("product-404"), product("product-2")]},
        )
    assert "errors" not in body
    assert body["data"]["_entities"] == [None, {"id": "product-2", "quantity": 20, "inStock": True}]


@pytest.mark.parametrize(
    ("amount", "weight", "expected"),
    [
        (5000, 12000, 0),  # free from 50.00 whatever the weight
        (4999, 0, 499),  # weightless: only the base fee
        (4999, 1, 599),  # one gram starts the first kilogram
        (1000, 1000, 599),  # exactly one kilogram
        (1000, 1001, 699),  # a started second kilogram
        (1000, None, 499),  # unknown weight counts as nothing
    ],
)
async def test_shipping_estimate_is_free_from_5000_cents_else_499_plus_100_per_started_kilogram(
    system_factory, amount: int, weight: int | None, expected: int
) -> None:
    async with system_factory("inventory") as system:
        body = await system.graphql(
            "inventory",
            SHIPPING,
            {"representations": [product("product-1", price={"amount": amount}, weight=weight)]},
        )
    assert "errors" not in body
    assert body["data"]["_entities"] == [{"id": "product-1", "shippingEstimate": expected}]


async def test_shipping_estimate_is_null_without_the_required_price(system_factory) -> None:
    async with system_factory("inventory") as system:
        body = await system.graphql("inventory", SHIPPING, {"representations": [product("product-1")]})
    assert body["data"]["_entities"] == [{"id": "product-1", "shippingEstimate": None}]


async def test_one_hundred_representations_cost_exactly_one_select(system_factory) -> None:
    representations = [product(f"product-{n % 14 + 1}") for n in range(100)]
    async with system_factory("inventory") as system:
        with system.count_queries("inventory") as statements:
            body = await system.graphql("inventory", ENTITIES, {"representations": representations})
    assert "errors" not in body
    assert len(body["data"]["_entities"]) == 100
    assert body["data"]["_entities"][12] is None  # product-13 does not exist
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1, statements

"""``_entities``: Product references by ``id`` or by ``sku``, each key batched into one SELECT."""

from __future__ import annotations

from typing import Any

from ..harness import System

ENTITIES = """
query($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Product { id sku name price { amount } weight } }
}
"""


def representations(*keys: dict[str, str]) -> dict[str, Any]:
    return {"representations": [{"__typename": "Product", **key} for key in keys]}


def selects(statements: list[str]) -> list[str]:
    return [statement for statement in statements if statement.lstrip().upper().startswith("SELECT")]


async def test_entities_resolve_by_id_and_by_sku_in_order_with_unknown_keys_null(system_factory) -> None:
    async with system_factory("products") as system:
        body = await system.graphql(
            "products",
            ENTITIES,
            representations(
                {"id": "product-2"}, {"sku": "SKU-0007"}, {"id": "product-404"}, {"sku": "SKU-404"}
            ),
        )
    assert body == {
        "data": {
            "_entities": [
                {
                    "id": "product-2",
                    "sku": "SKU-0002",
                    "name": "Designing Data-Intensive Applications",
                    "price": {"amount": 4999},
                    "weight": 900,
                },
                {
                    "id": "product-7",
                    "sku": "SKU-0007",
                    "name": "USB-C Hub",
                    "price": {"amount": 3999},
                    "weight": 90,
                },
                None,
                None,
            ]
        }
    }


async def test_a_representation_without_a_key_fails_only_its_own_slot(system_factory) -> None:
    async with system_factory("products") as system:
        body = await system.graphql("products", ENTITIES, representations({"id": "product-1"}, {}))
    assert body["data"]["_entities"][0]["id"] == "product-1"
    assert body["data"]["_entities"][1] is None
    (error,) = body["errors"]
    assert error["path"] == ["_entities", 1]
    assert error["extensions"] == {"code": "BAD_USER_INPUT"}
    assert error["message"] == "A Product representation needs an `id` or a `sku`."


async def test_a_hundred_representations_by_id_cost_exactly_one_select(system_factory) -> None:
    system: System
    keys = [{"id": f"product-{n % 15 + 1}"} for n in range(100)]  # product-13..15 do not exist
    async with system_factory("products") as system:
        with system.count_queries("products") as statements:
            body = await system.graphql("products", ENTITIES, representations(*keys))
    entities = body["data"]["_entities"]
    assert [entity and entity["id"] for entity in entities[:15]] == [f"product-{n}" for n in range(1, 13)] + [
        None
    ] * 3
    assert len(selects(statements)) == 1 and len(statements) == 1, statements


async def test_a_hundred_representations_by_sku_cost_exactly_one_select(system_factory) -> None:
    system: System
    keys = [{"sku": f"SKU-{n % 12 + 1:04d}"} for n in range(100)]
    async with system_factory("products") as system:
        with system.count_queries("products") as statements:
            body = await system.graphql("products", ENTITIES, representations(*keys))
    assert [entity["sku"] for entity in body["data"]["_entities"]] == [key["sku"] for key in keys]
    assert len(selects(statements)) == 1 and len(statements) == 1, statements


async def test_mixed_keys_cost_one_select_per_key(system_factory) -> None:
    """The two loaders dispatch concurrently on the request's one session (regression: this
    failed with "concurrent operations are not permitted" before sessions took turns)."""
    system: System
    keys = [{"id": f"product-{n}"} for n in range(1, 13)] + [{"sku": f"SKU-{n:04d}"} for n in range(1, 13)]
    async with system_factory("products") as system:
        with system.count_queries("products") as statements:
            body = await system.graphql("products", ENTITIES, representations(*keys))
    entities = body["data"]["_entities"]
    assert "errors" not in body
    assert [entity["id"] for entity in entities] == [f"product-{n}" for n in range(1, 13)] * 2
    assert len(selects(statements)) == 2, statements

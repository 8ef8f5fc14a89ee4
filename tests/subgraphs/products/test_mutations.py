"""Admin mutations ``createProduct`` / ``updateProduct``: validation, uniqueness and who may call them."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from ..harness import System

FIELDS = "id sku name description price { amount currency } weight category"
CREATE = f"mutation($input: CreateProductInput!) {{ createProduct(input: $input) {{ {FIELDS} }} }}"
UPDATE = (
    "mutation($id: ID!, $input: UpdateProductInput!) "
    f"{{ updateProduct(id: $id, input: $input) {{ {FIELDS} }} }}"
)
NEW = {
    "sku": "sku-0100",
    "name": "  Espresso   Machine ",
    "description": "15 bar, steam wand.",
    "price": {"amount": 19900},
    "weight": 4200,
    "category": "Kitchen",
}
ADMIN = {"user": "user-1", "role": "admin"}


def codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


async def test_create_product_normalises_input_and_the_product_is_then_resolvable(system_factory) -> None:
    system: System
    async with system_factory("products") as system:
        body = await system.graphql("products", CREATE, {"input": NEW}, **ADMIN)
        created = body["data"]["createProduct"]
        by_id = await system.graphql(
            "products", "query($id: ID!) { product(id: $id) { sku } }", {"id": created["id"]}
        )
        by_sku = await system.graphql(
            "products",
            '{ _entities(representations: [{__typename: "Product", sku: "SKU-0100"}]) '
            "{ ... on Product { id } } }",
        )
    assert created == {
        "id": created["id"],
        "sku": "SKU-0100",
        "name": "Espresso Machine",
        "description": "15 bar, steam wand.",
        "price": {"amount": 19900, "currency": "USD"},
        "weight": 4200,
        "category": "kitchen",
    }
    assert created["id"].startswith("product-") and len(created["id"]) == len("product-") + 12
    assert by_id == {"data": {"product": {"sku": "SKU-0100"}}}
    assert by_sku == {"data": {"_entities": [{"id": created["id"]}]}}


async def test_create_product_accepts_a_free_product(system_factory) -> None:
    async with system_factory("products") as system:
        body = await system.graphql("products", CREATE, {"input": {**NEW, "price": {"amount": 0}}}, **ADMIN)
    assert body["data"]["createProduct"]["price"] == {"amount": 0, "currency": "USD"}


INVALID_NEW_PRODUCTS = [
    ({"price": {"amount": -1}}, "`price.amount` must be >= 0, got -1."),
    ({"price": {"amount": 100, "currency": "EUR"}}, "`price.currency` must be USD, got 'EUR'."),
    ({"weight": 0}, "`weight` must be > 0 grams, got 0."),
    ({"weight": -10}, "`weight` must be > 0 grams, got -10."),
    (
        {"sku": " "},
        "`sku` must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit.",
    ),
    (
        {"sku": "SKU 1"},
        "`sku` must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit.",
    ),
    ({"name": ""}, "`name` must have 1 to 200 characters."),
    ({"category": "  "}, "`category` must have 1 to 64 characters."),
    ({"description": "x" * 5001}, "`description` must have at most 5000 characters."),
]


async def test_create_product_rejects_invalid_input(system_factory) -> None:
    async with system_factory("products") as system:
        for change, message in INVALID_NEW_PRODUCTS:
            body = await system.graphql("products", CREATE, {"input": {**NEW, **change}}, **ADMIN)
            assert body["data"] is None
            assert codes(body) == ["BAD_USER_INPUT"], change
            assert body["errors"][0]["message"] == message
        listed = await system.graphql("products", "{ products(first: 100) { edges { node { id } } } }")
    assert len(listed["data"]["products"]["edges"]) == 12


async def test_create_product_with_a_taken_sku_in_any_case_is_a_conflict(system_factory) -> None:
    async with system_factory("products") as system:
        for sku in ["SKU-0001", "sku-0001", " Sku-0001 "]:
            body = await system.graphql("products", CREATE, {"input": {**NEW, "sku": sku}}, **ADMIN)
            assert codes(body) == ["CONFLICT"], sku
            assert body["errors"][0]["message"] == "Another product already has sku 'SKU-0001'."


@pytest.mark.parametrize(("viewer", "code"), [({}, "UNAUTHENTICATED"), ({"user": "user-2"}, "FORBIDDEN")])
async def test_create_product_is_for_admins_only(system_factory, viewer, code) -> None:
    async with system_factory("products") as system:
        body = await system.graphql("products", CREATE, {"input": NEW}, **viewer)
        listed = await system.graphql("products", "{ products(first: 100) { edges { node { id } } } }")
    assert codes(body) == [code]
    assert len(listed["data"]["products"]["edges"]) == 12


async def test_update_product_changes_only_the_given_fields(system_factory) -> None:
    async with system_factory("products") as system:
        body = await system.graphql(
            "products",
            UPDATE,
            {
                "id": "product-1",
                "input": {"price": {"amount": 3999}, "name": "The Pragmatic Programmer, 2nd ed."},
            },
            **ADMIN,
        )
        reread = await system.graphql(
            "products", '{ product(id: "product-1") { name price { amount } sku } }'
        )
    assert body["data"]["updateProduct"] == {
        "id": "product-1",
        "sku": "SKU-0001",
        "name": "The Pragmatic Programmer, 2nd ed.",
        "description": "Journeyman to master, 20th anniversary edition.",
        "price": {"amount": 3999, "currency": "USD"},
        "weight": 680,
        "category": "books",
    }
    assert reread == {
        "data": {
            "product": {
                "name": "The Pragmatic Programmer, 2nd ed.",
                "price": {"amount": 3999},
                "sku": "SKU-0001",
            }
        }
    }


async def test_update_product_can_change_the_sku_to_a_free_one(system_factory) -> None:
    async with system_factory("products") as system:
        body = await system.graphql(
            "products", UPDATE, {"id": "product-2", "input": {"sku": "ddia-2"}}, **ADMIN
        )
    assert body["data"]["updateProduct"]["sku"] == "DDIA-2"


async def test_update_product_with_an_unknown_id_is_not_found(system_factory) -> None:
    async with system_factory("products") as system:
        body = await system.graphql(
            "products", UPDATE, {"id": "product-404", "input": {"weight": 5}}, **ADMIN
        )
    assert codes(body) == ["NOT_FOUND"]
    assert body["errors"][0]["message"] == "Product 'product-404' does not exist."


async def test_update_product_to_a_taken_sku_is_a_conflict_and_changes_nothing(system_factory) -> None:
    async with system_factory("products") as system:
        body = await system.graphql(
            "products", UPDATE, {"id": "product-2", "input": {"sku": "SKU-0003", "name": "Renamed"}}, **ADMIN
        )
        reread = await system.graphql("products", '{ product(id: "product-2") { sku name } }')
    assert codes(body) == ["CONFLICT"]
    assert reread["data"]["product"] == {"sku": "SKU-0002", "name": "Designing Data-Intensive Applications"}


INVALID_CHANGES = [
    ({"weight": 0}, "`weight` must be > 0 grams, got 0."),
    ({"price": {"amount": -100}}, "`price.amount` must be >= 0, got -100."),
    ({"name": None}, "`name` cannot be null; omit it to keep the current value."),
    ({"price": None}, "`price` cannot be null; omit it to keep the current value."),
]


async def test_update_product_rejects_invalid_values_and_changes_nothing(system_factory) -> None:
    async with system_factory("products") as system:
        for change, message in INVALID_CHANGES:
            body = await system.graphql(
                "products", UPDATE, {"id": "product-1", "input": {**change, "sku": "NEW-SKU"}}, **ADMIN
            )
            assert codes(body) == ["BAD_USER_INPUT"], change
            assert body["errors"][0]["message"] == message
        reread = await system.graphql("products", '{ product(id: "product-1") { sku weight } }')
    assert reread["data"]["product"] == {"sku": "SKU-0001", "weight": 680}


@pytest.mark.parametrize(("viewer", "code"), [({}, "UNAUTHENTICATED"), ({"user": "user-2"}, "FORBIDDEN")])
async def test_update_product_is_for_admins_only(system_factory, viewer, code) -> None:
    async with system_factory("products") as system:
        body = await system.graphql("products", UPDATE, {"id": "product-1", "input": {"weight": 1}}, **viewer)
        reread = await system.graphql("products", '{ product(id: "product-1") { weight } }')
    assert codes(body) == [code]
    assert reread["data"]["product"] == {"weight": 680}


async def test_concurrent_creates_with_one_sku_create_exactly_one_product(system_factory) -> None:
    async with system_factory("products") as system:
        results = await asyncio.gather(
            *(system.graphql("products", CREATE, {"input": NEW}, **ADMIN) for _ in range(3))
        )
        listed = await system.graphql("products", "{ products(first: 100) { edges { node { sku } } } }")
    assert sorted(codes(body) for body in results) == [[], ["CONFLICT"], ["CONFLICT"]]
    skus = [edge["node"]["sku"] for edge in listed["data"]["products"]["edges"]]
    assert skus.count("SKU-0100") == 1

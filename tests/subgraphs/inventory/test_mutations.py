"""``setStock``: admin only, quantity >= 0, products confirmed with the products subgraph."""

from __future__ import annotations

import pytest

SET_STOCK = """
mutation($productId: ID!, $quantity: Int!) {
  setStock(productId: $productId, quantity: $quantity) { id quantity inStock }
}
"""

STOCK = """
query($id: ID!) { _entities(representations: [{__typename: "Product", id: $id}]) {
  ... on Product { quantity inStock } } }
"""


def error_code(body: dict[str, object]) -> str:
    errors = body["errors"]
    assert isinstance(errors, list) and errors, body
    return str(errors[0]["extensions"]["code"])


async def test_admin_sets_the_stock_of_a_product(system_factory) -> None:
    async with system_factory("inventory") as system:
        body = await system.graphql(
            "inventory", SET_STOCK, {"productId": "product-12", "quantity": 7}, user="user-1", role="admin"
        )
        assert body == {"data": {"setStock": {"id": "product-12", "quantity": 7, "inStock": True}}}
        body = await system.graphql("inventory", STOCK, {"id": "product-12"})
    assert body["data"]["_entities"] == [{"quantity": 7, "inStock": True}]


async def test_setting_stock_to_zero_marks_the_product_out_of_stock(system_factory) -> None:
    async with system_factory("inventory") as system:
        body = await system.graphql(
            "inventory", SET_STOCK, {"productId": "product-3", "quantity": 0}, user="user-1", role="admin"
        )
    assert body["data"]["setStock"] == {"id": "product-3", "quantity": 0, "inStock": False}


async def test_negative_stock_is_bad_user_input(system_factory) -> None:
    async with system_factory("inventory") as system:
        body = await system.graphql(
            "inventory", SET_STOCK, {"productId": "product-3", "quantity": -1}, user="user-1", role="admin"
        )
    assert body["data"] is None
    assert error_code(body) == "BAD_USER_INPUT"
    assert "-1" in body["errors"][0]["message"]


async def test_customers_may_not_set_stock(system_factory) -> None:
    async with system_factory("inventory") as system:
        body = await system.graphql(
            "inventory", SET_STOCK, {"productId": "product-3", "quantity": 5}, user="user-2"
        )
    assert error_code(body) == "FORBIDDEN"


async def test_setting_stock_requires_signing_in(system_factory) -> None:
    async with system_factory("inventory") as system:
        body = await system.graphql("inventory", SET_STOCK, {"productId": "product-3", "quantity": 5})
        assert error_code(body) == "UNAUTHENTICATED"
        body = await system.graphql(
            "inventory", SET_STOCK, {"productId": "product-3", "quantity": 5}, token="not-a-jwt"
        )
    assert error_code(body) == "UNAUTHENTICATED"
    assert "Sign in again" in body["errors"][0]["message"]


async def test_stock_of_a_product_inventory_never_stocked_needs_the_products_service(system_factory) -> None:
    async with system_factory("inventory") as system:
        body = await system.graphql(
            "inventory", SET_STOCK, {"productId": "product-99", "quantity": 5}, user="user-1", role="admin"
        )
    assert error_code(body) == "SERVICE_UNAVAILABLE"
    assert "products" in body["errors"][0]["message"]


@pytest.mark.usefixtures("requires_products")
async def test_stock_of_an_unknown_product_is_not_found(system_factory) -> None:
    async with system_factory("inventory", "products") as system:
        body = await system.graphql(
            "inventory", SET_STOCK, {"productId": "product-99", "quantity": 5}, user="user-1", role="admin"
        )
    assert error_code(body) == "NOT_FOUND"
    assert "product-99" in body["errors"][0]["message"]


@pytest.mark.usefixtures("requires_products")
async def test_the_first_stock_of_a_new_catalogue_product_is_created(system_factory) -> None:
    async with system_factory("inventory", "products") as system:
        created = await system.graphql(
            "products",
            """mutation { createProduct(input: {sku: "SKU-NEW-1", name: "Tea Kettle", weight: 900,
               category: "kitchen", price: {amount: 2599}}) { id } }""",
            user="user-1",
            role="admin",
        )
        product_id = created["data"]["createProduct"]["id"]
        unstocked = await system.graphql("inventory", STOCK, {"id": product_id})
        assert unstocked["data"]["_entities"] == [None]
        body = await system.graphql(
            "inventory", SET_STOCK, {"productId": product_id, "quantity": 12}, user="user-1", role="admin"
        )
        assert body["data"]["setStock"] == {"id": product_id, "quantity": 12, "inStock": True}
        stocked = await system.graphql("inventory", STOCK, {"id": product_id})
    assert stocked["data"]["_entities"] == [{"quantity": 12, "inStock": True}]


@pytest.mark.usefixtures("requires_products")
async def test_an_id_listing_two_existing_products_is_not_a_product(system_factory) -> None:
    async with system_factory("inventory", "products") as system:
        body = await system.graphql(
            "inventory",
            SET_STOCK,
            {"productId": "product-1,product-2", "quantity": 5},
            user="user-1",
            role="admin",
        )
    assert error_code(body) == "NOT_FOUND"

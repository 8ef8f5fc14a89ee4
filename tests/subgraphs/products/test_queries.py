"""Catalogue queries: ``product(id)`` and the cursor-paginated, category-filtered ``products``."""

from __future__ import annotations

from typing import Any

from subgraphs.common import encode_cursor

from ..harness import System

PRODUCT = """
query($id: ID!) {
  product(id: $id) { id sku name description price { amount currency } weight category }
}
"""
PRODUCTS = """
query($category: String, $first: Int, $after: String) {
  products(category: $category, first: $first, after: $after) {
    edges { cursor node { id category } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
ALL_IDS_IN_ID_ORDER = sorted(f"product-{n}" for n in range(1, 13))


def codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


async def test_product_by_id_has_price_in_cents_weight_in_grams_and_category(system_factory) -> None:
    async with system_factory("products") as system:
        body = await system.graphql("products", PRODUCT, {"id": "product-5"})
    assert body == {
        "data": {
            "product": {
                "id": "product-5",
                "sku": "SKU-0005",
                "name": "Mechanical Keyboard",
                "description": "Tenkeyless, hot-swappable switches.",
                "price": {"amount": 12900, "currency": "USD"},
                "weight": 1200,
                "category": "electronics",
            }
        }
    }


async def test_product_with_an_unknown_id_is_null_without_an_error(system_factory) -> None:
    async with system_factory("products") as system:
        body = await system.graphql("products", PRODUCT, {"id": "product-404"})
    assert body == {"data": {"product": None}}


async def test_products_pages_through_the_whole_catalogue_in_stable_id_order(system_factory) -> None:
    system: System
    seen: list[str] = []
    pages = 0
    after = None
    async with system_factory("products") as system:
        while True:
            body = await system.graphql("products", PRODUCTS, {"first": 5, "after": after})
            page = body["data"]["products"]
            seen += [edge["node"]["id"] for edge in page["edges"]]
            pages += 1
            assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
    assert seen == ALL_IDS_IN_ID_ORDER
    assert pages == 3


async def test_products_defaults_to_the_first_ten(system_factory) -> None:
    async with system_factory("products") as system:
        body = await system.graphql("products", PRODUCTS)
    page = body["data"]["products"]
    assert [edge["node"]["id"] for edge in page["edges"]] == ALL_IDS_IN_ID_ORDER[:10]
    assert page["pageInfo"]["hasNextPage"] is True


async def test_products_filters_by_category_ignoring_case_and_pages_within_it(system_factory) -> None:
    async with system_factory("products") as system:
        first = await system.graphql("products", PRODUCTS, {"category": " Kitchen ", "first": 3})
        end = first["data"]["products"]["pageInfo"]["endCursor"]
        rest = await system.graphql("products", PRODUCTS, {"category": "kitchen", "first": 3, "after": end})
    nodes = [edge["node"] for edge in first["data"]["products"]["edges"] + rest["data"]["products"]["edges"]]
    assert nodes == [{"id": f"product-{n}", "category": "kitchen"} for n in (10, 11, 12, 9)]
    assert rest["data"]["products"]["pageInfo"]["hasNextPage"] is False


async def test_products_of_an_unknown_category_is_an_empty_page(system_factory) -> None:
    async with system_factory("products") as system:
        body = await system.graphql("products", PRODUCTS, {"category": "garden"})
    assert body == {
        "data": {"products": {"edges": [], "pageInfo": {"hasNextPage": False, "endCursor": None}}}
    }


async def test_products_pages_stay_stable_when_products_are_added(system_factory) -> None:
    """Keyset pagination: a product created between pages neither repeats nor shifts rows."""
    create = (
        'mutation { createProduct(input: {sku: "SKU-A", name: "A", price: {amount: 1}, weight: 1, '
        'category: "books"}) { id } }'
    )
    async with system_factory("products") as system:
        first = await system.graphql("products", PRODUCTS, {"first": 4})
        await system.graphql("products", create, user="user-1", role="admin")
        end = first["data"]["products"]["pageInfo"]["endCursor"]
        second = await system.graphql("products", PRODUCTS, {"first": 4, "after": end})
    ids = [
        edge["node"]["id"]
        for edge in first["data"]["products"]["edges"] + second["data"]["products"]["edges"]
    ]
    assert len(set(ids)) == 8
    assert ids[:4] == ALL_IDS_IN_ID_ORDER[:4]


BAD_PAGE_ARGUMENTS = [
    ({"first": 101}, "`first` must be between 0 and 100, got 101."),
    ({"first": -5}, "`first` must be between 0 and 100, got -5."),
    ({"after": "%%%"}, "`after` is not a valid cursor for this list."),
    ({"after": encode_cursor("users", "user-1")}, "`after` is not a valid cursor for this list."),
]


async def test_products_rejects_bad_page_arguments(system_factory) -> None:
    async with system_factory("products") as system:
        for variables, message in BAD_PAGE_ARGUMENTS:
            body = await system.graphql("products", PRODUCTS, variables)
            assert body["data"] is None
            assert codes(body) == ["BAD_USER_INPUT"], variables
            assert body["errors"][0]["message"] == message


async def test_products_accepts_a_page_of_exactly_one_hundred(system_factory) -> None:
    async with system_factory("products") as system:
        body = await system.graphql("products", PRODUCTS, {"first": 100})
    assert len(body["data"]["products"]["edges"]) == 12

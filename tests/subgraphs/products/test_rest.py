"""Internal REST ``GET /internal/v1/products?ids=...``: found products in order plus the missing ids."""

from __future__ import annotations

import pytest

from subgraphs.common import SERVICE_TOKEN_HEADER


async def test_get_products_returns_found_products_in_the_order_asked_and_the_missing_ids(
    system_factory,
) -> None:
    async with system_factory("products") as system, system.client("products") as client:
        response = await client.get(
            "/internal/v1/products",
            params={"ids": "product-3, product-404,product-1,product-3"},
            headers=system.service_headers(),
        )
    assert response.status_code == 200
    assert response.json() == {
        "products": [
            {
                "id": "product-3",
                "sku": "SKU-0003",
                "name": "Structure and Interpretation of Computer Programs",
                "price": {"amount": 5500, "currency": "USD"},
                "weight": 1100,
            },
            {
                "id": "product-1",
                "sku": "SKU-0001",
                "name": "The Pragmatic Programmer",
                "price": {"amount": 4299, "currency": "USD"},
                "weight": 680,
            },
        ],
        "missing": ["product-404"],
    }


async def test_get_products_without_ids_is_422_naming_the_parameter(system_factory) -> None:
    async with system_factory("products") as system, system.client("products") as client:
        response = await client.get("/internal/v1/products", headers=system.service_headers())
    assert response.status_code == 422
    assert response.json()["detail"] == "query.ids: Field required"


@pytest.mark.parametrize(
    ("ids", "detail"),
    [
        (" , ,", "ids must list at least one product id"),
        (",".join(f"product-{n}" for n in range(101)), "ids lists 101 products; at most 100 per call"),
    ],
)
async def test_get_products_with_an_empty_or_too_long_id_list_is_400(system_factory, ids, detail) -> None:
    async with system_factory("products") as system, system.client("products") as client:
        response = await client.get(
            "/internal/v1/products", params={"ids": ids}, headers=system.service_headers()
        )
    assert (response.status_code, response.json()) == (400, {"detail": detail})


async def test_get_products_without_or_with_a_wrong_service_token_is_401(system_factory) -> None:
    async with system_factory("products") as system, system.client("products") as client:
        missing = await client.get("/internal/v1/products", params={"ids": "product-1"})
        wrong = await client.get(
            "/internal/v1/products", params={"ids": "product-1"}, headers={SERVICE_TOKEN_HEADER: "x"}
        )
    assert (missing.status_code, missing.json()) == (
        401,
        {"detail": f"missing {SERVICE_TOKEN_HEADER} header"},
    )
    assert (wrong.status_code, wrong.json()) == (401, {"detail": "invalid service token"})

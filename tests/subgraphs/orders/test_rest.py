"""Internal REST of orders: ``GET /internal/v1/purchases`` for the reviews subgraph."""

from __future__ import annotations

import pytest

from .testkit import CANCEL_ORDER


async def purchased(system, **params: str) -> tuple[int, dict[str, object]]:
    async with system.client("orders") as client:
        response = await client.get("/internal/v1/purchases", params=params, headers=system.service_headers())
    return response.status_code, response.json()


@pytest.mark.parametrize(
    ("user_id", "product_id", "expected"),
    [
        ("user-2", "product-1", True),  # delivered order-1
        ("user-2", "product-3", True),
        ("user-3", "product-2", True),  # shipped order-2
        ("user-2", "product-5", True),  # pending order-3 counts: it is not cancelled
        ("user-2", "product-2", False),
        ("user-4", "product-1", False),
        ("user-99", "product-1", False),
    ],
)
async def test_purchases_say_whether_a_user_bought_a_product(
    system_factory, user_id: str, product_id: str, expected: bool
) -> None:
    async with system_factory("orders") as system:
        assert await purchased(system, user_id=user_id, product_id=product_id) == (
            200,
            {"purchased": expected},
        )


async def test_a_cancelled_order_is_not_a_purchase(system_factory) -> None:
    async with system_factory("orders", "inventory") as system:
        await system.graphql("orders", CANCEL_ORDER, {"id": "order-3"}, user="user-2")
        assert await purchased(system, user_id="user-2", product_id="product-5") == (
            200,
            {"purchased": False},
        )


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"product_id": "product-1"}, "user_id"),
        ({"user_id": "user-2"}, "product_id"),
        ({"user_id": "", "product_id": "product-1"}, "user_id"),
    ],
)
async def test_purchases_without_both_ids_are_422(
    system_factory, params: dict[str, str], fragment: str
) -> None:
    async with system_factory("orders") as system:
        status, body = await purchased(system, **params)
    assert status == 422
    assert fragment in str(body["detail"])


async def test_purchases_need_the_service_token(system_factory) -> None:
    async with system_factory("orders") as system, system.client("orders") as client:
        response = await client.get(
            "/internal/v1/purchases", params={"user_id": "user-2", "product_id": "product-1"}
        )
    assert response.status_code == 401
    assert response.json() == {"detail": "missing X-Service-Token header"}

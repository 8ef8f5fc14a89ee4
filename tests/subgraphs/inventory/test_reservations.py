"""Internal REST reservations: all-or-nothing, idempotent per order, never oversold under concurrency."""

from __future__ import annotations

import asyncio

import pytest


def reservation(order_id: str, *items: tuple[str, int]) -> dict[str, object]:
    return {"order_id": order_id, "items": [{"product_id": p, "quantity": q} for p, q in items]}


async def stock(system, product_id: str) -> int:
    body = await system.graphql(
        "inventory",
        'query($id: ID!) { _entities(representations: [{__typename: "Product", id: $id}]) '
        "{ ... on Product { quantity } } }",
        {"id": product_id},
    )
    return int(body["data"]["_entities"][0]["quantity"])


async def test_reserving_takes_stock_and_answers_201_with_the_reservation(system_factory) -> None:
    async with system_factory("inventory") as system, system.client("inventory") as client:
        response = await client.post(
            "/internal/v1/reservations",
            json=reservation("order-a", ("product-2", 5), ("product-1", 2)),
            headers=system.service_headers(),
        )
        assert response.status_code == 201, response.text
        assert response.json() == {
            "order_id": "order-a",
            "items": [{"product_id": "product-1", "quantity": 2}, {"product_id": "product-2", "quantity": 5}],
            "status": "reserved",
        }
        assert await stock(system, "product-1") == 8
        assert await stock(system, "product-2") == 15


async def test_repeating_a_reservation_is_idempotent_and_takes_stock_once(system_factory) -> None:
    body = reservation("order-a", ("product-1", 3))
    async with system_factory("inventory") as system, system.client("inventory") as client:
        first = await client.post("/internal/v1/reservations", json=body, headers=system.service_headers())
        again = await client.post("/internal/v1/reservations", json=body, headers=system.service_headers())
        assert (first.status_code, again.status_code) == (201, 200)
        assert again.json() == first.json()
        assert await stock(system, "product-1") == 7


async def test_the_same_order_with_different_items_is_a_conflict(system_factory) -> None:
    async with system_factory("inventory") as system, system.client("inventory") as client:
        headers = system.service_headers()
        await client.post(
            "/internal/v1/reservations", json=reservation("order-a", ("product-1", 3)), headers=headers
        )
        response = await client.post(
            "/internal/v1/reservations", json=reservation("order-a", ("product-1", 4)), headers=headers
        )
        assert response.status_code == 409
        assert "different items" in response.json()["detail"]
        assert await stock(system, "product-1") == 7


async def test_not_enough_stock_is_409_naming_product_requested_and_available_and_reserves_nothing(
    system_factory,
) -> None:
    async with system_factory("inventory") as system, system.client("inventory") as client:
        response = await client.post(
            "/internal/v1/reservations",
            json=reservation("order-a", ("product-1", 1), ("product-11", 4)),
            headers=system.service_headers(),
        )
        assert response.status_code == 409
        assert response.json()["detail"] == (
            "not enough stock for product product-11: requested 4, available 3"
        )
        assert await stock(system, "product-1") == 10  # all-or-nothing: product-1 was given back
        assert await stock(system, "product-11") == 3
        missing = await client.get("/internal/v1/reservations/order-a", headers=system.service_headers())
        assert missing.status_code == 404


async def test_an_unknown_product_is_404_and_reserves_nothing(system_factory) -> None:
    async with system_factory("inventory") as system, system.client("inventory") as client:
        response = await client.post(
            "/internal/v1/reservations",
            json=reservation("order-a", ("product-1", 1), ("product-77", 1)),
            headers=system.service_headers(),
        )
        assert response.status_code == 404
        assert response.json() == {"detail": "unknown product product-77"}
        assert await stock(system, "product-1") == 10


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"order_id": "order-a", "items": []}, "items"),
        (reservation("order-a", ("product-1", 0)), "items.0.quantity"),
        (reservation("order-a", ("product-1", -2)), "items.0.quantity"),
        (reservation("", ("product-1", 1)), "order_id"),
        (reservation("order-a", ("product-1", 1), ("product-1", 2)), "more than once"),
        ({"items": [{"product_id": "product-1", "quantity": 1}]}, "order_id"),
        ({"order_id": "order-a", "items": [{"product_id": "product-1", "quantity": "many"}]}, "quantity"),
    ],
)
async def test_malformed_reservations_are_422_with_a_readable_detail(
    system_factory, body: dict[str, object], fragment: str
) -> None:
    async with system_factory("inventory") as system, system.client("inventory") as client:
        response = await client.post("/internal/v1/reservations", json=body, headers=system.service_headers())
    assert response.status_code == 422
    assert fragment in response.json()["detail"]


async def test_reservations_need_the_service_token(system_factory) -> None:
    body = reservation("order-a", ("product-1", 1))
    async with system_factory("inventory") as system, system.client("inventory") as client:
        missing = await client.post("/internal/v1/reservations", json=body)
        wrong = await client.post(
            "/internal/v1/reservations", json=body, headers={"X-Service-Token": "guess"}
        )
        delete = await client.delete("/internal/v1/reservations/order-a")
        assert (missing.status_code, wrong.status_code, delete.status_code) == (401, 401, 401)
        assert missing.json() == {"detail": "missing X-Service-Token header"}
        assert wrong.json() == {"detail": "invalid service token"}
        assert await stock(system, "product-1") == 10


async def test_releasing_returns_the_stock_once(system_factory) -> None:
    async with system_factory("inventory") as system, system.client("inventory") as client:
        headers = system.service_headers()
        await client.post(
            "/internal/v1/reservations",
            json=reservation("order-a", ("product-1", 4), ("product-2", 1)),
            headers=headers,
        )
        released = await client.delete("/internal/v1/reservations/order-a", headers=headers)
        assert released.status_code == 200
        assert released.json()["status"] == "released"
        assert await stock(system, "product-1") == 10
        assert await stock(system, "product-2") == 20
        again = await client.delete("/internal/v1/reservations/order-a", headers=headers)
        assert again.status_code == 200
        assert await stock(system, "product-1") == 10


async def test_a_released_reservation_cannot_be_taken_again_under_the_same_order(system_factory) -> None:
    body = reservation("order-a", ("product-1", 4))
    async with system_factory("inventory") as system, system.client("inventory") as client:
        headers = system.service_headers()
        await client.post("/internal/v1/reservations", json=body, headers=headers)
        await client.delete("/internal/v1/reservations/order-a", headers=headers)
        response = await client.post("/internal/v1/reservations", json=body, headers=headers)
        assert response.status_code == 409
        assert "released" in response.json()["detail"]
        assert await stock(system, "product-1") == 10


async def test_releasing_an_unknown_reservation_is_404(system_factory) -> None:
    async with system_factory("inventory") as system, system.client("inventory") as client:
        response = await client.delete(
            "/internal/v1/reservations/order-nope", headers=system.service_headers()
        )
    assert response.status_code == 404
    assert response.json() == {"detail": "no reservation for order order-nope"}


async def test_twenty_concurrent_reservations_of_five_units_never_oversell(system_factory) -> None:
    async with system_factory("inventory") as system, system.client("inventory") as client:
        await system.graphql(
            "inventory",
            'mutation { setStock(productId: "product-4", quantity: 5) { quantity } }',
            user="user-1",
            role="admin",
        )
        headers = system.service_headers()
        responses = await asyncio.gather(
            *(
                client.post(
                    "/internal/v1/reservations",
                    json=reservation(f"order-rush-{n}", ("product-4", 1)),
                    headers=headers,
                )
                for n in range(20)
            )
        )
        codes = sorted(response.status_code for response in responses)
        assert codes == [201] * 5 + [409] * 15, [r.text for r in responses if r.status_code not in (201, 409)]
        assert await stock(system, "product-4") == 0
        conflict = next(r for r in responses if r.status_code == 409)
        assert "product-4" in conflict.json()["detail"]


async def test_concurrent_duplicates_of_one_order_take_stock_once(system_factory) -> None:
    body = reservation("order-dup", ("product-5", 2))
    async with system_factory("inventory") as system, system.client("inventory") as client:
        headers = system.service_headers()
        responses = await asyncio.gather(
            *(client.post("/internal/v1/reservations", json=body, headers=headers) for _ in range(8))
        )
        codes = sorted(response.status_code for response in responses)
        assert codes == [200] * 7 + [201], [r.text for r in responses]
        assert await stock(system, "product-5") == 48


async def test_the_seeded_pending_order_3_holds_a_reservation_of_product_5(system_factory) -> None:
    async with system_factory("inventory") as system, system.client("inventory") as client:
        response = await client.get("/internal/v1/reservations/order-3", headers=system.service_headers())
    assert response.status_code == 200
    assert response.json() == {
        "order_id": "order-3",
        "items": [{"product_id": "product-5", "quantity": 1}],
        "status": "reserved",
    }

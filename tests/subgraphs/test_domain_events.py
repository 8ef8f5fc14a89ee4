"""Each domain change writes its event in the same transaction (transactional outbox)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import text

from .harness import System


async def _outbox(system: System, name: str) -> list[dict[str, Any]]:
    async with system.apps[name].state.database.session() as session:
        rows = await session.execute(text("SELECT event_type, body FROM event_outbox ORDER BY seq"))
        return [{"type": row[0], **json.loads(row[1])} for row in rows]


async def test_placing_and_cancelling_an_order_records_order_placed_then_order_cancelled(
    system_factory,
) -> None:
    async with system_factory("users", "products", "inventory", "orders") as system:
        placed = await system.graphql(
            "orders",
            'mutation { placeOrder(items: [{productId: "product-1", quantity: 2}]) { id } }',
            user="user-3",
        )
        order_id = placed["data"]["placeOrder"]["id"]
        await system.graphql(
            "orders", f'mutation {{ cancelOrder(id: "{order_id}") {{ status }} }}', user="user-3"
        )
        events = await _outbox(system, "orders")

    assert [event["type"] for event in events] == ["OrderPlaced", "OrderCancelled"]
    assert events[0]["data"]["orderId"] == order_id
    assert events[0]["data"]["itemCount"] == 2
    assert events[1]["data"] == {"orderId": order_id, "userId": "user-3", "reason": None}


async def test_a_failed_order_records_no_event(system_factory) -> None:
    async with system_factory("users", "products", "inventory", "orders") as system:
        response = await system.graphql(
            "orders",
            'mutation { placeOrder(items: [{productId: "product-12", quantity: 1}]) { id } }',
            user="user-3",
        )
        assert response["errors"][0]["extensions"]["code"] == "CONFLICT"
        assert await _outbox(system, "orders") == []


async def test_stock_crossing_the_threshold_records_stock_low_once(system_factory) -> None:
    async with system_factory("products", "inventory") as system:
        mutation = 'mutation { setStock(productId: "product-1", quantity: %d) { quantity } }'
        for quantity in (4, 2, 10, 1):
            await system.graphql("inventory", mutation % quantity, user="user-1", role="admin")
        events = await _outbox(system, "inventory")

    # 4 crosses below 5; 2 stays low (no event); 10 is back above; 1 crosses again.
    low = [event for event in events if event["type"] == "StockLow"]
    assert [(e["type"], e["data"]["quantity"]) for e in low] == [("StockLow", 4), ("StockLow", 1)]
    assert {e["data"]["threshold"] for e in low} == {5}


async def test_registering_records_user_registered(system_factory) -> None:
    async with system_factory("users") as system:
        response = await system.graphql(
            "users",
            'mutation { register(email: "dora@example.com", name: "Dora", password: "dora-password-1") { user { id } } }',
        )
        user_id = response["data"]["register"]["user"]["id"]
        events = await _outbox(system, "users")
    assert [(e["type"], e["data"]["userId"]) for e in events] == [("UserRegistered", user_id)]


async def test_adding_a_review_records_review_added(system_factory) -> None:
    async with system_factory("orders", "reviews") as system:
        response = await system.graphql(
            "reviews",
            'mutation { addReview(productId: "product-5", rating: 4, body: "Solid.") { id } }',
            user="user-2",
        )
        review_id = response["data"]["addReview"]["id"]
        events = await _outbox(system, "reviews")
    assert events[0]["type"] == "ReviewAdded"
    assert events[0]["data"] == {
        "reviewId": review_id,
        "productId": "product-5",
        "authorId": "user-2",
        "rating": 4,
    }

"""The consumer: each event type becomes the right text for the right users, exactly once."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import func, select

from subgraphs.common import (
    InProcessBus,
    MoneyAmount,
    OrderCancelled,
    OrderPlaced,
    OrderStatusChanged,
    ReviewAdded,
    StockLow,
    UserRegistered,
    new_event,
)
from subgraphs.notifications.events import format_money
from subgraphs.notifications.models import NotificationRow, ProcessedEvent

from .conftest import deliver


async def notifications_of(system) -> list[tuple[str, str, str]]:
    async with system.apps["notifications"].state.database.session() as session:
        rows = await session.scalars(select(NotificationRow).order_by(NotificationRow.seq))
        return [(row.user_id, row.kind, row.message) for row in rows]


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (
            OrderPlaced(
                order_id="order-123",
                user_id="user-2",
                item_count=2,
                total=MoneyAmount(amount=1250, currency="USD"),
            ),
            [("user-2", "order_placed", "Your order order-123 was placed: 2 items, total $12.50.")],
        ),
        (
            OrderStatusChanged(
                order_id="order-123", user_id="user-2", from_status="PLACED", to_status="SHIPPED"
            ),
            [("user-2", "order_status_changed", "Your order order-123 is now shipped (was placed).")],
        ),
        (
            OrderCancelled(order_id="order-123", user_id="user-2", reason="out of stock"),
            [("user-2", "order_cancelled", "Your order order-123 was cancelled: out of stock.")],
        ),
        (
            OrderCancelled(order_id="order-123", user_id="user-2"),
            [("user-2", "order_cancelled", "Your order order-123 was cancelled.")],
        ),
        (
            StockLow(product_id="product-11", quantity=1, threshold=5),
            [("user-1", "stock_low", "Product product-11 is running low: 1 unit left (threshold 5).")],
        ),
        (
            ReviewAdded(review_id="review-7", product_id="product-3", author_id="user-4", rating=4),
            [("user-4", "review_added", "Thanks for your review of product-3: 4 stars.")],
        ),
        (
            UserRegistered(user_id="user-9", name="Zoe"),
            [("user-9", "user_registered", "Welcome, Zoe! Your account is ready.")],
        ),
    ],
    ids=lambda value: getattr(value, "TYPE", ""),
)
async def test_each_event_becomes_its_notification(system_factory, payload, expected) -> None:
    async with system_factory("notifications") as system:
        await deliver(system, payload)
        assert await notifications_of(system) == expected


async def test_stock_alerts_go_to_every_configured_recipient(system_factory) -> None:
    async with system_factory("notifications", low_stock_recipients=("user-1", "user-5")) as system:
        await deliver(system, StockLow(product_id="product-12", quantity=0, threshold=5))
        assert [row[0] for row in await notifications_of(system)] == ["user-1", "user-5"]


async def test_a_redelivered_event_is_acknowledged_without_a_second_notification(system_factory) -> None:
    event = new_event(UserRegistered(user_id="user-9", name="Zoe"))
    async with system_factory("notifications") as system:
        await deliver(system, event, event, event)
        stats = system.apps["notifications"].state.notification_stats
        assert (stats.processed, stats.duplicates) == (1, 2)
        assert len(await notifications_of(system)) == 1
        async with system.apps["notifications"].state.database.session() as session:
            assert await session.scalar(select(func.count()).select_from(ProcessedEvent)) == 1


async def test_a_malformed_message_is_dead_lettered_with_a_log_line_and_the_consumer_keeps_going(
    system_factory, caplog: pytest.LogCaptureFixture
) -> None:
    async with system_factory("notifications") as system:
        with caplog.at_level(logging.ERROR, logger="subgraphs.events"):
            await deliver(system, b"{not json", UserRegistered(user_id="user-9", name="Zoe"))
        assert await notifications_of(system) == [
            ("user-9", "user_registered", "Welcome, Zoe! Your account is ready.")
        ]
        dead = InProcessBus.for_running_loop().dead_letters("notifications")
    assert [d.body for d in dead] == [b"{not json"]
    assert "dead-lettered event <no id>" not in caplog.text  # in-process keeps the empty id as is
    assert "poison: not an event envelope" in caplog.text


def test_money_is_written_with_the_currency_symbol_and_two_decimals() -> None:
    assert format_money(1250, "USD") == "$12.50"
    assert format_money(5, "EUR") == "€0.05"
    assert format_money(123456789, "USD") == "$1,234,567.89"
    assert format_money(1000, "CHF") == "10.00 CHF"

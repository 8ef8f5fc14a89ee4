"""The consumer: every domain event becomes notifications for the users it concerns.

Delivery contract (see subgraphs/common/bus.py): the handler commits the notifications and the
event's id in one transaction, broadcasts them to the live subscribers of every API process
(``live.py``, best effort), and the bus acknowledges only after it returns. A redelivered event
finds its id already stored and is acknowledged without writing again. A body that is not a valid
event of a known type and version is poison and goes to the dead-letter queue with a log line;
a database error is retried with back-off. Each delivery's outcome (processed, duplicate, retried,
dead-lettered) is counted in ``subgraph_event_deliveries_total{consumer="notifications"}``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import orjson

from subgraphs.common import (
    Delivery,
    Event,
    OrderCancelled,
    OrderPlaced,
    OrderStatusChanged,
    Outcome,
    PoisonMessage,
    ReviewAdded,
    StockLow,
    SubgraphSettings,
    UserRegistered,
    open_event_bus,
    parse_event,
)
from subgraphs.common.consumers import consuming

from .live import announce
from .models import NotificationDraft, NotificationKind, store_notifications

if TYPE_CHECKING:
    from fastapi import FastAPI

    from subgraphs.common import Database

    from .models import NotificationRow

__all__ = [
    "CONSUMER",
    "NOTIFIED_EVENT_TYPES",
    "ConsumerStats",
    "handle_delivery",
    "notification_consumer",
    "render",
]

log = logging.getLogger("subgraphs.notifications")

#: The consumer name: its RabbitMQ queue is ``<exchange>.notifications``.
CONSUMER = "notifications"

#: The event types :func:`render` has a text for: the routing keys the consumer binds. Events that
#: notify nobody (ProductChanged, StockChanged: cache invalidations) never reach its queue.
NOTIFIED_EVENT_TYPES: tuple[str, ...] = tuple(
    sorted(
        payload.TYPE
        for payload in (
            OrderPlaced,
            OrderStatusChanged,
            OrderCancelled,
            StockLow,
            ReviewAdded,
            UserRegistered,
        )
    )
)

_CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}


@dataclass(slots=True)
class ConsumerStats:
    """What the consumer did since start (read by tests and the benchmark)."""

    processed: int = 0
    duplicates: int = 0


def format_money(amount: int, currency: str) -> str:
    """``1250, "USD"`` -> ``$12.50``; currencies without a symbol are written after the number.
    Amounts are minor units with two decimals, like every price in this system."""
    value = f"{amount // 100:,}.{amount % 100:02d}"
    symbol = _CURRENCY_SYMBOLS.get(currency)
    return f"{symbol}{value}" if symbol else f"{value} {currency}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _status(value: str) -> str:
    return value.replace("_", " ").lower()


def render(event: Event, settings: SubgraphSettings) -> list[NotificationDraft]:
    """The notifications ``event`` produces: who gets one and what it says."""
    data = event.data
    if isinstance(data, OrderPlaced):
        total = format_money(data.total.amount, data.total.currency)
        text = f"Your order {data.order_id} was placed: {_plural(data.item_count, 'item')}, total {total}."
        return [NotificationDraft(user_id=data.user_id, kind=NotificationKind.ORDER_PLACED, message=text)]
    if isinstance(data, OrderStatusChanged):
        text = (
            f"Your order {data.order_id} is now {_status(data.to_status)} (was {_status(data.from_status)})."
        )
        return [
            NotificationDraft(user_id=data.user_id, kind=NotificationKind.ORDER_STATUS_CHANGED, message=text)
        ]
    if isinstance(data, OrderCancelled):
        reason = f": {data.reason}" if data.reason else ""
        text = f"Your order {data.order_id} was cancelled{reason}."
        return [NotificationDraft(user_id=data.user_id, kind=NotificationKind.ORDER_CANCELLED, message=text)]
    if isinstance(data, StockLow):
        text = (
            f"Product {data.product_id} is running low: {_plural(data.quantity, 'unit')} left "
            f"(threshold {data.threshold})."
        )
        return [
            NotificationDraft(user_id=user_id, kind=NotificationKind.STOCK_LOW, message=text)
            for user_id in dict.fromkeys(settings.low_stock_recipients)
        ]
    if isinstance(data, ReviewAdded):
        text = f"Thanks for your review of {data.product_id}: {_plural(data.rating, 'star')}."
        return [NotificationDraft(user_id=data.author_id, kind=NotificationKind.REVIEW_ADDED, message=text)]
    if isinstance(data, UserRegistered):
        text = f"Welcome, {data.name}! Your account is ready."
        return [NotificationDraft(user_id=data.user_id, kind=NotificationKind.USER_REGISTERED, message=text)]
    # parse_event only returns registered payloads; a new one must get its text here first.
    raise PoisonMessage(f"no notification text for {event.type} v{event.schema_version}")


async def handle_delivery(
    database: Database, settings: SubgraphSettings, delivery: Delivery, stats: ConsumerStats | None = None
) -> list[NotificationRow] | None:
    """Turn one delivery into notifications and commit; the stored rows, None for a duplicate.

    Raises InvalidEvent / PoisonMessage for a body that can never be processed (dead-lettered),
    anything else (database down) for a retry.
    """
    event = parse_event(delivery.body)
    if delivery.event_id and delivery.event_id != event.id:
        # Deduplication keys on the event id; a message claiming another id cannot be trusted.
        raise PoisonMessage(f"message id {delivery.event_id} differs from the event id {event.id}")
    drafts = render(event, settings)
    async with database.session() as session:
        stored = await store_notifications(
            session, event_id=event.id, event_type=event.type, occurred_at=event.occurred_at, drafts=drafts
        )
    if stats is not None:
        if stored is not None:
            stats.processed += 1
        else:
            stats.duplicates += 1
    if stored is None:
        log.info("event %s (%s) was already processed; acknowledging the redelivery", event.id, event.type)
    return stored


def _traceparent(delivery: Delivery) -> str | None:
    """The trace to continue: the message header (the relay's publish span); without one (a relay
    that does not trace, e.g. ``supergraph relay`` without ``TRACING``) the ``traceparent`` the
    event body kept from the request that recorded it."""
    if delivery.traceparent:
        return delivery.traceparent
    try:
        stored = orjson.loads(delivery.body).get("traceparent")
    except (orjson.JSONDecodeError, AttributeError):
        return None  # poison: handle_delivery says why
    return stored if isinstance(stored, str) else None


@asynccontextmanager
async def notification_consumer(app: FastAPI) -> AsyncIterator[None]:
    """``SubgraphSpec.background`` entry: consume every event type while the app runs.

    On shutdown the subscription stops receiving, lets handlers in flight commit and ack, then
    closes; unacknowledged messages stay in the broker for the next start.
    """
    settings: SubgraphSettings = app.state.settings
    database: Database = app.state.database
    stats = ConsumerStats()
    app.state.notification_stats = stats

    async def handler(delivery: Delivery) -> Outcome | None:
        stored = await handle_delivery(database, settings, delivery, stats)
        if stored is None:
            return Outcome.DUPLICATE
        # After the commit, never before: a live subscriber only ever sees what the inbox holds.
        await announce(broadcasts, stored)
        return None

    async with (
        open_event_bus(
            settings.event_bus_url,
            exchange=settings.event_exchange,
            connection_name="notifications-broadcast",
        ) as broadcasts,
        # A relay without tracing sends no header: the trace stored in the event body continues then.
        consuming(
            app, CONSUMER, handler, routing_keys=NOTIFIED_EVENT_TYPES, traceparent_of=_traceparent
        ) as subscription,
    ):
        app.state.event_subscription = subscription
        yield

"""Test helpers for the event pipeline: a stand-in producer subgraph, waiting, a real broker.

``Producer`` is what a domain subgraph looks like to the pipeline - its own database with a domain
table and the outbox table in one metadata - so tests record events in a real transaction next to
a real change, exactly as orders or inventory will.
"""

from __future__ import annotations

import asyncio
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, MetaData, String, Table, func, insert, select

from subgraphs.common import (
    Database,
    Event,
    EventPayload,
    MoneyAmount,
    OrderPlaced,
    RabbitMQBus,
    outbox_table,
    record_event,
)

from ..services import AMQP_URL, unavailable

PRODUCER_METADATA = MetaData()
#: The producer's own domain table: a change the event describes, committed with it or not at all.
ORDERS = Table(
    "orders", PRODUCER_METADATA, Column("id", String(64), primary_key=True), Column("user_id", String(64))
)
OUTBOX = outbox_table(PRODUCER_METADATA)


def order_placed(order_id: str, user_id: str = "user-2", *, items: int = 2, total: int = 1250) -> OrderPlaced:
    return OrderPlaced(
        order_id=order_id, user_id=user_id, item_count=items, total=MoneyAmount(amount=total, currency="USD")
    )


class Producer:
    """A stand-in domain subgraph with an outbox."""

    def __init__(self, database: Database) -> None:
        self.database = database

    async def place_orders(
        self, count: int, *, user_id: str = "user-2", prefix: str = "order"
    ) -> list[Event]:
        """One transaction per order: insert the order row and record its OrderPlaced event."""
        events = []
        for n in range(count):
            order_id = f"{prefix}-{n}-{uuid.uuid4().hex[:6]}"
            async with self.database.session() as session:
                await session.execute(insert(ORDERS).values(id=order_id, user_id=user_id))
                events.append(await record_event(session, order_placed(order_id, user_id), source="orders"))
                await session.commit()
        return events

    async def record(self, *payloads: EventPayload | Event) -> list[Event]:
        async with self.database.session() as session:
            events = [await record_event(session, payload, source="test") for payload in payloads]
            await session.commit()
        return events

    async def unsent(self) -> int:
        async with self.database.engine.connect() as conn:
            return int(
                await conn.scalar(select(func.count()).select_from(OUTBOX).where(OUTBOX.c.sent_at.is_(None)))
                or 0
            )

    async def rows(self) -> list[Any]:
        async with self.database.engine.connect() as conn:
            return list((await conn.execute(select(OUTBOX).order_by(OUTBOX.c.seq))).all())


@asynccontextmanager
async def producer_database(url: str) -> AsyncIterator[Producer]:
    database = Database(url)
    try:
        await database.create_schema(PRODUCER_METADATA)
        yield Producer(database)
    finally:
        await database.dispose()


async def eventually(
    condition: Callable[[], Awaitable[bool]] | Callable[[], bool],
    *,
    timeout: float = 10.0,
    what: str = "condition",
) -> None:
    """Poll ``condition`` every 20 ms until true; fail with ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.02)


#: The consumer queues the whole platform declares on RabbitMQ (notifications, and the products and
#: inventory cache invalidation consumers): what a test that started it deletes afterwards.
PLATFORM_CONSUMERS = ("notifications", "products-cache", "inventory-cache")


def unique_exchange() -> str:
    """A fresh exchange name per test, so queues of other runs never mix in."""
    return f"test.events.{uuid.uuid4().hex[:10]}"


@asynccontextmanager
async def rabbitmq_exchange(consumers: Sequence[str] = PLATFORM_CONSUMERS) -> AsyncIterator[str]:
    """A fresh exchange on the local RabbitMQ (skipped locally, failed under CI when it is down);
    afterwards the exchange, its DLX and the named consumers' queues are deleted."""
    await require_rabbitmq()
    name = unique_exchange()
    try:
        yield name
    finally:
        cleanup = RabbitMQBus(url=AMQP_URL, exchange=name)
        try:
            await cleanup.delete_topology(consumers)
        finally:
            await cleanup.close()


async def require_rabbitmq() -> None:
    """Skip locally / fail under CI when the local RabbitMQ does not answer."""
    import aio_pika

    try:
        connection = await aio_pika.connect(AMQP_URL, timeout=3)
    except Exception as exc:
        unavailable("RabbitMQ", exc)
        raise
    await connection.close()


def rabbitmqctl(*args: str, timeout: float = 60.0) -> None:
    """Run ``rabbitmqctl`` (to stop and start the real broker's AMQP side)."""
    try:
        subprocess.run(["rabbitmqctl", *args], check=True, capture_output=True, timeout=timeout)
    except (OSError, subprocess.SubprocessError) as exc:
        unavailable("rabbitmqctl", exc)
        raise


def now() -> datetime:
    return datetime.now(UTC)


__all__ = [
    "AMQP_URL",
    "ORDERS",
    "OUTBOX",
    "PRODUCER_METADATA",
    "Producer",
    "eventually",
    "now",
    "order_placed",
    "producer_database",
    "rabbitmqctl",
    "require_rabbitmq",
    "unique_exchange",
]

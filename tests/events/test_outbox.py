"""The transactional outbox: events commit with their change, and relays publish them once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select, update

from subgraphs.common import (
    Database,
    Delivery,
    InProcessBus,
    OutboxRelay,
    OutgoingMessage,
    PublishFailed,
    SubgraphSettings,
    parse_event,
    record_event,
    run_relay,
)

from .testkit import ORDERS, OUTBOX, Producer, eventually, order_placed


class Collector:
    """Subscribes to every event on an in-process bus and keeps what arrives."""

    def __init__(self) -> None:
        self.deliveries: list[Delivery] = []

    async def __call__(self, delivery: Delivery) -> None:
        self.deliveries.append(delivery)

    @property
    def ids(self) -> list[str]:
        return [d.event_id for d in self.deliveries]


async def subscribed_bus() -> tuple[InProcessBus, Collector]:
    bus, collector = InProcessBus(), Collector()
    await bus.subscribe("collector", collector, routing_keys=["#"], prefetch=1)
    return bus, collector


async def test_an_event_is_stored_only_when_its_transaction_commits(producer: Producer) -> None:
    async with producer.database.session() as session:
        await session.execute(insert(ORDERS).values(id="order-rolled-back", user_id="user-2"))
        await record_event(session, order_placed("order-rolled-back"))
        await session.rollback()
    assert await producer.rows() == []

    async with producer.database.session() as session:
        await session.execute(insert(ORDERS).values(id="order-1", user_id="user-2"))
        event = await record_event(session, order_placed("order-1"), source="orders")
        await session.commit()
    [row] = await producer.rows()
    assert (row.event_id, row.event_type, row.sent_at) == (event.id, "OrderPlaced", None)
    assert parse_event(row.body) == event


async def test_a_failed_change_takes_its_event_with_it(producer: Producer) -> None:
    await producer.place_orders(1, prefix="dup")
    [existing] = await producer.rows()
    order_id = parse_event(existing.body).data.order_id  # type: ignore[attr-defined]
    async with producer.database.session() as session:
        await record_event(session, order_placed(order_id))
        await session.execute(insert(ORDERS).values(id="other", user_id="user-2"))
        with pytest.raises(Exception, match=r"(?i)unique|duplicate"):
            await session.execute(insert(ORDERS).values(id=order_id, user_id="user-2"))
            await session.commit()
        await session.rollback()
    assert len(await producer.rows()) == 1


async def test_the_relay_publishes_pending_events_in_order_and_marks_them_sent(producer: Producer) -> None:
    events = await producer.place_orders(5)
    bus, collector = await subscribed_bus()
    relay = OutboxRelay(database=producer.database, bus=bus, batch_size=2)
    assert [await relay.publish_pending() for _ in range(4)] == [2, 2, 1, 0]
    await eventually(lambda: len(collector.deliveries) == 5, what="five deliveries")
    assert collector.ids == [event.id for event in events]
    assert {d.event_type for d in collector.deliveries} == {"OrderPlaced"}
    assert [parse_event(d.body) for d in collector.deliveries] == events
    assert await producer.unsent() == 0
    assert all(row.sent_at is not None for row in await producer.rows())


async def test_events_nobody_is_bound_to_receive_stay_in_the_outbox(producer: Producer) -> None:
    await producer.place_orders(3)
    relay = OutboxRelay(database=producer.database, bus=InProcessBus())
    with pytest.raises(PublishFailed, match="3 of 3 events not published"):
        await relay.publish_pending()
    rows = await producer.rows()
    assert [row.sent_at for row in rows] == [None, None, None]
    assert [row.attempts for row in rows] == [1, 1, 1]
    assert "no queue is bound for OrderPlaced" in rows[0].last_error


async def test_a_running_relay_is_woken_by_the_commit_not_by_its_poll(producer: Producer) -> None:
    bus, collector = await subscribed_bus()
    relay = OutboxRelay(database=producer.database, bus=bus, poll_interval=60)
    task = asyncio.create_task(relay.run())
    try:
        await asyncio.sleep(0.05)  # the relay's first (empty) pass, then it sleeps for a minute
        [event] = await producer.place_orders(1)
        await eventually(lambda: collector.ids == [event.id], timeout=2, what="the woken relay")
    finally:
        await relay.stop()
        await task


async def test_a_running_relay_backs_off_while_publishing_fails_and_then_catches_up(
    producer: Producer,
) -> None:
    bus = InProcessBus()  # nobody bound yet: every publish fails
    relay = OutboxRelay(database=producer.database, bus=bus, poll_interval=0.05, max_backoff=0.2)
    task = asyncio.create_task(relay.run())
    try:
        events = await producer.place_orders(3)
        await asyncio.sleep(0.3)
        assert await producer.unsent() == 3
        collector = Collector()
        await bus.subscribe("late", collector, routing_keys=["OrderPlaced"], prefetch=4)
        await eventually(lambda: len(collector.deliveries) == 3, timeout=3, what="the backlog")
        assert sorted(collector.ids) == sorted(event.id for event in events)
    finally:
        await relay.stop()
        await task
    assert await producer.unsent() == 0


async def test_purging_removes_only_events_sent_long_enough_ago(producer: Producer) -> None:
    await producer.place_orders(3)
    bus, _ = await subscribed_bus()
    relay = OutboxRelay(database=producer.database, bus=bus)
    await relay.publish_pending()
    await producer.place_orders(1)  # pending: never purged
    rows = await producer.rows()
    async with producer.database.engine.begin() as conn:
        await conn.execute(
            update(OUTBOX)
            .where(OUTBOX.c.seq == rows[0].seq)
            .values(sent_at=rows[0].sent_at - timedelta(days=2))
        )
    assert await relay.purge_sent(older_than=timedelta(days=1)) == 1
    assert len(await producer.rows()) == 3
    assert await producer.unsent() == 1


async def test_run_relay_refuses_the_in_process_bus_because_it_would_reach_nobody(tmp_path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'orders.db'}"
    with pytest.raises(RuntimeError, match="EVENT_BUS_URL=amqp://"):
        await run_relay("orders", settings=SubgraphSettings(environment="test"), database_url=url)


class SlowBus:
    """Counts publishes per event id; each publish yields, so concurrent relays interleave."""

    def __init__(self) -> None:
        self.published: list[str] = []

    async def publish(self, message: OutgoingMessage) -> None:
        await asyncio.sleep(0.001)
        self.published.append(message.event_id)

    async def subscribe(self, *args: object, **kwargs: object) -> object:
        raise NotImplementedError

    async def close(self) -> None:
        pass


@pytest.mark.parametrize("backend", [pytest.param("postgres", marks=pytest.mark.postgres)])
async def test_concurrent_relays_on_postgresql_publish_each_event_exactly_once(producer: Producer) -> None:
    events = await producer.record(*(order_placed(f"order-{n}") for n in range(300)))
    bus = SlowBus()
    # Separate engines = separate connection pools, like relays in separate processes.
    databases = [Database(producer.database.url) for _ in range(4)]
    relays = [
        OutboxRelay(database=db, bus=bus, batch_size=20, name=f"relay-{n}") for n, db in enumerate(databases)
    ]

    async def drain(relay: OutboxRelay) -> None:
        while await relay.publish_pending():
            pass

    try:
        await asyncio.wait_for(asyncio.gather(*(drain(relay) for relay in relays)), timeout=60)
    finally:
        for db in databases:
            await db.dispose()
    assert sorted(bus.published) == sorted(event.id for event in events)
    assert len(set(bus.published)) == len(bus.published) == 300
    assert sum(1 for relay in relays if relay.published) > 1, "the relays did not share the work"
    async with producer.database.engine.connect() as conn:
        assert (
            await conn.scalar(select(func.count()).select_from(OUTBOX).where(OUTBOX.c.sent_at.is_(None))) == 0
        )

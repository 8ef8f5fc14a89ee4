"""The pipeline on the local RabbitMQ: outbox -> relay -> topic exchange -> notifications.

Each test uses its own exchange (and so its own queues), deleted afterwards. The failure tests
break things for real: the broker's AMQP side is stopped with ``rabbitmqctl stop_app`` and started
again, a consumer's connection is closed between its commit and its ack, and a body that is not an
event is published.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aio_pika
import pytest
from aiormq.exceptions import ChannelPreconditionFailed
from sqlalchemy import func, select

from subgraphs.common import (
    Database,
    Delivery,
    OutboxRelay,
    OutgoingMessage,
    PublishFailed,
    RabbitMQBus,
    RetryPolicy,
    SubgraphSettings,
    UserRegistered,
    new_event,
)
from subgraphs.notifications.events import handle_delivery
from subgraphs.notifications.models import Base as NotificationsBase
from subgraphs.notifications.models import NotificationRow, ProcessedEvent

from ..subgraphs.harness import System, start_system
from .testkit import (
    AMQP_URL,
    Producer,
    eventually,
    producer_database,
    rabbitmq_exchange,
    rabbitmqctl,
)


@pytest.fixture
async def exchange() -> AsyncIterator[str]:
    async with rabbitmq_exchange(["notifications", "probe"]) as name:
        yield name


@contextlib.asynccontextmanager
async def notifications(tmp_path: Path, exchange: str, **overrides: Any) -> AsyncIterator[System]:
    """The notifications subgraph consuming from RabbitMQ, waited for until its queue is bound."""
    async with start_system(
        ["notifications"],
        backend="sqlite",
        tmp_path=tmp_path,
        event_bus_url=AMQP_URL,
        event_exchange=exchange,
        event_retry_delay_seconds=0.1,
        event_max_attempts=3,
        **overrides,
    ) as system:
        subscription = system.apps["notifications"].state.event_subscription
        await asyncio.wait_for(subscription.ready.wait(), 15)
        yield system


@contextlib.asynccontextmanager
async def relaying(producer: Producer, exchange: str) -> AsyncIterator[OutboxRelay]:
    """The producer's relay on RabbitMQ, polling often and backing off briefly (tests stay short)."""
    bus = RabbitMQBus(url=AMQP_URL, exchange=exchange, reconnect_interval=0.5, connection_name="test-relay")
    relay = OutboxRelay(database=producer.database, bus=bus, name="test", poll_interval=0.1, max_backoff=1.0)
    task = asyncio.create_task(relay.run())
    try:
        yield relay
    finally:
        await relay.stop()
        await asyncio.wait_for(task, 15)
        await bus.close()


async def stored(system: System) -> tuple[list[str], int]:
    """(messages of every notification in order, processed event count) of the notifications app."""
    async with system.apps["notifications"].state.database.session() as session:
        messages = list(await session.scalars(select(NotificationRow.message).order_by(NotificationRow.seq)))
        processed = await session.scalar(select(func.count()).select_from(ProcessedEvent))
    return messages, int(processed or 0)


async def test_a_published_event_is_a_persistent_message_with_the_event_id_as_message_id(
    exchange: str,
) -> None:
    bus = RabbitMQBus(url=AMQP_URL, exchange=exchange)
    try:
        channel = await (await bus.connect()).channel()
        queue = await bus.declare_consumer(channel, "probe", ["UserRegistered"])
        event = new_event(UserRegistered(user_id="user-9", name="Zoe"))
        await bus.publish(OutgoingMessage(event_id=event.id, event_type=event.type, body=event.to_json()))
        message = await queue.get(timeout=5)
        await message.ack()
        assert message.message_id == event.id
        assert message.type == "UserRegistered"
        assert message.routing_key == "UserRegistered"
        assert message.delivery_mode == aio_pika.DeliveryMode.PERSISTENT
        assert message.content_type == "application/json"
        assert message.body == event.to_json()
        # Declaring them as non-durable is refused: they already exist as durable.
        with pytest.raises(ChannelPreconditionFailed):
            await channel.declare_exchange(exchange, aio_pika.ExchangeType.TOPIC, durable=False)
    finally:
        await bus.close()


async def test_an_event_no_queue_is_bound_to_is_not_confirmed_so_the_outbox_keeps_it(exchange: str) -> None:
    bus = RabbitMQBus(url=AMQP_URL, exchange=exchange)
    try:
        with pytest.raises(PublishFailed, match="NO_ROUTE"):
            await bus.publish(OutgoingMessage(event_id="e-1", event_type="StockLow", body=b"{}"))
    finally:
        await bus.close()


async def test_outbox_events_arrive_as_notifications_through_rabbitmq(exchange: str, tmp_path: Path) -> None:
    async with (
        notifications(tmp_path, exchange) as system,
        producer_database(f"sqlite+aiosqlite:///{tmp_path / 'orders.db'}") as producer,
        relaying(producer, exchange),
    ):
        events = await producer.place_orders(5)
        await eventually(lambda: _count(system) == 5, what="five notifications")
        messages, processed = await stored(system)
    assert processed == 5
    assert sorted(messages) == sorted(
        f"Your order {event.data.order_id} was placed: 2 items, total $12.50."  # type: ignore[attr-defined]
        for event in events
    )


def _count(system: System) -> bool | int:
    stats = system.apps["notifications"].state.notification_stats
    return stats.processed


async def test_a_malformed_message_is_dead_lettered_with_a_log_line_and_the_consumer_keeps_going(
    exchange: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    valid = new_event(UserRegistered(user_id="user-9", name="Zoe"))
    publisher = RabbitMQBus(url=AMQP_URL, exchange=exchange)
    try:
        async with notifications(tmp_path, exchange) as system:
            with caplog.at_level(logging.ERROR, logger="subgraphs.events"):
                await publisher.publish(
                    OutgoingMessage(event_id="bad-1", event_type="OrderPlaced", body=b"\x00garbage")
                )
                await publisher.publish(
                    OutgoingMessage(event_id=valid.id, event_type=valid.type, body=valid.to_json())
                )
                await eventually(lambda: _count(system) == 1, what="the valid event after the bad one")
            messages, _ = await stored(system)
            assert messages == ["Welcome, Zoe! Your account is ready."]
        channel = await (await publisher.connect()).channel()
        dead_queue = await channel.declare_queue(f"{exchange}.notifications.dead", durable=True, passive=True)
        dead = await dead_queue.get(timeout=5)
        await dead.ack()
        assert (dead.message_id, dead.body) == ("bad-1", b"\x00garbage")
        assert f"dead-lettered event bad-1 (OrderPlaced) from {exchange}.notifications: poison" in caplog.text
    finally:
        await publisher.close()


async def test_a_failing_handler_is_retried_through_the_retry_queue_with_back_off(exchange: str) -> None:
    bus = RabbitMQBus(url=AMQP_URL, exchange=exchange, retry=RetryPolicy(max_attempts=4, first_delay=0.2))
    loop = asyncio.get_running_loop()
    seen: list[tuple[int, float]] = []

    async def flaky(delivery: Delivery) -> None:
        seen.append((delivery.attempt, loop.time()))
        if delivery.attempt < 3:
            raise ConnectionError("database is down")

    try:
        subscription = await bus.subscribe("probe", flaky, routing_keys=["UserRegistered"], prefetch=1)
        await asyncio.wait_for(subscription.ready.wait(), 10)
        await bus.publish(OutgoingMessage(event_id="e-1", event_type="UserRegistered", body=b"{}"))
        await eventually(lambda: len(seen) == 3, timeout=10, what="three attempts")
        await asyncio.sleep(0.3)
    finally:
        await bus.close()
    assert [attempt for attempt, _ in seen] == [1, 2, 3]
    assert seen[1][1] - seen[0][1] >= 0.18  # 0.2 s in the retry queue (the broker's TTL clock)
    assert seen[2][1] - seen[1][1] >= 0.38  # then doubled


async def test_a_consumer_killed_before_its_ack_gets_the_event_again_and_ignores_the_duplicate(
    exchange: str, tmp_path: Path
) -> None:
    event = new_event(UserRegistered(user_id="user-9", name="Zoe"))
    # Consumer A: commits the notification, then dies before acknowledging (its connection drops).
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'notifications.db'}")
    await database.create_schema(NotificationsBase.metadata)
    dying = RabbitMQBus(url=AMQP_URL, exchange=exchange, connection_name="dying-consumer")
    committed = asyncio.Event()
    handler_task: asyncio.Task[Any] | None = None

    async def commit_then_hang(delivery: Delivery) -> None:
        nonlocal handler_task
        handler_task = asyncio.current_task()
        await handle_delivery(database, SubgraphSettings(environment="test"), delivery)
        committed.set()
        await asyncio.sleep(3600)  # killed here: after the commit, before the ack

    try:
        subscription = await dying.subscribe(
            "notifications", commit_then_hang, routing_keys=["#"], prefetch=1
        )
        await asyncio.wait_for(subscription.ready.wait(), 10)
        await dying.publish(OutgoingMessage(event_id=event.id, event_type=event.type, body=event.to_json()))
        await asyncio.wait_for(committed.wait(), 10)
        connection = dying.connection
        assert connection is not None
        await connection.close()  # the broker sees the consumer vanish with the message unacked
        assert handler_task is not None
        handler_task.cancel()
    finally:
        await database.dispose()
        await dying.close()

    # Consumer B: the notifications subgraph on the same database gets the redelivery.
    async with notifications(tmp_path, exchange) as system:
        stats = system.apps["notifications"].state.notification_stats
        await eventually(lambda: stats.duplicates == 1, what="the redelivery")
        await asyncio.sleep(0.3)
        assert (stats.processed, stats.duplicates) == (0, 1)
        assert await stored(system) == (["Welcome, Zoe! Your account is ready."], 1)


@pytest.mark.slow
async def test_events_recorded_while_rabbitmq_is_down_arrive_exactly_once_after_it_returns(
    exchange: str, tmp_path: Path
) -> None:
    async with (
        notifications(tmp_path, exchange) as system,
        producer_database(f"sqlite+aiosqlite:///{tmp_path / 'orders.db'}") as producer,
        relaying(producer, exchange) as relay,
    ):
        before = await producer.place_orders(5, prefix="before")
        await eventually(lambda: _count(system) == 5, what="the first five")
        stopped = False
        try:
            await asyncio.to_thread(rabbitmqctl, "stop_app")
            stopped = True
            during = await producer.place_orders(10, prefix="during")  # commits succeed: broker not needed
            await asyncio.sleep(1.0)
            assert await producer.unsent() == 10, "nothing can be published while the broker is down"
        finally:
            if stopped:
                await asyncio.to_thread(rabbitmqctl, "start_app")
        after = await producer.place_orders(5, prefix="after")
        await eventually(lambda: _count(system) == 20, timeout=45, what="all twenty after the restart")
        await asyncio.sleep(1.0)  # time for any duplicate to show up
        messages, processed = await stored(system)
        assert await producer.unsent() == 0
        assert relay.published >= 20
    expected = sorted(
        f"Your order {event.data.order_id} was placed: 2 items, total $12.50."  # type: ignore[attr-defined]
        for event in before + during + after
    )
    assert sorted(messages) == expected  # every event, once each
    assert processed == 20

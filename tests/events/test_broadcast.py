"""Broadcasts: a fact every listening process hears now (live notifications), on both transports.

Unlike events (a durable queue per consumer, acked after the handler's commit), a broadcast reaches
every listener of the moment and nobody else: on RabbitMQ each listening process has an exclusive,
auto-delete, non-durable queue of its own, gone with the process.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import aio_pika
import pytest
from aiormq.exceptions import ChannelNotFoundEntity

from subgraphs.common import InProcessBus, OutgoingMessage, RabbitMQBus, new_event
from subgraphs.notifications.app import create_app
from subgraphs.notifications.live import NOTIFICATION_CREATED

from ..subgraphs.harness import make_settings
from .testkit import AMQP_URL, eventually, order_placed, rabbitmq_exchange


class Heard:
    """A listener that records what it hears."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, bytes]] = []

    async def __call__(self, routing_key: str, body: bytes) -> None:
        self.messages.append((routing_key, body))


async def test_in_process_a_broadcast_reaches_every_matching_listener_and_no_one_after_it_stops() -> None:
    bus = InProcessBus.for_running_loop(exchange="test.broadcast")
    first, second, other = Heard(), Heard(), Heard()
    one = await bus.listen(["notification.*"], first)
    await bus.listen([NOTIFICATION_CREATED], second)
    await bus.listen(["order.#"], other)

    await bus.broadcast(NOTIFICATION_CREATED, b"[1]")
    await one.stop()
    await bus.broadcast(NOTIFICATION_CREATED, b"[2]")

    assert first.messages == [(NOTIFICATION_CREATED, b"[1]")]
    assert second.messages == [(NOTIFICATION_CREATED, b"[1]"), (NOTIFICATION_CREATED, b"[2]")]
    assert other.messages == []


async def test_in_process_a_broadcast_nobody_listens_to_is_dropped_not_failed() -> None:
    bus = InProcessBus.for_running_loop(exchange="test.broadcast.empty")
    await bus.broadcast(NOTIFICATION_CREATED, b"[]")  # no PublishFailed: nothing to keep it for


async def test_in_process_a_failing_listener_does_not_stop_the_others() -> None:
    bus = InProcessBus.for_running_loop(exchange="test.broadcast.failing")
    heard = Heard()

    async def broken(_key: str, _body: bytes) -> None:
        raise RuntimeError("listener bug")

    await bus.listen([NOTIFICATION_CREATED], broken)
    await bus.listen([NOTIFICATION_CREATED], heard)
    await bus.broadcast(NOTIFICATION_CREATED, b"[]")

    assert heard.messages == [(NOTIFICATION_CREATED, b"[]")]


@pytest.fixture
async def exchange() -> AsyncIterator[str]:
    async with rabbitmq_exchange(["notifications"]) as name:
        yield name


async def test_on_rabbitmq_every_process_hears_a_broadcast_through_its_own_exclusive_queue(
    exchange: str,
) -> None:
    async with AsyncExitStack() as stack:
        buses = [RabbitMQBus(url=AMQP_URL, exchange=exchange, connection_name=f"p{n}") for n in range(3)]
        for bus in buses:
            stack.push_async_callback(bus.close)
        publisher, *listeners = buses
        heard = [Heard(), Heard()]
        subscriptions = [
            await bus.listen([NOTIFICATION_CREATED], h) for bus, h in zip(listeners, heard, strict=True)
        ]
        for subscription in subscriptions:
            await asyncio.wait_for(subscription.ready.wait(), 10)

        await publisher.broadcast(NOTIFICATION_CREATED, b'["hello"]')
        await publisher.broadcast("something.else", b"[]")  # unbound: dropped, no error

        await eventually(lambda: all(h.messages for h in heard), what="both processes to hear it")
        await asyncio.sleep(0.2)
        assert [h.messages for h in heard] == [[(NOTIFICATION_CREATED, b'["hello"]')]] * 2

        # The queue is exclusive and auto-delete: stopping the listener removes it from the broker.
        gone = subscriptions[0].queue_name
        assert gone is not None and gone != subscriptions[1].queue_name
        await subscriptions[0].stop()
        await publisher.broadcast(NOTIFICATION_CREATED, b'["again"]')
        await eventually(lambda: len(heard[1].messages) == 2, what="the remaining listener")
        assert len(heard[0].messages) == 1
        assert not await _queue_exists(gone)


async def _queue_exists(name: str) -> bool:
    connection = await aio_pika.connect(AMQP_URL)
    try:
        channel = await connection.channel()
        try:
            await channel.declare_queue(name, passive=True)
        except ChannelNotFoundEntity:
            return False
        return True
    finally:
        await connection.close()


@asynccontextmanager
async def notifications_process(
    tmp_path: Path, exchange: str, *, background_tasks: bool
) -> AsyncIterator[Any]:
    """One notifications process on RabbitMQ (sharing one database file with the others); with
    ``background_tasks`` off it is an API replica whose consumer runs elsewhere (``supergraph worker``)."""
    settings = make_settings(
        event_bus_url=AMQP_URL, event_exchange=exchange, background_tasks=background_tasks
    )
    app = create_app(settings=settings, database_url=f"sqlite+aiosqlite:///{tmp_path / 'notifications.db'}")
    async with app.router.lifespan_context(app):
        await asyncio.wait_for(app.state.live_listener.ready.wait(), 10)
        if background_tasks:
            await asyncio.wait_for(app.state.event_subscription.ready.wait(), 10)
        yield app


async def test_a_notification_stored_by_one_process_reaches_subscribers_of_every_api_process(
    tmp_path: Path, exchange: str
) -> None:
    async with (
        notifications_process(tmp_path, exchange, background_tasks=True) as consumer,
        notifications_process(tmp_path, exchange, background_tasks=False) as api,
    ):
        streams = [app.state.notification_feed.stream("user-2") for app in (consumer, api)]
        pending = [asyncio.ensure_future(anext(stream)) for stream in streams]
        await eventually(
            lambda: all(
                app.state.notification_feed.subscriber_count("user-2") == 1 for app in (consumer, api)
            ),
            what="a subscriber in each process",
        )
        publisher = RabbitMQBus(url=AMQP_URL, exchange=exchange)
        try:
            event = new_event(order_placed("order-across", "user-2"), source="test")
            await publisher.publish(
                OutgoingMessage(event_id=event.id, event_type=event.type, body=event.to_json())
            )
        finally:
            await publisher.close()

        heard = await asyncio.wait_for(asyncio.gather(*pending), 15)
        for stream in streams:
            await stream.aclose()

    assert [n.message for n in heard] == ["Your order order-across was placed: 2 items, total $12.50."] * 2
    assert heard[0].id == heard[1].id and heard[0].user_id == "user-2"

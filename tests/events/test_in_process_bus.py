"""The in-process bus: the RabbitMQ contract (routing, retry, dead letters, prefetch) in one loop."""

from __future__ import annotations

import asyncio
import logging

import pytest

from subgraphs.common import (
    Delivery,
    InProcessBus,
    OutgoingMessage,
    PoisonMessage,
    PublishFailed,
    RetryPolicy,
    open_event_bus,
)
from subgraphs.common.bus import topic_matches

from .testkit import eventually

FAST_RETRY = RetryPolicy(max_attempts=3, first_delay=0.01, max_delay=0.05)


def message(event_id: str, event_type: str = "OrderPlaced") -> OutgoingMessage:
    return OutgoingMessage(event_id=event_id, event_type=event_type, body=b"{}")


@pytest.mark.parametrize(
    ("pattern", "key", "matches"),
    [
        ("OrderPlaced", "OrderPlaced", True),
        ("OrderPlaced", "OrderCancelled", False),
        ("#", "OrderPlaced", True),
        ("*", "OrderPlaced", True),
        ("orders.*", "orders.placed", True),
        ("orders.*", "orders.placed.v2", False),
        ("orders.#", "orders.placed.v2", True),
        ("orders.#", "orders", True),
        ("*.placed", "orders.placed", True),
    ],
)
def test_routing_keys_match_like_an_amqp_topic_exchange(pattern: str, key: str, matches: bool) -> None:
    assert topic_matches(pattern, key) is matches


async def test_each_consumer_gets_only_the_event_types_it_is_bound_to() -> None:
    bus = InProcessBus()
    orders: list[str] = []
    everything: list[str] = []

    async def on_orders(delivery: Delivery) -> None:
        orders.append(delivery.event_id)

    async def on_everything(delivery: Delivery) -> None:
        everything.append(delivery.event_id)

    await bus.subscribe("orders", on_orders, routing_keys=["OrderPlaced", "OrderCancelled"], prefetch=1)
    await bus.subscribe("all", on_everything, routing_keys=["#"], prefetch=1)
    for event_id, event_type in [("a", "OrderPlaced"), ("b", "StockLow"), ("c", "OrderCancelled")]:
        await bus.publish(message(event_id, event_type))
    await eventually(lambda: len(everything) == 3 and len(orders) == 2)
    assert orders == ["a", "c"]


async def test_a_message_nobody_is_bound_to_is_not_accepted() -> None:
    with pytest.raises(PublishFailed, match="no queue is bound for StockLow"):
        await InProcessBus().publish(message("a", "StockLow"))


async def test_a_failing_handler_is_retried_with_growing_back_off_until_it_succeeds() -> None:
    bus = InProcessBus(retry=RetryPolicy(max_attempts=5, first_delay=0.05, max_delay=1))
    seen: list[tuple[int, float]] = []
    loop = asyncio.get_running_loop()

    async def flaky(delivery: Delivery) -> None:
        seen.append((delivery.attempt, loop.time()))
        if delivery.attempt < 3:
            raise ConnectionError("database is down")

    await bus.subscribe("c", flaky, routing_keys=["#"], prefetch=1)
    await bus.publish(message("a"))
    await eventually(lambda: len(seen) == 3, timeout=3)
    await asyncio.sleep(0.2)
    assert [attempt for attempt, _ in seen] == [1, 2, 3]
    first_gap, second_gap = seen[1][1] - seen[0][1], seen[2][1] - seen[1][1]
    assert first_gap >= 0.05 and second_gap >= 0.1  # 0.05 s, then doubled
    assert bus.dead_letters("c") == []


async def test_a_poison_message_is_dead_lettered_at_once_and_the_consumer_keeps_going(
    caplog: pytest.LogCaptureFixture,
) -> None:
    bus = InProcessBus(retry=FAST_RETRY)
    handled: list[str] = []

    async def handler(delivery: Delivery) -> None:
        if delivery.event_id == "bad":
            raise PoisonMessage("cannot be parsed")
        handled.append(delivery.event_id)

    await bus.subscribe("c", handler, routing_keys=["#"], prefetch=1)
    with caplog.at_level(logging.ERROR, logger="subgraphs.events"):
        for event_id in ["bad", "good"]:
            await bus.publish(message(event_id))
        await eventually(lambda: handled == ["good"])
    assert [(d.event_id, d.attempt) for d in bus.dead_letters("c")] == [("bad", 1)]
    assert "dead-lettered event bad (OrderPlaced) from c: poison: cannot be parsed" in caplog.text


async def test_a_message_that_keeps_failing_is_dead_lettered_after_the_last_attempt() -> None:
    bus = InProcessBus(retry=FAST_RETRY)
    attempts: list[int] = []

    async def always_fails(delivery: Delivery) -> None:
        attempts.append(delivery.attempt)
        raise RuntimeError("bug")

    await bus.subscribe("c", always_fails, routing_keys=["#"], prefetch=1)
    await bus.publish(message("a"))
    await eventually(lambda: bus.dead_letters("c") != [], timeout=3)
    assert attempts == [1, 2, 3]


async def test_prefetch_bounds_how_many_messages_are_handled_at_once() -> None:
    bus = InProcessBus()
    running = peak = done = 0

    async def slow(delivery: Delivery) -> None:
        nonlocal running, peak, done
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.01)
        running -= 1
        done += 1

    await bus.subscribe("c", slow, routing_keys=["#"], prefetch=3)
    for n in range(20):
        await bus.publish(message(f"e{n}"))
    await eventually(lambda: done == 20)
    assert peak == 3


async def test_stopping_lets_the_running_handler_finish_and_keeps_the_rest_queued() -> None:
    bus = InProcessBus()
    started, release = asyncio.Event(), asyncio.Event()
    finished: list[str] = []

    async def handler(delivery: Delivery) -> None:
        started.set()
        await release.wait()
        finished.append(delivery.event_id)

    subscription = await bus.subscribe("c", handler, routing_keys=["#"], prefetch=1)
    await bus.publish(message("first"))
    await bus.publish(message("second"))
    await started.wait()
    stopping = asyncio.create_task(subscription.stop())
    await asyncio.sleep(0.02)
    assert not stopping.done()
    release.set()
    await stopping
    assert finished == ["first"]
    assert bus.pending("c") == 1  # kept for the next subscription, like a durable queue


async def test_apps_in_one_event_loop_share_one_bus_per_exchange() -> None:
    async with open_event_bus(None) as first, open_event_bus("memory://") as second:
        assert first is second
    async with open_event_bus(None, exchange="other") as third:
        assert third is not first


async def test_an_unknown_bus_url_fails_with_what_to_change() -> None:
    with pytest.raises(ValueError, match="EVENT_BUS_URL must be unset, memory:// or amqp://"):
        async with open_event_bus("kafka://localhost:9092"):
            pass

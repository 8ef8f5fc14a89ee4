"""The event pipeline's Prometheus metrics: what the relay published or failed to, the outbox backlog
read from its table, and each consumer's deliveries by outcome - on the in-process bus and on the
real RabbitMQ."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import strawberry
from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import insert

from subgraphs.common import (
    Delivery,
    InProcessBus,
    OutboxRelay,
    Outcome,
    OutgoingMessage,
    PoisonMessage,
    RabbitMQBus,
    RetryPolicy,
    SubgraphSpec,
    combined_exposition,
    create_subgraph_app,
    federated_schema,
    new_event,
    open_event_bus,
    outbox_relay,
    record_event,
)
from subgraphs.notifications.app import create_app as notifications_app

from ..subgraphs.harness import make_settings
from .testkit import (
    AMQP_URL,
    ORDERS,
    PRODUCER_METADATA,
    eventually,
    now,
    order_placed,
    rabbitmq_exchange,
    unique_exchange,
)


@strawberry.type
class Query:
    @strawberry.field
    def ping(self) -> bool:
        return True


#: A stand-in domain subgraph with an outbox and the in-process relay, like orders.
SHOP = SubgraphSpec(
    name="shop", schema=federated_schema(query=Query), metadata=PRODUCER_METADATA, background=(outbox_relay,)
)


def samples(exposition: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
    }


def value(exposition: str, name: str, **labels: str) -> float | None:
    return samples(exposition).get((name, frozenset(labels.items())))


async def scrape(app: FastAPI) -> str:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://app") as client:
        response = await client.get("/metrics")
    assert response.status_code == 200
    return response.text


def deliveries(exposition: str, consumer: str, outcome: str, *, subgraph: str = "notifications") -> float:
    found = value(
        exposition,
        "subgraph_event_deliveries_total",
        subgraph=subgraph,
        consumer=consumer,
        type="OrderPlaced",
        outcome=outcome,
    )
    return found or 0.0


# -- the bus reports each delivery's outcome ------------------------------------------------------


@pytest.mark.parametrize("transport", ["in-process", "rabbitmq"])
async def test_the_bus_reports_processed_duplicate_retried_and_dead_lettered_deliveries(
    transport: str,
) -> None:
    """One handler, five messages: processed, a duplicate, poison, one that fails once, one that
    always fails (two attempts allowed). Both transports report the same outcomes."""
    failures: dict[str, int] = {}

    async def handler(delivery: Delivery) -> Outcome | None:
        kind = delivery.event_id.split("-")[0]
        if kind == "dup":
            return Outcome.DUPLICATE
        if kind == "poison":
            raise PoisonMessage("unreadable")
        if kind == "flaky" and failures.setdefault(delivery.event_id, 0) == 0:
            failures[delivery.event_id] = 1
            raise RuntimeError("database briefly down")
        if kind == "broken":
            raise RuntimeError("database down")
        return None

    seen: list[tuple[str, Outcome, float]] = []

    def observe(delivery: Delivery, outcome: Outcome, seconds: float) -> None:
        seen.append((delivery.event_id, outcome, seconds))

    retry = RetryPolicy(max_attempts=2, first_delay=0.05)
    ids = ["ok-1", "dup-1", "poison-1", "flaky-1", "broken-1"]
    async with AsyncExitStack() as stack:
        if transport == "rabbitmq":
            exchange = await stack.enter_async_context(rabbitmq_exchange(["metrics"]))
            bus = RabbitMQBus(url=AMQP_URL, exchange=exchange, retry=retry)
            stack.push_async_callback(bus.close)
        else:
            bus = InProcessBus(retry=retry)
        subscription = await bus.subscribe(
            "metrics", handler, routing_keys=["OrderPlaced"], prefetch=1, observe=observe
        )
        await asyncio.wait_for(subscription.ready.wait(), 10)
        for event_id in ids:
            await bus.publish(OutgoingMessage(event_id=event_id, event_type="OrderPlaced", body=b"{}"))
        await eventually(lambda: len(seen) == 7, what="seven settled deliveries")
        await subscription.stop()

    outcomes: dict[str, list[Outcome]] = {}
    for event_id, outcome, seconds in seen:
        outcomes.setdefault(event_id, []).append(outcome)
        assert seconds >= 0
    assert outcomes == {
        "ok-1": [Outcome.PROCESSED],
        "dup-1": [Outcome.DUPLICATE],
        "poison-1": [Outcome.DEAD_LETTERED],
        "flaky-1": [Outcome.RETRIED, Outcome.PROCESSED],
        "broken-1": [Outcome.RETRIED, Outcome.DEAD_LETTERED],
    }


async def test_a_failing_observer_never_stops_the_consumer() -> None:
    handled: list[str] = []

    async def handler(delivery: Delivery) -> None:
        handled.append(delivery.event_id)

    def observe(_delivery: Delivery, _outcome: Outcome, _seconds: float) -> None:
        raise RuntimeError("metrics broke")

    bus = InProcessBus()
    subscription = await bus.subscribe("c", handler, routing_keys=["#"], prefetch=1, observe=observe)
    for n in range(2):
        await bus.publish(OutgoingMessage(event_id=f"e-{n}", event_type="OrderPlaced", body=b"{}"))
    await eventually(lambda: handled == ["e-0", "e-1"], what="both handled")
    await subscription.stop()


# -- the subgraphs' /metrics ----------------------------------------------------------------------


@pytest.mark.parametrize("transport", ["in-process", "rabbitmq"])
async def test_metrics_count_published_processed_duplicate_and_dead_lettered_events(
    transport: str, tmp_path: Path
) -> None:
    async with AsyncExitStack() as stack:
        overrides: dict[str, object] = {"event_relay_interval_seconds": 0.2, "event_max_attempts": 2}
        if transport == "rabbitmq":
            overrides["event_exchange"] = await stack.enter_async_context(
                rabbitmq_exchange(["notifications"])
            )
            overrides["event_bus_url"] = AMQP_URL
        else:
            overrides["event_exchange"] = unique_exchange()
        settings = make_settings(**overrides)
        shop = create_subgraph_app(
            SHOP, settings=settings, database_url=f"sqlite+aiosqlite:///{tmp_path / 's.db'}"
        )
        notifications = notifications_app(
            settings=settings, database_url=f"sqlite+aiosqlite:///{tmp_path / 'n.db'}"
        )
        await stack.enter_async_context(notifications.router.lifespan_context(notifications))
        await stack.enter_async_context(shop.router.lifespan_context(shop))
        await asyncio.wait_for(notifications.state.event_subscription.ready.wait(), 10)

        async with shop.state.database.session() as session:
            await session.execute(insert(ORDERS).values(id="order-1", user_id="user-2"))
            placed = await record_event(session, order_placed("order-1"), source="shop")
            await session.commit()
        stats = notifications.state.notification_stats
        await eventually(lambda: stats.processed == 1, what="the order's notification")
        # A redelivery of the same event, then a message no handler can read.
        bus = await stack.enter_async_context(
            open_event_bus(settings.event_bus_url, exchange=settings.event_exchange)
        )
        body = placed.to_json()
        await bus.publish(OutgoingMessage(event_id=placed.id, event_type="OrderPlaced", body=body))
        await bus.publish(OutgoingMessage(event_id="garbled", event_type="OrderPlaced", body=b"not json"))

        async def settled() -> bool:
            text = await scrape(notifications)
            # Both: a consumer with prefetch > 1 may settle them in either order.
            counts = [
                deliveries(text, "notifications", outcome) for outcome in ("dead_lettered", "duplicate")
            ]
            return counts == [1, 1]

        await eventually(settled, what="the redelivery and the poison message settled")
        consumed, produced = await scrape(notifications), await scrape(shop)

    assert value(produced, "subgraph_outbox_published_total", subgraph="shop", type="OrderPlaced") == 1
    assert value(produced, "subgraph_outbox_backlog", subgraph="shop") == 0
    assert deliveries(consumed, "notifications", "processed") == 1
    assert deliveries(consumed, "notifications", "duplicate") == 1
    assert deliveries(consumed, "notifications", "dead_lettered") == 1
    assert deliveries(consumed, "notifications", "retried") == 0
    assert (
        value(
            consumed,
            "subgraph_event_handler_duration_seconds_count",
            subgraph="notifications",
            consumer="notifications",
            type="OrderPlaced",
        )
        == 3
    )


async def test_the_backlog_and_oldest_age_are_read_from_unsent_rows_when_no_relay_runs(
    database_url: str,
) -> None:
    """An API replica with BACKGROUND_TASKS=false records events nobody publishes: its /metrics
    shows them waiting; once a relay publishes them, the backlog is empty again."""
    settings = make_settings(background_tasks=False, event_exchange=unique_exchange())
    shop = create_subgraph_app(SHOP, settings=settings, database_url=database_url)
    async with shop.router.lifespan_context(shop):
        empty = await scrape(shop)
        old = new_event(order_placed("order-old"), source="shop")
        old = old.model_copy(update={"occurred_at": now() - timedelta(seconds=90)})
        async with shop.state.database.session() as session:
            for payload in (old, order_placed("order-2"), order_placed("order-3")):
                await record_event(session, payload, source="shop")
            await session.commit()
        waiting = await scrape(shop)

        bus = InProcessBus(exchange=settings.event_exchange)
        await bus.subscribe("collector", _ignore, routing_keys=["#"], prefetch=1)
        relay = OutboxRelay(database=shop.state.database, bus=bus, name="shop", metrics=shop.state.metrics)
        assert await relay.publish_pending() == 3
        drained = await scrape(shop)

    assert value(empty, "subgraph_outbox_backlog", subgraph="shop") == 0
    assert value(empty, "subgraph_outbox_oldest_unsent_seconds", subgraph="shop") == 0
    assert value(waiting, "subgraph_outbox_backlog", subgraph="shop") == 3
    assert 90 <= (value(waiting, "subgraph_outbox_oldest_unsent_seconds", subgraph="shop") or 0) < 120
    assert value(drained, "subgraph_outbox_backlog", subgraph="shop") == 0
    assert value(drained, "subgraph_outbox_oldest_unsent_seconds", subgraph="shop") == 0
    assert value(drained, "subgraph_outbox_published_total", subgraph="shop", type="OrderPlaced") == 3


async def _ignore(_delivery: Delivery) -> None:
    return None


async def test_publish_failures_are_counted_and_the_events_stay_in_the_backlog(tmp_path: Path) -> None:
    """RabbitMQ returns a mandatory message no queue is bound for: not published, counted, kept."""
    async with rabbitmq_exchange(()) as exchange:
        settings = make_settings(
            event_bus_url=AMQP_URL, event_exchange=exchange, event_relay_interval_seconds=0.1
        )
        shop = create_subgraph_app(
            SHOP, settings=settings, database_url=f"sqlite+aiosqlite:///{tmp_path / 's.db'}"
        )
        async with shop.router.lifespan_context(shop):
            async with shop.state.database.session() as session:
                await record_event(session, order_placed("order-1"), source="shop")
                await session.commit()

            async def failed() -> bool:
                text = await scrape(shop)
                found = value(
                    text, "subgraph_outbox_publish_failures_total", subgraph="shop", type="OrderPlaced"
                )
                return bool(found)

            await eventually(failed, what="a failed publish counted")
            text = await scrape(shop)

    assert value(text, "subgraph_outbox_backlog", subgraph="shop") == 1
    assert not value(text, "subgraph_outbox_published_total", subgraph="shop", type="OrderPlaced")


async def test_an_unregistered_event_type_is_counted_under_other_so_labels_stay_bounded() -> None:
    app = notifications_app(settings=make_settings(), database_url="sqlite+aiosqlite://")
    observe = app.state.metrics.delivery_observer("notifications")
    for n in range(5):
        observe(Delivery(event_id=f"e-{n}", event_type=f"Made-Up-{n}", body=b""), Outcome.DEAD_LETTERED, 0.01)
    text = await scrape(app)

    assert deliveries(text, "notifications", "dead_lettered") == 0
    assert (
        value(
            text,
            "subgraph_event_deliveries_total",
            subgraph="notifications",
            consumer="notifications",
            type="(other)",
            outcome="dead_lettered",
        )
        == 5
    )


async def test_several_apps_metrics_combine_into_one_exposition_with_each_family_once(tmp_path: Path) -> None:
    """What ``supergraph worker`` serves: one family per name, every app's samples in it."""
    settings = make_settings(background_tasks=False)
    shop = create_subgraph_app(
        SHOP, settings=settings, database_url=f"sqlite+aiosqlite:///{tmp_path / 's.db'}"
    )
    notifications = notifications_app(
        settings=settings, database_url=f"sqlite+aiosqlite:///{tmp_path / 'n.db'}"
    )
    async with shop.router.lifespan_context(shop), notifications.router.lifespan_context(notifications):
        notifications.state.metrics.delivery_observer("notifications")(
            Delivery(event_id="e", event_type="OrderPlaced", body=b""), Outcome.PROCESSED, 0.01
        )
        shop.state.metrics.events_published(["OrderPlaced"])
        text = (await combined_exposition([shop.state.metrics, notifications.state.metrics])).decode()

    names = [family.name for family in text_string_to_metric_families(text)]
    assert len(names) == len(set(names))
    assert deliveries(text, "notifications", "processed") == 1
    assert value(text, "subgraph_outbox_published_total", subgraph="shop", type="OrderPlaced") == 1
    assert value(text, "subgraph_outbox_backlog", subgraph="shop") == 0

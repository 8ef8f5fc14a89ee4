"""Over the real RabbitMQ, an order's event stays in the order's trace: the relay sends the publish
span's W3C ``traceparent`` as an AMQP message header, and the notifications consumer's span
continues it (Trace Context, Level 1, carried in message headers)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import aio_pika
import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from subgraphs.common import OutgoingMessage, RabbitMQBus, new_event

from ..events.testkit import (
    AMQP_URL,
    PLATFORM_CONSUMERS,
    eventually,
    order_placed,
    rabbitmq_exchange,
)
from .conftest import by_name, running_platform

PLACE_ORDER = 'mutation PlaceOrder { placeOrder(items: [{productId: "product-2", quantity: 1}]) { id } }'


@pytest.fixture
async def exchange() -> AsyncIterator[str]:
    async with rabbitmq_exchange(PLATFORM_CONSUMERS) as name:
        yield name


async def test_the_notification_consumers_span_continues_the_orders_trace_from_the_message_header(
    spans: InMemorySpanExporter, tmp_path: Path, exchange: str
) -> None:
    connection = await aio_pika.connect(AMQP_URL, timeout=5)
    try:
        channel = await connection.channel()
        topic = await channel.declare_exchange(exchange, aio_pika.ExchangeType.TOPIC, durable=True)
        # A second queue on the exchange sees the very message the consumer gets.
        probe = await channel.declare_queue(exclusive=True, auto_delete=True)
        await probe.bind(topic, routing_key="OrderPlaced")
        async with running_platform(
            tmp_path, tracing=True, event_bus_url=AMQP_URL, event_exchange=exchange
        ) as platform:
            subscription = platform.system.apps["notifications"].state.event_subscription
            await asyncio.wait_for(subscription.ready.wait(), 15)
            placed = await platform.graphql(PLACE_ORDER, user="user-3")
            assert "errors" not in placed, placed
            await eventually(
                lambda: bool(by_name(spans.get_finished_spans(), "consume OrderPlaced")),
                what="the consumer's span",
            )
        message = await probe.get(timeout=5)
        await message.ack()
    finally:
        await connection.close()

    finished = spans.get_finished_spans()
    [request] = by_name(finished, "graphql PlaceOrder")
    [publish] = by_name(finished, "publish OrderPlaced")
    [consume] = by_name(finished, "consume OrderPlaced")
    trace_id = format(request.context.trace_id, "032x")
    header = (message.headers or {}).get("traceparent")
    assert isinstance(header, str), message.headers
    _version, header_trace, header_parent, _flags = header.split("-")
    assert header_trace == trace_id
    assert header_parent == format(publish.context.span_id, "016x")
    assert consume.kind is SpanKind.CONSUMER
    assert consume.context.trace_id == request.context.trace_id
    assert consume.parent is not None and consume.parent.is_remote
    assert consume.parent.span_id == publish.context.span_id
    assert by_name(
        [span for span in finished if span.context.trace_id == request.context.trace_id],
        "notifications db INSERT",
    )


async def test_without_the_header_the_consumer_continues_the_trace_the_event_body_kept(
    spans: InMemorySpanExporter, tmp_path: Path, exchange: str
) -> None:
    recorded_in = "4bf92f3577b34da6a3ce929d0e0e4736"
    event = new_event(order_placed("order-untraced-relay"), source="orders").model_copy(
        update={"traceparent": f"00-{recorded_in}-00f067aa0ba902b7-01"}
    )
    async with running_platform(
        tmp_path, tracing=True, event_bus_url=AMQP_URL, event_exchange=exchange
    ) as platform:
        await asyncio.wait_for(
            platform.system.apps["notifications"].state.event_subscription.ready.wait(), 15
        )
        relay_without_tracing = RabbitMQBus(url=AMQP_URL, exchange=exchange)
        try:
            await relay_without_tracing.publish(
                OutgoingMessage(event_id=event.id, event_type=event.type, body=event.to_json())
            )
        finally:
            await relay_without_tracing.close()
        await eventually(
            lambda: bool(by_name(spans.get_finished_spans(), "consume OrderPlaced")),
            what="the consumer's span",
        )

    [consume] = by_name(spans.get_finished_spans(), "consume OrderPlaced")
    assert format(consume.context.trace_id, "032x") == recorded_in

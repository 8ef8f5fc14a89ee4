"""Running an event consumer beside a subgraph app: what every consumer (notifications, the cache
invalidators) does the same way, so each domain writes only its handler.

:func:`consuming` opens the bus the settings name (in-process or RabbitMQ, with the configured retry
back-off), subscribes ``consumer`` to ``routing_keys`` with bounded prefetch and the app's delivery
metrics, wraps each delivery in a consumer span that continues the trace of the request that
recorded the event (when tracing is on), registers the subscription for the readiness check
(``app.state.subscriptions``), and on exit stops it: handlers in flight finish and ack first.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from opentelemetry.trace import SpanKind

from .bus import Delivery, Handler, Outcome, RetryPolicy, Subscription, open_event_bus
from .tracing import subgraph_tracer, traced

if TYPE_CHECKING:
    from fastapi import FastAPI

    from .settings import SubgraphSettings

__all__ = ["consuming"]


@asynccontextmanager
async def consuming(
    app: FastAPI,
    consumer: str,
    handler: Handler,
    *,
    routing_keys: Sequence[str],
    traceparent_of: Callable[[Delivery], str | None] = lambda delivery: delivery.traceparent,
) -> AsyncIterator[Subscription]:
    """Consume ``routing_keys`` under the durable queue ``consumer`` while the block runs.

    ``traceparent_of`` says which trace a delivery continues (default: the message header).
    """
    settings: SubgraphSettings = app.state.settings
    tracer = subgraph_tracer(settings, service_name=app.state.name)

    async def traced_handler(delivery: Delivery) -> Outcome | None:
        if tracer is None:
            return await handler(delivery)
        with traced(
            tracer,
            f"consume {delivery.event_type}",
            traceparent=traceparent_of(delivery),
            kind=SpanKind.CONSUMER,
            **{"messaging.message.id": delivery.event_id, "messaging.consumer.group.name": consumer},
        ):
            return await handler(delivery)

    async with open_event_bus(
        settings.event_bus_url,
        exchange=settings.event_exchange,
        retry=RetryPolicy(
            max_attempts=settings.event_max_attempts, first_delay=settings.event_retry_delay_seconds
        ),
        connection_name=f"{consumer}-consumer",
    ) as bus:
        subscription = await bus.subscribe(
            consumer,
            traced_handler,
            routing_keys=routing_keys,
            prefetch=settings.event_prefetch,
            observe=app.state.metrics.delivery_observer(consumer),
        )
        app.state.subscriptions[consumer] = subscription
        try:
            yield subscription
        finally:
            await subscription.stop()

"""Cache invalidation by events over the real RabbitMQ: the products service consumes its own
ProductChanged events from one durable queue of its deployable (``<exchange>.products-cache``) and
invalidates its entity cache in Redis, so a write whose writer never invalidated is not read stale."""

from __future__ import annotations

import asyncio
from pathlib import Path

from subgraphs.common import RabbitMQBus
from subgraphs.products.loaders import CACHE_CONSUMER
from subgraphs.products.models import update_product

from ..subgraphs.entity_cache import invalidations_processed, redis_namespace
from ..subgraphs.harness import start_system
from .testkit import AMQP_URL, require_rabbitmq, unique_exchange

PRODUCT = '{ product(id: "product-1") { name } }'


async def test_over_rabbitmq_a_write_that_skipped_its_invalidation_is_invalidated_by_its_event(
    tmp_path: Path,
) -> None:
    await require_rabbitmq()
    exchange = unique_exchange()
    bus_settings = {
        "event_bus_url": AMQP_URL,
        "event_exchange": exchange,
        "event_relay_interval_seconds": 0.2,
    }
    try:
        async with (
            redis_namespace() as cache_settings,
            start_system(
                ["products"], backend="sqlite", tmp_path=tmp_path, **cache_settings, **bus_settings
            ) as system,
        ):
            app = system.apps["products"]
            await asyncio.wait_for(app.state.cache_subscription.ready.wait(), 15)
            before = await system.graphql("products", PRODUCT)  # now cached
            # Written beside the subgraph (as another deployable would): nothing invalidated in-process.
            async with app.state.database.session() as session:
                await update_product(session, "product-1", {"name": "Over RabbitMQ"})
            await invalidations_processed(app, 1, timeout=20)
            after = await system.graphql("products", PRODUCT)
            published = app.state.outbox_relay.published
            queue = await _declared_queue(f"{exchange}.{CACHE_CONSUMER}")
    finally:
        cleanup = RabbitMQBus(url=AMQP_URL, exchange=exchange)
        try:
            await cleanup.delete_topology([CACHE_CONSUMER])
        finally:
            await cleanup.close()
    assert before == {"data": {"product": {"name": "The Pragmatic Programmer"}}}
    assert after == {"data": {"product": {"name": "Over RabbitMQ"}}}
    assert published == 1
    assert queue == (f"{exchange}.products-cache", 0)


async def _declared_queue(name: str) -> tuple[str, int]:
    """(name, messages waiting) of a queue the broker has (a passive declare fails otherwise)."""
    import aio_pika

    connection = await aio_pika.connect(AMQP_URL, timeout=5)
    try:
        channel = await connection.channel()
        queue = await channel.declare_queue(name, passive=True)
        return queue.name, queue.declaration_result.message_count or 0
    finally:
        await connection.close()

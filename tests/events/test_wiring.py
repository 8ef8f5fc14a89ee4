"""A subgraph wired the way the domain subgraphs are: ``background=(outbox_relay,)`` in its spec.

A stand-in "shop" subgraph records events in its own transactions; its in-process relay delivers
them to the notifications subgraph - on the in-process bus (both apps in one event loop, as in
``supergraph dev``) and on RabbitMQ (``EVENT_BUS_URL``).
"""

from __future__ import annotations

from contextlib import AsyncExitStack
from dataclasses import replace
from pathlib import Path

import pytest
import strawberry
from sqlalchemy import MetaData, insert, select

from subgraphs.common import (
    RabbitMQBus,
    SubgraphSpec,
    UserRegistered,
    create_subgraph_app,
    federated_schema,
    outbox_relay,
    record_event,
)
from subgraphs.notifications.app import create_app as notifications_app
from subgraphs.notifications.models import NotificationRow

from ..subgraphs.harness import make_settings
from .testkit import (
    AMQP_URL,
    ORDERS,
    PRODUCER_METADATA,
    eventually,
    order_placed,
    require_rabbitmq,
    unique_exchange,
)


@strawberry.type
class Query:
    @strawberry.field
    def ping(self) -> bool:
        return True


SHOP = SubgraphSpec(
    name="shop",
    schema=federated_schema(query=Query),
    metadata=PRODUCER_METADATA,
    background=(outbox_relay,),
)


@pytest.mark.parametrize("bus", ["in-process", "rabbitmq"])
async def test_a_subgraph_with_the_outbox_relay_notifies_through_the_configured_bus(
    bus: str, tmp_path: Path
) -> None:
    overrides: dict[str, object] = {"event_exchange": unique_exchange(), "event_relay_interval_seconds": 0.2}
    if bus == "rabbitmq":
        await require_rabbitmq()
        overrides["event_bus_url"] = AMQP_URL
    settings = make_settings(**overrides)
    shop = create_subgraph_app(
        SHOP, settings=settings, database_url=f"sqlite+aiosqlite:///{tmp_path / 'shop.db'}"
    )
    notifications = notifications_app(
        settings=settings, database_url=f"sqlite+aiosqlite:///{tmp_path / 'notifications.db'}"
    )
    try:
        async with AsyncExitStack() as stack:
            await stack.enter_async_context(notifications.router.lifespan_context(notifications))
            await stack.enter_async_context(shop.router.lifespan_context(shop))
            async with shop.state.database.session() as session:
                await session.execute(insert(ORDERS).values(id="order-7", user_id="user-2"))
                await record_event(session, order_placed("order-7"), source="shop")
                await record_event(session, UserRegistered(user_id="user-2", name="Alice"), source="shop")
                await session.commit()
            stats = notifications.state.notification_stats
            await eventually(lambda: stats.processed == 2, what="both events as notifications")
            async with notifications.state.database.session() as session:
                messages = set(await session.scalars(select(NotificationRow.message)))
            assert shop.state.outbox_relay.published == 2
    finally:
        if bus == "rabbitmq":
            cleanup = RabbitMQBus(url=AMQP_URL, exchange=settings.event_exchange)
            await cleanup.delete_topology(["notifications"])
            await cleanup.close()
    assert messages == {
        "Your order order-7 was placed: 2 items, total $12.50.",
        "Welcome, Alice! Your account is ready.",
    }


async def test_a_subgraph_with_the_relay_but_no_outbox_table_fails_at_start_up_saying_what_to_add(
    tmp_path: Path,
) -> None:
    bare = replace(SHOP, name="bare", metadata=MetaData())
    app = create_subgraph_app(
        bare, settings=make_settings(), database_url=f"sqlite+aiosqlite:///{tmp_path / 'b.db'}"
    )
    with pytest.raises(RuntimeError, match=r"call outbox_table\(Base.metadata\) in the subgraph's models.py"):
        async with app.router.lifespan_context(app):
            pass

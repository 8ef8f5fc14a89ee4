"""``notificationAdded``: the viewer's new notifications over the subgraph's own WebSocket
(graphql-transport-ws on ``/graphql``), fed by the consumer's broadcast after each commit."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime

import pytest

from router.executor import Claims
from router.server._auth import RouterAuth
from subgraphs.notifications.live import LiveNotification, NotificationFeed, SubscriberTooSlow

from ...events.testkit import eventually, order_placed
from ...live_testkit import graphql_ws, receive, send, serving
from ..harness import System
from .conftest import deliver

ADDED = "subscription { notificationAdded { id kind message readAt user { id } } }"


@asynccontextmanager
async def live(
    system_factory: Callable[..., AbstractAsyncContextManager[System]],
) -> AsyncIterator[tuple[System, str]]:
    async with system_factory("notifications") as system, serving(system.apps["notifications"]) as address:
        yield system, address


def subscribers(system: System, user_id: str) -> int:
    count: int = system.apps["notifications"].state.notification_feed.subscriber_count(user_id)
    return count


async def test_a_signed_in_viewer_receives_each_notification_as_it_is_stored(system_factory) -> None:
    async with live(system_factory) as (system, address):
        token = system.token_for("user-2")
        async with graphql_ws(address, payload={"Authorization": f"Bearer {token}"}) as ws:
            await send(ws, {"id": "1", "type": "subscribe", "payload": {"query": ADDED}})
            await eventually(lambda: subscribers(system, "user-2") == 1, what="the subscription")

            await deliver(system, order_placed("order-77", "user-2"))

            message = await receive(ws)
    assert message["type"] == "next" and message["id"] == "1"
    added = message["payload"]["data"]["notificationAdded"]
    assert added["kind"] == "ORDER_PLACED"
    assert added["message"] == "Your order order-77 was placed: 2 items, total $12.50."
    assert added["id"].startswith("notification-")
    assert added["readAt"] is None
    assert added["user"] == {"id": "user-2"}


async def test_only_the_owner_hears_of_a_notification(system_factory) -> None:
    async with live(system_factory) as (system, address):
        token = system.token_for("user-3")
        async with graphql_ws(address, payload={"Authorization": f"Bearer {token}"}) as ws:
            await send(ws, {"id": "1", "type": "subscribe", "payload": {"query": ADDED}})
            await eventually(lambda: subscribers(system, "user-3") == 1, what="the subscription")

            await deliver(
                system, order_placed("order-for-2", "user-2"), order_placed("order-for-3", "user-3")
            )

            message = await receive(ws)
    assert "order-for-3" in message["payload"]["data"]["notificationAdded"]["message"]


async def test_the_routers_signed_claims_on_the_upgrade_request_identify_the_viewer(system_factory) -> None:
    async with live(system_factory) as (system, address):
        auth = RouterAuth(secret="s" * 32, internal_secret=system.settings.internal_claims_secret)
        claims = auth.internal_headers(Claims(subject="user-4", extra={"role": "customer"}))
        async with graphql_ws(address, headers=claims) as ws:
            await send(ws, {"id": "1", "type": "subscribe", "payload": {"query": ADDED}})
            await eventually(lambda: subscribers(system, "user-4") == 1, what="the subscription")


async def test_a_forged_claims_header_is_unauthenticated(system_factory) -> None:
    async with live(system_factory) as (_system, address):
        forged = RouterAuth(secret="s" * 32, internal_secret="not-the-secret-" * 4)
        headers = forged.internal_headers(Claims(subject="user-2", extra={"role": "admin"}))
        async with graphql_ws(address, headers=headers) as ws:
            await send(ws, {"id": "1", "type": "subscribe", "payload": {"query": ADDED}})
            message = await receive(ws)
    assert message["payload"]["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "X-Supergraph-Claims" in message["payload"]["errors"][0]["message"]


async def test_an_anonymous_subscription_is_unauthenticated(system_factory) -> None:
    async with live(system_factory) as (system, address), graphql_ws(address) as ws:
        await send(ws, {"id": "1", "type": "subscribe", "payload": {"query": ADDED}})
        message = await receive(ws)
        assert await receive(ws) == {"id": "1", "type": "complete"}
    assert message["payload"]["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert subscribers(system, "user-2") == 0


async def test_completing_the_subscription_unsubscribes_it_from_the_feed(system_factory) -> None:
    async with live(system_factory) as (system, address):
        token = system.token_for("user-2")
        async with graphql_ws(address, payload={"Authorization": f"Bearer {token}"}) as ws:
            await send(ws, {"id": "1", "type": "subscribe", "payload": {"query": ADDED}})
            await eventually(lambda: subscribers(system, "user-2") == 1, what="the subscription")
            await send(ws, {"id": "1", "type": "complete"})
            await eventually(lambda: subscribers(system, "user-2") == 0, what="the unsubscription")


# -- the fan-out ---------------------------------------------------------------------------------


def _live(user_id: str, n: int) -> LiveNotification:
    return LiveNotification(
        id=f"notification-{n}",
        user_id=user_id,
        kind="order_placed",
        message=f"#{n}",
        created_at=datetime.now(UTC),
    )


async def test_a_subscriber_that_falls_behind_is_dropped_and_the_others_go_on() -> None:
    feed = NotificationFeed(queue_size=2)
    slow, fast = feed.stream("user-2"), feed.stream("user-2")
    first_slow, first_fast = asyncio.ensure_future(anext(slow)), asyncio.ensure_future(anext(fast))
    await eventually(lambda: feed.subscriber_count("user-2") == 2, what="two subscribers")

    feed.publish(_live("user-2", 1))
    assert (await first_slow).message == "#1"
    assert (await first_fast).message == "#1"
    received = []
    for n in (2, 3, 4):
        feed.publish(_live("user-2", n))
        received.append((await anext(fast)).message)  # fast keeps up; slow reads nothing

    assert received == ["#2", "#3", "#4"]
    assert feed.dropped == 1
    assert feed.subscriber_count("user-2") == 1
    with pytest.raises(SubscriberTooSlow):
        await anext(slow)
    await fast.aclose()
    assert feed.subscriber_count() == 0


async def test_a_malformed_broadcast_is_skipped() -> None:
    feed = NotificationFeed()
    stream = feed.stream("user-2")
    pending = asyncio.ensure_future(anext(stream))
    await eventually(lambda: feed.subscriber_count("user-2") == 1, what="the subscriber")

    await feed.receive("notification.created", b"{not json")
    await feed.receive("notification.created", b'[{"id": "x"}]')
    await feed.receive("notification.created", f"[{_live('user-2', 9).model_dump_json()}]".encode())

    assert (await pending).message == "#9"
    await stream.aclose()

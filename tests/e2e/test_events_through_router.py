"""Domain events reach the notifications subgraph (in-process bus, as in `supergraph dev`)."""

from __future__ import annotations

import asyncio
from typing import Any

from .conftest import Shop

NOTIFICATIONS = (
    "{ me { unreadNotificationCount notifications { edges { node { id kind message readAt } } } } }"
)


async def _notifications(shop: Shop, user: str, *, at_least: int, timeout: float = 10.0) -> dict[str, Any]:
    """Poll through the router until the user has ``at_least`` notifications (bounded wait)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        response = await shop.query(NOTIFICATIONS, user=user)
        assert "errors" not in response, response
        me = response["data"]["me"]
        if len(me["notifications"]["edges"]) >= at_least or asyncio.get_running_loop().time() > deadline:
            return me
        await asyncio.sleep(0.05)


async def test_an_order_placed_through_the_router_becomes_a_notification(shop: Shop) -> None:
    placed = await shop.query(
        'mutation { placeOrder(items: [{productId: "product-2", quantity: 1}]) { id } }', user="user-3"
    )
    order_id = placed["data"]["placeOrder"]["id"]

    me = await _notifications(shop, "user-3", at_least=1)

    [edge] = me["notifications"]["edges"]
    assert edge["node"]["kind"] == "ORDER_PLACED"
    assert order_id in edge["node"]["message"]
    assert edge["node"]["readAt"] is None
    assert me["unreadNotificationCount"] == 1


async def test_a_status_change_by_an_admin_notifies_the_customer_once(shop: Shop) -> None:
    changed = await shop.query(
        'mutation { setOrderStatus(id: "order-3", status: CONFIRMED) { status } }',
        user="user-1",
        role="admin",
    )
    assert changed == {"data": {"setOrderStatus": {"status": "CONFIRMED"}}}

    me = await _notifications(shop, "user-2", at_least=1)
    await asyncio.sleep(0.3)  # a duplicate delivery would show up by now
    again = await _notifications(shop, "user-2", at_least=1)

    assert [edge["node"]["kind"] for edge in me["notifications"]["edges"]] == ["ORDER_STATUS_CHANGED"]
    assert "order-3" in me["notifications"]["edges"][0]["node"]["message"]
    assert again["notifications"] == me["notifications"]


async def test_marking_a_notification_read_lowers_the_unread_count(shop: Shop) -> None:
    await shop.query(
        'mutation { placeOrder(items: [{productId: "product-6", quantity: 1}]) { id } }', user="user-4"
    )
    me = await _notifications(shop, "user-4", at_least=1)
    notification_id = me["notifications"]["edges"][0]["node"]["id"]

    marked = await shop.query(
        f'mutation {{ markNotificationRead(id: "{notification_id}") {{ id readAt }} }}', user="user-4"
    )
    assert marked["data"]["markNotificationRead"]["readAt"] is not None
    after = await shop.query("{ me { unreadNotificationCount } }", user="user-4")
    assert after == {"data": {"me": {"unreadNotificationCount": 0}}}


async def test_with_rabbitmq_an_order_placed_through_the_router_becomes_a_notification(tmp_path) -> None:

    from ..events.testkit import AMQP_URL, rabbitmq_exchange
    from .conftest import running_shop

    async with (
        rabbitmq_exchange() as exchange,
        running_shop(tmp_path, event_bus_url=AMQP_URL, event_exchange=exchange) as shop,
    ):
        subscription = shop.system.apps["notifications"].state.event_subscription
        await asyncio.wait_for(subscription.ready.wait(), 15)
        placed = await shop.query(
            'mutation { placeOrder(items: [{productId: "product-7", quantity: 1}]) { id } }',
            user="user-3",
        )
        order_id = placed["data"]["placeOrder"]["id"]
        me = await _notifications(shop, "user-3", at_least=1, timeout=20)

    [edge] = me["notifications"]["edges"]
    assert edge["node"]["kind"] == "ORDER_PLACED"
    assert order_id in edge["node"]["message"]

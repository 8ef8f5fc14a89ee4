"""Subscriptions through the router over WebSocket (graphql-transport-ws), end to end.

The shop's six subgraphs run in-process (SQLite, the in-process bus); the notifications subgraph and
the router are served by real uvicorn servers on free ports, because a subscription is a real
WebSocket from the client to the router and from the router to the subgraph. A notification's
``user { name }`` comes from the users subgraph: each event runs the plan's ``rest``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from websockets.exceptions import ConnectionClosed

from router.server import RouterSettings, create_app

from ...events.testkit import eventually
from ...live_testkit import graphql_ws as _graphql_ws
from ...live_testkit import open_ws, receive, send, serving
from ...subgraphs.harness import System, start_system

SUPERGRAPH = Path(__file__).resolve().parents[3] / "schema" / "supergraph.graphql"
SHOP = ("users", "products", "inventory", "orders", "reviews", "notifications")
NOTIFICATION_ADDED = "subscription { notificationAdded { kind message user { name } } }"


@dataclass(frozen=True, slots=True)
class LiveShop:
    system: System
    router: str

    def feed_subscribers(self, user_id: str) -> int:
        count: int = self.system.apps["notifications"].state.notification_feed.subscriber_count(user_id)
        return count

    def bearer(self, user_id: str) -> str:
        return f"Bearer {self.system.token_for(user_id)}"

    async def post(self, query: str, *, user: str) -> dict[str, Any]:
        async with httpx.AsyncClient(base_url=f"http://{self.router}") as client:
            response = await client.post(
                "/graphql", json={"query": query}, headers={"Authorization": self.bearer(user)}
            )
        body: dict[str, Any] = response.json()
        return body


@pytest.fixture
async def shop(tmp_path: Path) -> AsyncIterator[LiveShop]:
    async with start_system(list(SHOP), backend="sqlite", tmp_path=tmp_path) as system:
        notifications = system.apps["notifications"]
        async with serving(notifications) as address:
            urls = {name: f"http://{name}/graphql" for name in SHOP}
            urls["notifications"] = f"http://{address}/graphql"
            # Notifications' HTTP fetches (none in these plans) would reach the same app in-process.
            system.transport.mount("127.0.0.1", notifications)
            router = create_app(
                supergraph_sdl=SUPERGRAPH.read_text(),
                settings=RouterSettings(),
                http_transport=system.transport,
                subgraph_urls=urls,
            )
            async with serving(router, lifespan="on") as router_address:
                yield LiveShop(system, router_address)


def graphql_ws(shop: LiveShop, **options: Any) -> Any:
    return _graphql_ws(shop.router, **options)


async def test_a_signed_in_client_receives_its_new_notification_with_a_field_from_the_users_subgraph(
    shop: LiveShop,
) -> None:
    async with graphql_ws(shop, payload={"Authorization": shop.bearer("user-3")}) as ws:
        await send(ws, {"id": "n", "type": "subscribe", "payload": {"query": NOTIFICATION_ADDED}})
        await eventually(lambda: shop.feed_subscribers("user-3") == 1, what="the upstream subscription")

        placed = await shop.post(
            'mutation { placeOrder(items: [{productId: "product-2", quantity: 1}]) { id } }', user="user-3"
        )
        order_id = placed["data"]["placeOrder"]["id"]

        message = await receive(ws)
        assert message["id"] == "n" and message["type"] == "next", message
        added = message["payload"]["data"]["notificationAdded"]
        assert added["kind"] == "ORDER_PLACED"
        assert order_id in added["message"]
        assert added["user"] == {"name": "Bob Builder"}
        assert "errors" not in message["payload"]


async def test_the_token_may_come_from_the_upgrade_requests_authorization_header(shop: LiveShop) -> None:
    async with graphql_ws(shop, headers={"Authorization": shop.bearer("user-2")}) as ws:
        await send(ws, {"id": "1", "type": "subscribe", "payload": {"query": NOTIFICATION_ADDED}})
        await eventually(lambda: shop.feed_subscribers("user-2") == 1, what="the upstream subscription")


async def test_an_anonymous_subscription_is_refused_with_an_error_and_no_upstream(shop: LiveShop) -> None:
    async with graphql_ws(shop) as ws:
        await send(ws, {"id": "1", "type": "subscribe", "payload": {"query": NOTIFICATION_ADDED}})

        message = await receive(ws)

    assert message["type"] == "error" and message["id"] == "1"
    [error] = message["payload"]
    assert error["extensions"]["code"] == "UNAUTHORIZED"
    assert shop.feed_subscribers("user-3") == 0


async def test_an_invalid_subscription_gets_an_error_with_the_validation_message(shop: LiveShop) -> None:
    async with graphql_ws(shop, payload={"Authorization": shop.bearer("user-3")}) as ws:
        await send(ws, {"id": "1", "type": "subscribe", "payload": {"query": "subscription { nope }"}})

        message = await receive(ws)

    assert message["type"] == "error"
    [error] = message["payload"]
    assert "Cannot query field 'nope' on type 'Subscription'" in error["message"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_an_invalid_token_closes_the_connection_with_4403(shop: LiveShop) -> None:
    async with open_ws(shop.router) as ws:
        await send(ws, {"type": "connection_init", "payload": {"Authorization": "Bearer not-a-token"}})
        with pytest.raises(ConnectionClosed) as closed:
            await receive(ws)

    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403


async def test_the_clients_complete_stops_the_upstream_subscription(shop: LiveShop) -> None:
    async with graphql_ws(shop, payload={"Authorization": shop.bearer("user-3")}) as ws:
        await send(ws, {"id": "a", "type": "subscribe", "payload": {"query": NOTIFICATION_ADDED}})
        await eventually(lambda: shop.feed_subscribers("user-3") == 1, what="the upstream subscription")

        await send(ws, {"id": "a", "type": "complete"})

        await eventually(lambda: shop.feed_subscribers("user-3") == 0, what="the upstream to close")
        await send(ws, {"type": "ping"})
        assert await receive(ws) == {"type": "pong"}


async def test_closing_the_socket_stops_every_upstream_subscription(shop: LiveShop) -> None:
    async with graphql_ws(shop, payload={"Authorization": shop.bearer("user-3")}) as ws:
        for operation_id in ("a", "b"):
            await send(
                ws, {"id": operation_id, "type": "subscribe", "payload": {"query": NOTIFICATION_ADDED}}
            )
        await eventually(lambda: shop.feed_subscribers("user-3") == 2, what="two upstream subscriptions")

    await eventually(lambda: shop.feed_subscribers("user-3") == 0, what="the upstreams to close")


async def test_many_subscriptions_on_one_connection_each_get_the_event(shop: LiveShop) -> None:
    async with graphql_ws(shop, payload={"Authorization": shop.bearer("user-3")}) as ws:
        await send(ws, {"id": "full", "type": "subscribe", "payload": {"query": NOTIFICATION_ADDED}})
        await send(
            ws,
            {
                "id": "short",
                "type": "subscribe",
                "payload": {"query": "subscription Short { added: notificationAdded { kind } }"},
            },
        )
        await eventually(lambda: shop.feed_subscribers("user-3") == 2, what="two upstream subscriptions")

        await shop.post(
            'mutation { placeOrder(items: [{productId: "product-2", quantity: 1}]) { id } }', user="user-3"
        )

        received = {}
        for _ in range(2):
            message = await receive(ws)
            received[message["id"]] = message["payload"]["data"]
    assert received["short"] == {"added": {"kind": "ORDER_PLACED"}}
    assert received["full"]["notificationAdded"]["user"] == {"name": "Bob Builder"}


async def test_a_query_over_the_socket_gets_one_result_then_complete(shop: LiveShop) -> None:
    async with graphql_ws(shop, payload={"Authorization": shop.bearer("user-3")}) as ws:
        await send(ws, {"id": "q", "type": "subscribe", "payload": {"query": "{ me { name } }"}})

        assert await receive(ws) == {
            "id": "q",
            "type": "next",
            "payload": {"data": {"me": {"name": "Bob Builder"}}},
        }
        assert await receive(ws) == {"id": "q", "type": "complete"}


async def test_a_subscribe_before_the_acknowledgement_closes_with_4401(shop: LiveShop) -> None:
    async with open_ws(shop.router) as ws:
        await send(ws, {"id": "1", "type": "subscribe", "payload": {"query": NOTIFICATION_ADDED}})
        with pytest.raises(ConnectionClosed) as closed:
            await receive(ws)

    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401


async def test_a_subscription_over_plain_http_is_still_refused(shop: LiveShop) -> None:
    body = await shop.post(NOTIFICATION_ADDED, user="user-3")

    assert body["errors"][0]["extensions"]["code"] == "OPERATION_RESOLUTION_FAILURE"


# -- Apollo's multipart subscriptions over HTTP --------------------------------------------------

MULTIPART_ACCEPT = 'multipart/mixed;subscriptionSpec="1.0", application/json'


async def test_over_http_multipart_each_event_is_a_part_and_closing_the_response_stops_the_upstream(
    shop: LiveShop,
) -> None:
    async with (
        httpx.AsyncClient(base_url=f"http://{shop.router}", timeout=10) as client,
        client.stream(
            "POST",
            "/graphql",
            json={"query": NOTIFICATION_ADDED},
            headers={"Accept": MULTIPART_ACCEPT, "Authorization": shop.bearer("user-3")},
        ) as response,
    ):
        assert response.status_code == 200
        assert (
            response.headers["content-type"] == 'multipart/mixed; boundary="graphql"; subscriptionSpec="1.0"'
        )
        await eventually(lambda: shop.feed_subscribers("user-3") == 1, what="the upstream subscription")
        await shop.post(
            'mutation { placeOrder(items: [{productId: "product-2", quantity: 1}]) { id } }', user="user-3"
        )

        buffer = b""
        async for chunk in response.aiter_bytes():
            buffer += chunk
            if b'"payload"' in buffer and buffer.rstrip().endswith(b"}"):
                break
    part = buffer.split(b"--graphql\r\n")[-1]
    headers, _, body = part.partition(b"\r\n\r\n")
    assert headers.lower() == b"content-type: application/json"
    payload = orjson.loads(body)["payload"]
    assert payload["data"]["notificationAdded"]["user"] == {"name": "Bob Builder"}
    assert payload["data"]["notificationAdded"]["kind"] == "ORDER_PLACED"
    await eventually(lambda: shop.feed_subscribers("user-3") == 0, what="the upstream to close")


async def test_over_http_multipart_an_anonymous_subscription_is_an_error_response(shop: LiveShop) -> None:
    async with httpx.AsyncClient(base_url=f"http://{shop.router}") as client:
        response = await client.post(
            "/graphql", json={"query": NOTIFICATION_ADDED}, headers={"Accept": MULTIPART_ACCEPT}
        )

    assert response.status_code == 200
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHORIZED"

"""Running a ``Subscription`` plan: one upstream graphql-transport-ws subscription, the ``rest`` run
on each event, and how the upstream ending ends the client's results.

The upstream is a scripted graphql-transport-ws server (a real WebSocket on a free port) that
answers ``subscribe`` with the messages a test gives it; the users subgraph answers entity fetches
over ``httpx.MockTransport``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from router.executor import Gateway, SubscriptionFailed
from router.supergraph import load_supergraph

from ...live_testkit import serving

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "subscriptions.graphql"
ADDED = "subscription { notificationAdded { message user { name } } }"


class ScriptedSubgraph:
    """Answers one ``subscribe`` with ``script`` (messages without the id, which it adds) and
    records what it received, including the client's ``complete``."""

    def __init__(self, script: list[dict[str, Any]], *, hold: bool = False) -> None:
        self.script = script
        self.hold = hold
        self.received: list[dict[str, Any]] = []
        self.headers: dict[str, str] = {}
        self.closed = asyncio.Event()

    async def endpoint(self, websocket: WebSocket) -> None:
        self.headers = dict(websocket.headers)
        await websocket.accept(subprotocol="graphql-transport-ws")
        try:
            while True:
                message = orjson.loads(await websocket.receive_text())
                self.received.append(message)
                if message["type"] == "connection_init":
                    await websocket.send_text('{"type":"connection_ack"}')
                elif message["type"] == "subscribe":
                    for step in self.script:
                        await websocket.send_text(orjson.dumps({"id": message["id"], **step}).decode())
                    if not self.hold:
                        return
        except WebSocketDisconnect:
            pass
        finally:
            self.closed.set()

    def app(self) -> Starlette:
        return Starlette(routes=[WebSocketRoute("/graphql", self.endpoint)])


def users(request: httpx.Request) -> httpx.Response:
    body = orjson.loads(request.content)
    return httpx.Response(
        200,
        json={
            "data": {
                "_entities": [{"name": f"Name of {r['id']}"} for r in body["variables"]["representations"]]
            }
        },
    )


@asynccontextmanager
async def gateway_over(subgraph: ScriptedSubgraph) -> AsyncIterator[Gateway]:
    async with (
        serving(subgraph.app()) as address,
        httpx.AsyncClient(transport=httpx.MockTransport(users)) as http,
    ):
        yield Gateway(
            load_supergraph(FIXTURE.read_text()),
            http=http,
            subgraph_urls={"notifications": f"http://{address}/graphql", "users": "http://users/graphql"},
            timeout=5,
        )


def event(message: str, user: str) -> dict[str, Any]:
    return {
        "type": "next",
        "payload": {
            "data": {"notificationAdded": {"message": message, "user": {"__typename": "User", "id": user}}}
        },
    }


async def test_each_event_gets_the_rest_of_the_plan_and_the_upstream_complete_ends_the_results() -> None:
    subgraph = ScriptedSubgraph([event("one", "u1"), event("two", "u2"), {"type": "complete"}])
    async with gateway_over(subgraph) as gateway:
        results = await gateway.subscribe(ADDED, headers={"x-request-id": "r1"})
        assert not isinstance(results, dict)

        received = [result async for result in results]

    assert received == [
        {"data": {"notificationAdded": {"message": "one", "user": {"name": "Name of u1"}}}},
        {"data": {"notificationAdded": {"message": "two", "user": {"name": "Name of u2"}}}},
    ]
    subscribe = next(m for m in subgraph.received if m["type"] == "subscribe")
    assert (
        subscribe["payload"]["query"]
        == "subscription { notificationAdded { message user { __typename id } } }"
    )
    assert subgraph.headers["x-request-id"] == "r1"


async def test_an_upstream_error_fails_the_subscription_with_the_subgraphs_errors() -> None:
    subgraph = ScriptedSubgraph(
        [
            event("one", "u1"),
            {"type": "error", "payload": [{"message": "boom", "extensions": {"code": "BAD"}}]},
        ]
    )
    async with gateway_over(subgraph) as gateway:
        results = await gateway.subscribe(ADDED)
        assert not isinstance(results, dict)
        first = await anext(results)
        with pytest.raises(SubscriptionFailed) as failed:
            await anext(results)

    assert first["data"]["notificationAdded"]["message"] == "one"
    assert failed.value.errors == [
        {"message": "boom", "extensions": {"code": "BAD", "serviceName": "notifications"}}
    ]


async def test_an_upstream_that_closes_without_complete_fails_the_subscription() -> None:
    subgraph = ScriptedSubgraph([event("one", "u1")])  # then the socket closes
    async with gateway_over(subgraph) as gateway:
        results = await gateway.subscribe(ADDED)
        assert not isinstance(results, dict)
        await anext(results)
        with pytest.raises(SubscriptionFailed) as failed:
            await anext(results)

    [error] = failed.value.errors
    assert error["extensions"] == {"code": "SUBGRAPH_REQUEST_FAILED", "serviceName": "notifications"}


async def test_an_unreachable_subgraph_fails_the_subscription() -> None:
    async with httpx.AsyncClient(transport=httpx.MockTransport(users)) as http:
        gateway = Gateway(
            load_supergraph(FIXTURE.read_text()),
            http=http,
            subgraph_urls={"notifications": "http://127.0.0.1:9/graphql", "users": "http://users/graphql"},
            timeout=2,
        )
        results = await gateway.subscribe(ADDED)
        assert not isinstance(results, dict)
        with pytest.raises(SubscriptionFailed) as failed:
            await anext(results)

    [error] = failed.value.errors
    assert error["extensions"]["code"] == "SUBGRAPH_REQUEST_FAILED"
    assert "Could not open a subscription to subgraph 'notifications'" in error["message"]


async def test_stopping_the_results_completes_the_upstream_subscription_and_closes_it() -> None:
    subgraph = ScriptedSubgraph([event("one", "u1")], hold=True)
    async with gateway_over(subgraph) as gateway:
        results = await gateway.subscribe(ADDED)
        assert not isinstance(results, dict)
        await anext(results)

        await results.aclose()
        await asyncio.wait_for(subgraph.closed.wait(), 5)

    assert subgraph.received[-1] == {"id": "1", "type": "complete"}


async def test_an_invalid_or_unknown_subscription_is_refused_before_any_upstream() -> None:
    subgraph = ScriptedSubgraph([])
    async with gateway_over(subgraph) as gateway:
        invalid = await gateway.subscribe("subscription { nope }")
        two_roots = await gateway.subscribe("subscription { notificationAdded { message } ticks(every: 1) }")

    assert (
        isinstance(invalid, dict)
        and invalid["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    )
    assert isinstance(two_roots, dict)
    assert two_roots["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert subgraph.received == []

"""Fetch policies configured from settings, seen through the router: retries of queries only,
per-subgraph timeouts, the circuit breaker and its metrics."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from router.server import StartupError, create_app

from ..e2e.testkit import supergraph_sdl

JSON = {"accept": "application/json"}
TOP = {"query": "{ topProducts(first: 2) { name reviews { body } } }"}
NO_WAIT = {"retry_backoff_seconds": 0}


class Flaky(httpx.AsyncBaseTransport):
    """Answers the first ``times`` requests to ``host`` with ``status``, then lets them through."""

    def __init__(self, inner: Any, *, host: str, status: int, times: int) -> None:
        self.inner, self.host, self.status, self.times = inner, host, status, times

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == self.host and self.times > 0:
            self.times -= 1
            await request.aread()
            self.inner.requests[self.host].append({})
            return httpx.Response(self.status, text="busy", request=request)
        return await self.inner.handle_async_request(request)


async def test_a_query_fetch_is_retried_on_503_and_the_client_sees_only_the_data(app) -> None:
    async with app(
        transport=lambda inner: Flaky(inner, host="reviews", status=503, times=2), **NO_WAIT
    ) as running:
        response = await running.client.post("/graphql", json=TOP, headers=JSON)
    assert "errors" not in response.json()
    assert running.subgraphs.counts() == {"products": 1, "reviews": 3}


async def test_a_mutation_is_not_retried(app) -> None:
    async with app(
        "mutations", transport=lambda inner: Flaky(inner, host="audit", status=503, times=1), **NO_WAIT
    ) as running:
        response = await running.client.post(
            "/graphql", json={"query": 'mutation { log(message: "once") { message } }'}, headers=JSON
        )
    assert response.json()["errors"][0]["extensions"] == {
        "code": "SUBGRAPH_REQUEST_FAILED",
        "serviceName": "audit",
    }
    assert running.subgraphs.counts() == {"audit": 1}


async def test_retries_can_be_switched_off(app) -> None:
    async with app(
        transport=lambda inner: Flaky(inner, host="reviews", status=503, times=1), retry_attempts=0
    ) as running:
        response = await running.client.post("/graphql", json=TOP, headers=JSON)
    assert response.json()["errors"][0]["extensions"]["code"] == "SUBGRAPH_REQUEST_FAILED"
    assert running.subgraphs.counts() == {"products": 1, "reviews": 1}


async def test_an_open_circuit_fails_fast_with_subgraph_circuit_open_and_is_measured(app) -> None:
    async with app(retry_attempts=0, breaker_failure_threshold=2, breaker_cool_down_seconds=60) as running:
        running.subgraphs.failing["reviews"] = 500
        for _ in range(2):
            await running.client.post("/graphql", json=TOP, headers=JSON)
        response = await running.client.post("/graphql", json=TOP, headers=JSON)
        metrics = (await running.client.get("/metrics")).text
    body = response.json()
    assert body["data"]["topProducts"] == [
        {"name": "Table", "reviews": None},
        {"name": "Couch", "reviews": None},
    ]
    assert len(body["errors"]) == 1
    error = body["errors"][0]
    assert error["extensions"] == {"code": "SUBGRAPH_CIRCUIT_OPEN", "serviceName": "reviews"}
    assert error["message"].startswith("Subgraph 'reviews' is failing and its circuit breaker is open")
    assert running.subgraphs.counts() == {"products": 3, "reviews": 2}
    assert 'router_circuit_breaker_state{subgraph="reviews"} 2.0' in metrics
    assert 'router_circuit_breaker_opened_total{subgraph="reviews"} 1.0' in metrics


async def test_the_breaker_survives_a_supergraph_reload(app, tmp_path) -> None:
    path = tmp_path / "supergraph.graphql"
    path.write_text(supergraph_sdl("shop"))
    async with app(
        supergraph_path=path, retry_attempts=0, breaker_failure_threshold=1, breaker_cool_down_seconds=60
    ) as running:
        running.subgraphs.failing["reviews"] = 500
        await running.client.post("/graphql", json=TOP, headers=JSON)
        path.write_text(supergraph_sdl("shop") + "\n")
        await running.app.state.reloader.check()
        response = await running.client.post("/graphql", json=TOP, headers=JSON)
    assert response.json()["errors"][0]["extensions"]["code"] == "SUBGRAPH_CIRCUIT_OPEN"


async def test_a_per_subgraph_timeout_applies_to_that_subgraph_only(app) -> None:
    class SlowReviews(httpx.AsyncBaseTransport):
        def __init__(self, inner: Any) -> None:
            self.inner = inner

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            if request.url.host == "reviews":
                await asyncio.sleep(2)
            return await self.inner.handle_async_request(request)

    async with app(transport=SlowReviews, subgraph_timeouts={"reviews": 0.05}) as running:
        response = await running.client.post("/graphql", json=TOP, headers=JSON)
    body = response.json()
    assert [p["name"] for p in body["data"]["topProducts"]] == ["Table", "Couch"]
    assert body["errors"][0]["message"] == "Request to subgraph 'reviews' timed out after 0.05s."
    assert body["errors"][0]["extensions"] == {"code": "SUBGRAPH_TIMEOUT", "serviceName": "reviews"}


def test_a_timeout_for_an_unknown_subgraph_fails_at_start_up() -> None:
    from router.server import RouterSettings

    with pytest.raises(StartupError, match="ROUTER_SUBGRAPH_TIMEOUTS names unknown subgraph\\(s\\) review;"):
        create_app(
            supergraph_sdl=supergraph_sdl("shop"), settings=RouterSettings(subgraph_timeouts={"review": 1})
        )

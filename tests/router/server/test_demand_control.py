"""Demand control over HTTP: ``ROUTER_DEMAND_CONTROL_*`` settings, the COST_ESTIMATED_TOO_EXPENSIVE
answer (a request error, like the limits: 200 for application/json, 400 for graphql-response+json),
the estimated cost histogram and ``extensions.cost`` next to the query plan in development."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from router.server import RouterSettings, create_app
from router.server._app import StartupError

from ...security.tokens_for_tests import TEST_SECRETS
from ..cost_testkit import URLS, FakeSubgraphs, supergraph_sdl

GQL_RESPONSE = {"accept": "application/graphql-response+json"}
JSON = {"accept": "application/json"}
BIG = "query Big { products { name } }"  # 20 (assumedSize) products


@asynccontextmanager
async def _router(**settings: Any) -> AsyncIterator[tuple[httpx.AsyncClient, FakeSubgraphs]]:
    fake = FakeSubgraphs()
    app = create_app(
        supergraph_sdl=supergraph_sdl(),
        settings=RouterSettings(**{**TEST_SECRETS, "rate_limit_requests": None, **settings}),
        http_transport=fake.transport,
        subgraph_urls=URLS,
    )
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://router") as client,
    ):
        yield client, fake


async def test_enforce_rejects_a_too_expensive_operation_without_calling_subgraphs() -> None:
    async with _router(demand_control_mode="enforce", demand_control_max_cost=10) as (client, fake):
        response = await client.post("/graphql", json={"query": BIG}, headers=JSON)
        strict = await client.post("/graphql", json={"query": BIG}, headers=GQL_RESPONSE)
    assert response.status_code == 200
    assert response.json() == {
        "errors": [
            {
                "message": "The operation's estimated cost 20 exceeds the maximum cost 10.",
                "extensions": {"code": "COST_ESTIMATED_TOO_EXPENSIVE", "cost": {"estimated": 20, "max": 10}},
            }
        ]
    }
    assert strict.status_code == 400
    assert strict.json() == response.json()
    assert fake.calls == {}


async def test_enforce_runs_what_fits_and_the_list_size_setting_counts() -> None:
    settings = {"demand_control_mode": "enforce", "demand_control_max_cost": 10}
    async with _router(**settings, demand_control_list_size=3) as (client, fake):
        response = await client.post("/graphql", json={"query": '{ search(text: "a") { name } }'})
    assert response.status_code == 200
    assert "errors" not in response.json()
    assert fake.calls == {"products": 1}


async def test_measure_runs_the_operation_and_records_the_estimate() -> None:
    async with _router(demand_control_mode="measure", demand_control_max_cost=10) as (client, fake):
        response = await client.post("/graphql", json={"query": BIG})
        metrics = (await client.get("/metrics")).text
    assert response.json() == {"data": {"products": [{"name": "Chair"}]}}
    assert fake.calls == {"products": 1}
    assert 'router_operation_estimated_cost_count{operation_name="Big"} 1.0' in metrics
    assert 'router_operation_estimated_cost_sum{operation_name="Big"} 20.0' in metrics


async def test_measure_is_the_default() -> None:
    assert RouterSettings(**TEST_SECRETS).demand_control_mode == "measure"
    async with _router() as (client, _):
        await client.post("/graphql", json={"query": BIG})
        assert "router_operation_estimated_cost_count" in (await client.get("/metrics")).text


async def test_development_shows_the_estimate_with_the_query_plan() -> None:
    async with _router(mode="development") as (client, _):
        response = await client.post("/graphql", json={"query": BIG}, headers={"x-include-query-plan": "1"})
        plain = await client.post("/graphql", json={"query": BIG})
    assert response.json()["extensions"]["cost"] == {"estimated": 20}
    assert "queryPlan" in response.json()["extensions"]
    assert "extensions" not in plain.json()


async def test_off_estimates_nothing() -> None:
    async with _router(mode="development", demand_control_mode="off") as (client, _):
        response = await client.post("/graphql", json={"query": BIG}, headers={"x-include-query-plan": "1"})
        metrics = (await client.get("/metrics")).text
    assert "cost" not in response.json()["extensions"]
    assert "router_operation_estimated_cost_count" not in metrics


def test_enforce_without_a_maximum_fails_at_start_up() -> None:
    with pytest.raises(StartupError, match="ROUTER_DEMAND_CONTROL_MAX_COST"):
        create_app(
            supergraph_sdl=supergraph_sdl(),
            settings=RouterSettings(**TEST_SECRETS, demand_control_mode="enforce"),
            subgraph_urls=URLS,
        )

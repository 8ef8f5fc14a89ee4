"""The response cache of public queries, in memory and in Redis: a repeated anonymous query makes
no subgraph call; authenticated requests, errors and mutations are never cached, and a mutation
clears the cache so that no read after a write through the router is stale."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from ...security.tokens_for_tests import BEARER
from ...services import REDIS_URL, unavailable
from ..e2e.subgraphs import mutations

JSON = {"accept": "application/json"}
TOP = {"query": "query Top($first: Int) { topProducts(first: $first) { name } }", "variables": {"first": 2}}
USERS = {"query": "{ users { name } }"}
CREATE = {"query": 'mutation { createUser(name: "Grace") { id } }'}
ON = {"response_cache": True}


@pytest.fixture(params=["memory", "redis"])
async def cache(request: pytest.FixtureRequest) -> AsyncIterator[dict[str, Any]]:
    """Router settings with the response cache on, in memory or in the real Redis."""
    if request.param == "memory":
        yield ON
        return
    async for settings in redis_cache():
        yield settings


@pytest.fixture(name="redis_cache")
async def redis_cache_fixture() -> AsyncIterator[dict[str, Any]]:
    async for settings in redis_cache():
        yield settings


async def redis_cache() -> AsyncIterator[dict[str, Any]]:
    """Settings of a response cache in the real Redis, started empty: the generation is moved on,
    so entries of earlier tests are not read."""
    import redis.asyncio as aioredis

    client = aioredis.Redis.from_url(REDIS_URL)
    try:
        await client.incr("router:response:generation")
    except Exception as exc:
        await client.aclose()
        unavailable("Redis", exc)
    try:
        yield {**ON, "response_cache_redis_url": REDIS_URL}
    finally:
        await client.aclose()


async def test_a_repeated_anonymous_query_is_answered_without_a_subgraph_call(router, cache) -> None:
    async with router(**cache) as (client, subgraphs):
        first = await client.post("/graphql", json=TOP, headers=JSON)
        fetched = subgraphs.counts()
        second = await client.post("/graphql", json=TOP, headers=JSON)
        after_second = subgraphs.counts()
    assert first.status_code == second.status_code == 200
    assert second.json() == first.json() == {"data": {"topProducts": [{"name": "Table"}, {"name": "Couch"}]}}
    assert fetched == {"products": 1}
    assert after_second == fetched


async def test_other_variables_or_operation_name_are_another_entry(router, cache) -> None:
    query = "query A { topProducts(first: 1) { name } } query B { topProducts(first: 2) { name } }"
    async with router(**cache) as (client, subgraphs):
        await client.post("/graphql", json=TOP, headers=JSON)
        three = await client.post("/graphql", json={**TOP, "variables": {"first": 3}}, headers=JSON)
        a = await client.post("/graphql", json={"query": query, "operationName": "A"}, headers=JSON)
        b = await client.post("/graphql", json={"query": query, "operationName": "B"}, headers=JSON)
        counts = subgraphs.counts()
    assert len(three.json()["data"]["topProducts"]) == 3
    assert len(a.json()["data"]["topProducts"]) == 1
    assert len(b.json()["data"]["topProducts"]) == 2
    assert counts == {"products": 4}


async def test_an_authenticated_request_is_never_cached_nor_answered_from_the_cache(router, cache) -> None:
    signed_in = {**JSON, "authorization": BEARER}
    async with router(**cache) as (client, subgraphs):
        await client.post("/graphql", json=TOP, headers=JSON)
        first = await client.post("/graphql", json=TOP, headers=signed_in)
        second = await client.post("/graphql", json=TOP, headers=signed_in)
        counts = subgraphs.counts()
    assert first.json() == second.json()
    assert counts == {"products": 3}


async def test_a_mutation_through_the_router_clears_the_cache_so_the_next_read_is_fresh(
    router, cache
) -> None:
    mutations.reset()
    async with router("mutations", **cache) as (client, subgraphs):
        before = await client.post("/graphql", json=USERS, headers=JSON)
        cached = await client.post("/graphql", json=USERS, headers=JSON)
        created = await client.post("/graphql", json=CREATE, headers=JSON)
        after = await client.post("/graphql", json=USERS, headers=JSON)
        counts = subgraphs.counts()
    assert before.json() == cached.json() == {"data": {"users": [{"name": "Ada"}, {"name": "Alan"}]}}
    assert created.json() == {"data": {"createUser": {"id": "u3"}}}
    assert after.json() == {"data": {"users": [{"name": "Ada"}, {"name": "Alan"}, {"name": "Grace"}]}}
    # users (miss), createUser, users again (miss after the clear)
    assert counts == {"accounts": 3}


async def test_a_response_with_errors_is_not_cached(router, cache) -> None:
    query = {"query": "{ topProducts(first: 1) { name reviews { body } } }"}
    async with router(**cache, retry_attempts=0, circuit_breaker=False) as (client, subgraphs):
        subgraphs.down.add("reviews")
        failed = await client.post("/graphql", json=query, headers=JSON)
        subgraphs.down.clear()
        recovered = await client.post("/graphql", json=query, headers=JSON)
        cached = await client.post("/graphql", json=query, headers=JSON)
        counts = subgraphs.counts()
    assert failed.json()["errors"]
    assert "errors" not in recovered.json()
    assert cached.json() == recovered.json()
    assert counts == {"products": 2, "reviews": 2}


async def test_the_hit_ratio_is_in_the_metrics(router, cache) -> None:
    async with router(**cache) as (client, _):
        for _ in range(4):
            await client.post("/graphql", json=TOP, headers=JSON)
        await client.post("/graphql", json=TOP, headers={**JSON, "authorization": BEARER})
        metrics = (await client.get("/metrics")).text
    assert "router_response_cache_hits_total 3.0" in metrics
    assert "router_response_cache_misses_total 1.0" in metrics
    assert "router_response_cache_hit_ratio 0.75" in metrics


async def test_the_response_cache_is_off_by_default(router) -> None:
    async with router() as (client, subgraphs):
        await client.post("/graphql", json=TOP, headers=JSON)
        await client.post("/graphql", json=TOP, headers=JSON)
        counts = subgraphs.counts()
    assert counts == {"products": 2}


async def test_with_redis_routers_share_the_cache_and_a_mutation_through_one_clears_it_for_all(
    router, redis_cache
) -> None:
    mutations.reset()
    async with (
        router("mutations", **redis_cache) as (first, first_subgraphs),
        router("mutations", **redis_cache) as (second, _),
    ):
        await first.post("/graphql", json=USERS, headers=JSON)
        from_the_first = await second.post("/graphql", json=USERS, headers=JSON)
        await second.post("/graphql", json=CREATE, headers=JSON)
        fresh = await first.post("/graphql", json=USERS, headers=JSON)
        first_counts = first_subgraphs.counts()
    assert from_the_first.json() == {"data": {"users": [{"name": "Ada"}, {"name": "Alan"}]}}
    assert fresh.json()["data"]["users"][-1] == {"name": "Grace"}
    assert first_counts == {"accounts": 2}


async def test_with_redis_down_queries_are_answered_without_the_cache(router) -> None:
    async with router(**ON, response_cache_redis_url="redis://127.0.0.1:1/0") as (client, subgraphs):
        first = await client.post("/graphql", json=TOP, headers=JSON)
        second = await client.post("/graphql", json=TOP, headers=JSON)
        counts = subgraphs.counts()
    assert first.json() == second.json() == {"data": {"topProducts": [{"name": "Table"}, {"name": "Couch"}]}}
    assert counts == {"products": 2}

"""Automatic persisted queries (Apollo APQ, version 1), in memory and in Redis."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

import pytest

from ...services import REDIS_URL, unavailable

QUERY = "{ topProducts(first: 2) { name } }"
HASH = hashlib.sha256(QUERY.encode()).hexdigest()
DATA = {"data": {"topProducts": [{"name": "Table"}, {"name": "Couch"}]}}
LEGACY = {"accept": "application/json"}


def _apq(sha256_hash: str = HASH, version: int = 1) -> dict[str, Any]:
    return {"persistedQuery": {"version": version, "sha256Hash": sha256_hash}}


async def test_an_unknown_hash_is_persisted_query_not_found_then_registering_makes_it_work(router) -> None:
    async with router() as (client, subgraphs):
        miss = await client.post("/graphql", json={"extensions": _apq()}, headers=LEGACY)
        register = await client.post("/graphql", json={"query": QUERY, "extensions": _apq()}, headers=LEGACY)
        hit = await client.post("/graphql", json={"extensions": _apq()}, headers=LEGACY)
    assert miss.status_code == 200
    assert miss.json() == {
        "errors": [{"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}]
    }
    assert register.json() == DATA
    assert hit.json() == DATA
    assert subgraphs.counts() == {"products": 2}


async def test_not_found_is_400_under_graphql_response_json(router) -> None:
    async with router() as (client, _):
        miss = await client.post(
            "/graphql", json={"extensions": _apq()}, headers={"accept": "application/graphql-response+json"}
        )
    assert miss.status_code == 400
    assert miss.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


async def test_a_hash_that_does_not_match_the_query_is_rejected_and_not_stored(router) -> None:
    wrong = hashlib.sha256(b"{ me { name } }").hexdigest()
    async with router() as (client, subgraphs):
        mismatch = await client.post(
            "/graphql", json={"query": QUERY, "extensions": _apq(wrong)}, headers=LEGACY
        )
        lookup = await client.post("/graphql", json={"extensions": _apq(wrong)}, headers=LEGACY)
    assert mismatch.json() == {
        "errors": [
            {
                "message": "provided sha does not match query",
                "extensions": {"code": "PERSISTED_QUERY_HASH_MISMATCH"},
            }
        ]
    }
    assert lookup.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert subgraphs.counts() == {}


@pytest.mark.parametrize(
    ("extensions", "message"),
    [
        (_apq(version=2), "Unsupported persisted query version: only version 1 is supported."),
        (_apq("abc"), "'extensions.persistedQuery.sha256Hash' must be a hex SHA-256 hash."),
    ],
)
async def test_a_malformed_persisted_query_extension_is_a_bad_request(router, extensions, message) -> None:
    async with router() as (client, _):
        response = await client.post("/graphql", json={"extensions": extensions}, headers=LEGACY)
    assert response.json() == {"errors": [{"message": message, "extensions": {"code": "BAD_REQUEST"}}]}


async def test_a_persisted_query_runs_over_get_with_the_hash_only(router) -> None:
    async with router() as (client, _):
        await client.post("/graphql", json={"query": QUERY, "extensions": _apq()})
        response = await client.get(
            "/graphql",
            params={"extensions": json.dumps(_apq())},
            headers={"graphql-require-preflight": "1", **LEGACY},
        )
    assert response.status_code == 200
    assert response.json() == DATA


async def test_apq_switched_off_answers_persisted_query_not_supported(router) -> None:
    async with router(apq=False) as (client, _):
        response = await client.post("/graphql", json={"extensions": _apq()}, headers=LEGACY)
    assert response.json() == {
        "errors": [
            {"message": "PersistedQueryNotSupported", "extensions": {"code": "PERSISTED_QUERY_NOT_SUPPORTED"}}
        ]
    }


async def test_the_memory_store_is_bounded_least_recently_used_first(router) -> None:
    queries = [f"{{ topProducts(first: {n}) {{ name }} }}" for n in (1, 2)]
    hashes = [hashlib.sha256(q.encode()).hexdigest() for q in queries]
    async with router(apq_cache_size=1) as (client, _):
        for query, sha in zip(queries, hashes, strict=True):
            await client.post("/graphql", json={"query": query, "extensions": _apq(sha)})
        evicted = await client.post("/graphql", json={"extensions": _apq(hashes[0])}, headers=LEGACY)
        kept = await client.post("/graphql", json={"extensions": _apq(hashes[1])}, headers=LEGACY)
    assert evicted.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert kept.json() == {"data": {"topProducts": [{"name": "Table"}, {"name": "Couch"}]}}


async def _redis() -> Any:
    import redis.asyncio as aioredis

    client = aioredis.Redis.from_url(REDIS_URL, decode_responses=True)
    try:
        await client.ping()
    except Exception as exc:
        await client.aclose()
        unavailable("Redis", exc)
    return client


async def test_with_redis_a_query_registered_on_one_router_is_found_by_another_with_a_ttl(router) -> None:
    redis = await _redis()
    # A query of its own, so earlier runs (entries live for the TTL) cannot make this pass.
    query = f"query Apq_{uuid.uuid4().hex} {{ topProducts(first: 2) {{ name }} }}"
    sha = hashlib.sha256(query.encode()).hexdigest()
    try:
        async with router(apq_redis_url=REDIS_URL, apq_ttl_seconds=60) as (first, _):
            miss = await first.post("/graphql", json={"extensions": _apq(sha)}, headers=LEGACY)
            await first.post("/graphql", json={"query": query, "extensions": _apq(sha)})
        assert miss.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
        assert await redis.get(f"router:apq:{sha}") == query
        assert 0 < await redis.ttl(f"router:apq:{sha}") <= 60
        async with router(apq_redis_url=REDIS_URL) as (second, subgraphs):
            hit = await second.post("/graphql", json={"extensions": _apq(sha)}, headers=LEGACY)
        assert hit.json() == DATA
        assert subgraphs.counts() == {"products": 1}
    finally:
        await redis.delete(f"router:apq:{sha}")
        await redis.aclose()


async def test_with_redis_down_apq_degrades_to_not_found_and_queries_still_run(router) -> None:
    async with router(apq_redis_url="redis://127.0.0.1:1/0") as (client, _):
        miss = await client.post("/graphql", json={"extensions": _apq()}, headers=LEGACY)
        register = await client.post("/graphql", json={"query": QUERY, "extensions": _apq()}, headers=LEGACY)
    assert miss.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert register.json() == DATA


async def test_a_document_over_the_size_limit_is_not_stored(router) -> None:
    async with router(max_document_bytes=20) as (client, _):
        register = await client.post("/graphql", json={"query": QUERY, "extensions": _apq()}, headers=LEGACY)
        lookup = await client.post("/graphql", json={"extensions": _apq()}, headers=LEGACY)
    assert register.json()["errors"][0]["extensions"]["code"] == "MAX_DOCUMENT_SIZE_EXCEEDED"
    assert lookup.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"

"""The products entity cache in the real Redis: hot reads skip the database, writes invalidate,
and a Redis that is down costs speed, never correctness."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from subgraphs.products.app import create_app
from subgraphs.products.models import CURRENCY, ProductRow

from ...services import REDIS_URL
from ..entity_cache import redis_namespace
from ..harness import System
from .test_entities import ENTITIES, representations, selects
from .test_mutations import ADMIN, UPDATE

PRODUCT = '{ product(id: "product-1") { name price { amount } } }'


@pytest.fixture
async def cache_settings() -> AsyncIterator[dict[str, Any]]:
    async with redis_namespace() as settings:
        yield settings


async def add_products(system: System, count: int) -> list[str]:
    """Insert ``count`` products straight into the database; their ids."""
    ids = [f"product-bulk-{number:03d}" for number in range(count)]
    async with system.apps["products"].state.database.session() as session:
        for number, product_id in enumerate(ids):
            session.add(
                ProductRow(
                    id=product_id,
                    sku=f"BULK-{number:03d}",
                    name=f"Bulk {number}",
                    description="",
                    price_amount=100 + number,
                    currency=CURRENCY,
                    weight=10,
                    category="bulk",
                )
            )
        await session.commit()
    return ids


async def test_a_second_read_of_100_products_comes_from_the_cache_without_a_select(
    system_factory, cache_settings
) -> None:
    async with system_factory("products", **cache_settings) as system:
        ids = await add_products(system, 100)
        wanted = representations(*({"id": product_id} for product_id in ids))
        with system.count_queries("products") as first_statements:
            first = await system.graphql("products", ENTITIES, wanted)
        with system.count_queries("products") as second_statements:
            second = await system.graphql("products", ENTITIES, wanted)
        stats = system.apps["products"].state.cache.stats()
    assert len(selects(first_statements)) == 1
    assert selects(second_statements) == []
    assert second == first
    assert [entity["id"] for entity in second["data"]["_entities"]] == ids
    assert second["data"]["_entities"][7] == {
        "id": "product-bulk-007",
        "sku": "BULK-007",
        "name": "Bulk 7",
        "price": {"amount": 107},
        "weight": 10,
    }
    assert (stats.hits, stats.misses, stats.errors) == (100, 100, 0)


async def test_a_read_by_sku_is_cached_too_and_unknown_keys_are_never_cached(
    system_factory, cache_settings
) -> None:
    known = representations({"sku": "SKU-0003"})
    unknown = representations({"sku": "SKU-404"}, {"id": "product-404"})
    async with system_factory("products", **cache_settings) as system:
        await system.graphql("products", ENTITIES, known)
        await system.graphql("products", ENTITIES, unknown)
        with system.count_queries("products") as known_statements:
            again = await system.graphql("products", ENTITIES, known)
        with system.count_queries("products") as unknown_statements:
            still_unknown = await system.graphql("products", ENTITIES, unknown)
    assert selects(known_statements) == []
    assert again["data"]["_entities"][0]["id"] == "product-3"
    # One SELECT per key kind: a product created with that sku or id later is found at once.
    assert len(selects(unknown_statements)) == 2
    assert still_unknown == {"data": {"_entities": [None, None]}}


async def test_update_product_then_read_returns_the_new_value_not_the_cached_one(
    system_factory, cache_settings
) -> None:
    async with system_factory("products", **cache_settings) as system:
        before = await system.graphql("products", PRODUCT)
        cached = await system.graphql("products", PRODUCT)
        await system.graphql(
            "products",
            UPDATE,
            {"id": "product-1", "input": {"name": "Renamed", "price": {"amount": 1}}},
            **ADMIN,
        )
        after = await system.graphql("products", PRODUCT)
        entity = await system.graphql("products", ENTITIES, representations({"id": "product-1"}))
    assert (
        before
        == cached
        == {"data": {"product": {"name": "The Pragmatic Programmer", "price": {"amount": 4299}}}}
    )
    assert after == {"data": {"product": {"name": "Renamed", "price": {"amount": 1}}}}
    assert entity["data"]["_entities"][0]["name"] == "Renamed"


async def test_a_changed_sku_no_longer_resolves_from_the_cache_by_the_old_sku(
    system_factory, cache_settings
) -> None:
    by_old = representations({"sku": "SKU-0002"})
    by_new = representations({"sku": "DDIA-2"})
    async with system_factory("products", **cache_settings) as system:
        cached = await system.graphql("products", ENTITIES, by_old)
        await system.graphql("products", UPDATE, {"id": "product-2", "input": {"sku": "ddia-2"}}, **ADMIN)
        old = await system.graphql("products", ENTITIES, by_old)
        new = await system.graphql("products", ENTITIES, by_new)
    assert cached["data"]["_entities"][0]["id"] == "product-2"
    assert old == {"data": {"_entities": [None]}}
    assert new["data"]["_entities"][0] == {
        "id": "product-2",
        "sku": "DDIA-2",
        "name": "Designing Data-Intensive Applications",
        "price": {"amount": 4999},
        "weight": 900,
    }


async def test_a_write_through_one_replica_is_seen_at_once_by_another_sharing_the_cache(
    system_factory, cache_settings
) -> None:
    async with system_factory("products", **cache_settings) as system:
        first = system.apps["products"]
        second = create_app(
            settings=system.settings, database_url=first.state.database.url, http_transport=system.transport
        )
        async with (
            second.router.lifespan_context(second),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=second), base_url="http://replica"
            ) as replica,
        ):
            warm = (await replica.post("/graphql", json={"query": PRODUCT})).json()
            await system.graphql(
                "products", UPDATE, {"id": "product-1", "input": {"name": "Renamed"}}, **ADMIN
            )
            after = (await replica.post("/graphql", json={"query": PRODUCT})).json()
            replica_stats = second.state.cache.stats()
    assert warm["data"]["product"]["name"] == "The Pragmatic Programmer"
    assert after["data"]["product"]["name"] == "Renamed"
    assert replica_stats.hits == 0


async def test_entries_live_under_the_subgraph_and_its_schema_version_with_the_ttl(
    system_factory, cache_settings
) -> None:
    import redis.asyncio as aioredis

    from subgraphs.common import schema_version
    from subgraphs.products.models import Base

    async with system_factory("products", **cache_settings) as system:
        await system.graphql("products", PRODUCT)
    key = f"{cache_settings['cache_key_prefix']}products:{schema_version(Base.metadata)}:product:id:product-1"
    client = aioredis.Redis.from_url(REDIS_URL)
    try:
        assert await client.exists(key) == 1
        assert 0 < await client.ttl(key) <= 30
    finally:
        await client.aclose()


async def test_with_redis_down_reads_and_writes_are_still_correct_from_the_database(system_factory) -> None:
    down = {"cache_redis_url": "redis://127.0.0.1:1/0"}
    async with system_factory("products", **down) as system:
        before = await system.graphql("products", PRODUCT)
        update = await system.graphql(
            "products", UPDATE, {"id": "product-1", "input": {"name": "Renamed"}}, **ADMIN
        )
        with system.count_queries("products") as statements:
            after = await system.graphql("products", PRODUCT)
        stats = system.apps["products"].state.cache.stats()
    assert before["data"]["product"]["name"] == "The Pragmatic Programmer"
    assert "errors" not in update
    assert after == {"data": {"product": {"name": "Renamed", "price": {"amount": 4299}}}}
    assert len(selects(statements)) == 1
    assert stats.hits == 0 and stats.errors >= 3


async def test_metrics_show_the_cache_hits_misses_and_hit_ratio(system_factory, cache_settings) -> None:
    async with system_factory("products", **cache_settings) as system:
        await system.graphql("products", PRODUCT)
        await system.graphql("products", PRODUCT)
        await system.graphql("products", PRODUCT)
        async with system.client("products") as client:
            response = await client.get("/metrics")
    assert response.status_code == 200
    labels = 'kind="product:id",subgraph="products"'
    assert f"subgraph_entity_cache_hits_total{{{labels}}} 2.0" in response.text
    assert f"subgraph_entity_cache_misses_total{{{labels}}} 1.0" in response.text
    assert f"subgraph_entity_cache_errors_total{{{labels}}} 0.0" in response.text
    assert f"subgraph_entity_cache_hit_ratio{{{labels}}} 0.6666666666666666" in response.text


async def test_the_cache_is_off_by_default(system_factory) -> None:
    async with system_factory("products") as system:
        await system.graphql("products", PRODUCT)
        with system.count_queries("products") as statements:
            await system.graphql("products", PRODUCT)
    assert len(selects(statements)) == 1

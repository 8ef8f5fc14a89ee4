"""Products entity cache, invalidated by events: every product write records ProductChanged in its
transaction, and the products service consumes it to invalidate its cache, so a write whose own
invalidation never ran (a crash after commit, another process) is not read stale for long."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import text

import subgraphs.products.schema as products_schema
from subgraphs.common import InProcessBus, RedisCache
from subgraphs.products.loaders import CACHE_CONSUMER
from subgraphs.products.models import update_product

from ..services import REDIS_URL
from .entity_cache import REDIS_DOWN, invalidations_processed, redis_namespace
from .harness import System
from .products.test_mutations import ADMIN, CREATE, NEW, UPDATE

PRODUCT = '{ product(id: "product-1") { name price { amount } } }'


@pytest.fixture
async def cache_settings() -> AsyncIterator[dict[str, Any]]:
    async with redis_namespace() as settings:
        yield settings


async def outbox(system: System) -> list[dict[str, Any]]:
    async with system.apps["products"].state.database.session() as session:
        rows = await session.execute(text("SELECT event_type, body FROM event_outbox ORDER BY seq"))
        return [{"type": row[0], **json.loads(row[1])} for row in rows]


async def name_of_product_1(system: System) -> str:
    body = await system.graphql("products", PRODUCT)
    return str(body["data"]["product"]["name"])


async def test_create_and_update_record_product_changed_with_the_changed_fields(system_factory) -> None:
    async with system_factory("products") as system:
        created = await system.graphql("products", CREATE, {"input": NEW}, **ADMIN)
        product_id = created["data"]["createProduct"]["id"]
        await system.graphql(
            "products", UPDATE, {"id": product_id, "input": {"sku": "esp-2", "price": {"amount": 1}}}, **ADMIN
        )
        # Same values as stored: nothing changed, nothing recorded.
        await system.graphql("products", UPDATE, {"id": product_id, "input": {"sku": "ESP-2"}}, **ADMIN)
        events = await outbox(system)
    assert [(event["type"], event["source"]) for event in events] == [
        ("ProductChanged", "products"),
        ("ProductChanged", "products"),
    ]
    assert events[0]["data"] == {
        "productId": product_id,
        "sku": "SKU-0100",
        "previousSku": None,
        "change": "created",
        "changedFields": ["category", "description", "name", "price", "sku", "weight"],
    }
    assert events[1]["data"] == {
        "productId": product_id,
        "sku": "ESP-2",
        "previousSku": "SKU-0100",
        "change": "updated",
        "changedFields": ["price", "sku"],
    }


async def test_a_refused_write_records_no_event(system_factory) -> None:
    async with system_factory("products") as system:
        taken = await system.graphql(
            "products", UPDATE, {"id": "product-2", "input": {"sku": "SKU-0001"}}, **ADMIN
        )
        duplicate = await system.graphql("products", CREATE, {"input": {**NEW, "sku": "SKU-0003"}}, **ADMIN)
        events = await outbox(system)
    assert taken["errors"][0]["extensions"]["code"] == "CONFLICT"
    assert duplicate["errors"][0]["extensions"]["code"] == "CONFLICT"
    assert events == []


async def test_an_update_whose_own_invalidation_never_ran_is_invalidated_by_its_event(
    system_factory, cache_settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def crashed_before_invalidating(*_args: Any, **_kwargs: Any) -> None:
        """The writer committed and then died: its in-process invalidation never happens."""

    monkeypatch.setattr(products_schema, "invalidate", crashed_before_invalidating)
    async with system_factory("products", **cache_settings) as system:
        app = system.apps["products"]
        assert await name_of_product_1(system) == "The Pragmatic Programmer"  # now cached
        updated = await system.graphql(
            "products", UPDATE, {"id": "product-1", "input": {"name": "Renamed"}}, **ADMIN
        )
        await invalidations_processed(app, 1)
        after = await name_of_product_1(system)
    assert updated["data"]["updateProduct"]["name"] == "Renamed"
    assert after == "Renamed"


async def test_a_write_by_another_process_through_the_repository_is_invalidated_by_its_event(
    system_factory, cache_settings
) -> None:
    async with system_factory("products", **cache_settings) as system:
        app = system.apps["products"]
        by_old_sku = await system.graphql(
            "products",
            '{ _entities(representations: [{__typename: "Product", sku: "SKU-0001"}]) '
            "{ ... on Product { id } } }",
        )
        assert await name_of_product_1(system) == "The Pragmatic Programmer"
        # Another deployable (a script, an admin tool) sharing the database: no cache of its own.
        async with app.state.database.session() as session:
            await update_product(session, "product-1", {"name": "Elsewhere", "sku": "PRAG-1"})
        await invalidations_processed(app, 1)
        after = await name_of_product_1(system)
        again_by_old_sku = await system.graphql(
            "products",
            '{ _entities(representations: [{__typename: "Product", sku: "SKU-0001"}]) '
            "{ ... on Product { id } } }",
        )
    assert by_old_sku["data"]["_entities"] == [{"id": "product-1"}]
    assert after == "Elsewhere"
    assert again_by_old_sku["data"]["_entities"] == [None]


async def test_a_write_that_records_no_event_stays_stale_until_the_ttl_the_documented_limit(
    system_factory, cache_settings
) -> None:
    async with system_factory("products", **cache_settings) as system:
        assert await name_of_product_1(system) == "The Pragmatic Programmer"
        async with system.apps["products"].state.database.session() as session:
            await session.execute(text("UPDATE products SET name = 'Raw SQL' WHERE id = 'product-1'"))
            await session.commit()
        assert await name_of_product_1(system) == "The Pragmatic Programmer"


async def test_a_reader_that_loaded_the_old_row_before_a_write_cannot_store_it_after_the_invalidation(
    cache_settings,
) -> None:
    """The reader race a plain delete leaves open: miss, SELECT the old row, the writer commits and
    invalidates, the reader stores the old row. The invalidation's hold refuses that store."""
    cache = RedisCache.from_url(REDIS_URL, namespace=cache_settings["cache_key_prefix"], ttl_seconds=30)
    try:
        assert await cache.get_many("product:id", ["product-1"]) == {}  # the reader misses ...
        old_row = {"name": "old"}  # ... and SELECTs the row before the writer commits
        assert await cache.invalidate({"product:id": ["product-1"]})  # the writer, after its commit
        await cache.set_many("product:id", {"product-1": old_row})  # the reader stores, too late
        after_late_store = await cache.get_many("product:id", ["product-1"])
        await cache.set_many("product:id", {"product-2": {"name": "fresh"}})  # no write: stored
        unrelated = await cache.get_many("product:id", ["product-2"])
    finally:
        await cache.aclose()
    assert after_late_store == {}
    assert unrelated == {"product-2": {"name": "fresh"}}


async def test_after_the_hold_the_next_reader_caches_the_new_row_again(system_factory) -> None:
    async with (
        redis_namespace() as settings,
        system_factory("products", **settings, cache_invalidation_hold_seconds=0.05) as system,
    ):
        await name_of_product_1(system)
        await system.graphql("products", UPDATE, {"id": "product-1", "input": {"name": "Renamed"}}, **ADMIN)
        await invalidations_processed(system.apps["products"], 1)
        await asyncio.sleep(0.1)
        await name_of_product_1(system)  # a miss that stores
        with system.count_queries("products") as statements:
            assert await name_of_product_1(system) == "Renamed"
    assert statements == []


async def test_with_redis_down_the_consumer_gives_up_after_its_attempts_instead_of_dead_lettering(
    system_factory,
) -> None:
    down = {"cache_redis_url": REDIS_DOWN, "event_max_attempts": 2, "event_retry_delay_seconds": 0.05}
    async with system_factory("products", **down) as system:
        app = system.apps["products"]
        updated = await system.graphql(
            "products", UPDATE, {"id": "product-1", "input": {"name": "Renamed"}}, **ADMIN
        )
        await invalidations_processed(app, 1)
        after = await name_of_product_1(system)
        stats = app.state.cache_invalidations
        bus = InProcessBus.for_running_loop(exchange=system.settings.event_exchange)
        dead = bus.dead_letters(CACHE_CONSUMER)
    assert updated["data"]["updateProduct"]["name"] == "Renamed"
    assert after == "Renamed"
    assert stats.given_up == 1
    assert dead == []

"""Inventory's stock cache in the real Redis: stock levels (read on every product page) come from
the cache, and every stock write (reservation, release, ``setStock``) is seen by the next read:
invalidated after its commit and again by its StockChanged event."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import text

import subgraphs.inventory.rest as inventory_rest
from subgraphs.inventory.models import reserve

from .entity_cache import REDIS_DOWN, invalidations_processed, metric_lines, redis_namespace
from .harness import System
from .products.test_entities import selects

STOCK = (
    "query($ids: [_Any!]!) { _entities(representations: $ids) { ... on Product { id quantity inStock } } }"
)
SET_STOCK = (
    "mutation($id: ID!, $quantity: Int!) { setStock(productId: $id, quantity: $quantity) { quantity } }"
)
ADMIN = {"user": "user-1", "role": "admin"}


@pytest.fixture
async def cache_settings() -> AsyncIterator[dict[str, Any]]:
    async with redis_namespace() as settings:
        yield settings


async def stock(system: System, *product_ids: str) -> list[int | None]:
    body = await system.graphql(
        "inventory", STOCK, {"ids": [{"__typename": "Product", "id": pid} for pid in product_ids]}
    )
    assert "errors" not in body, body
    return [None if entity is None else entity["quantity"] for entity in body["data"]["_entities"]]


def reservation(order_id: str, *items: tuple[str, int]) -> dict[str, Any]:
    return {"order_id": order_id, "items": [{"product_id": p, "quantity": q} for p, q in items]}


async def test_a_second_read_of_stock_comes_from_the_cache_without_a_select(
    system_factory, cache_settings
) -> None:
    async with system_factory("inventory", **cache_settings) as system:
        with system.count_queries("inventory") as first_statements:
            first = await stock(system, "product-1", "product-2", "product-404")
        with system.count_queries("inventory") as second_statements:
            second = await stock(system, "product-1", "product-2")
        with system.count_queries("inventory") as unknown_statements:
            unknown = await stock(system, "product-404")
        stats = system.apps["inventory"].state.cache.stats_by_kind()
    assert first == [10, 20, None]
    assert second == [10, 20]
    assert len(selects(first_statements)) == 1
    assert selects(second_statements) == []
    # A product without stock is never cached: its first setStock must be seen at once.
    assert len(selects(unknown_statements)) == 1
    assert unknown == [None]
    assert (stats["stock:product"].hits, stats["stock:product"].misses) == (2, 4)


async def test_set_stock_then_read_returns_the_new_quantity_not_the_cached_one(
    system_factory, cache_settings
) -> None:
    async with system_factory("products", "inventory", **cache_settings) as system:
        before = await stock(system, "product-3")
        await system.graphql("inventory", SET_STOCK, {"id": "product-3", "quantity": 0}, **ADMIN)
        after = await stock(system, "product-3")
        await system.graphql("inventory", SET_STOCK, {"id": "product-3", "quantity": 75}, **ADMIN)
        restocked = await stock(system, "product-3")
    assert (before, after, restocked) == ([30], [0], [75])


async def test_a_reservation_and_its_release_over_rest_are_seen_by_the_next_read(
    system_factory, cache_settings
) -> None:
    async with (
        system_factory("inventory", **cache_settings) as system,
        system.client("inventory", headers=system.service_headers()) as client,
    ):
        warm = await stock(system, "product-1", "product-2")
        reserved = await client.post(
            "/internal/v1/reservations", json=reservation("order-a", ("product-1", 3), ("product-2", 5))
        )
        after_reserve = await stock(system, "product-1", "product-2")
        released = await client.delete("/internal/v1/reservations/order-a")
        after_release = await stock(system, "product-1", "product-2")
    assert (reserved.status_code, released.status_code) == (201, 200)
    assert (warm, after_reserve, after_release) == ([10, 20], [7, 15], [10, 20])


async def test_every_stock_write_records_stock_changed_with_the_quantity_left(system_factory) -> None:
    async with (
        system_factory("products", "inventory") as system,
        system.client("inventory", headers=system.service_headers()) as client,
    ):
        await client.post("/internal/v1/reservations", json=reservation("order-a", ("product-2", 5)))
        await client.delete("/internal/v1/reservations/order-a")
        await system.graphql("inventory", SET_STOCK, {"id": "product-2", "quantity": 42}, **ADMIN)
        async with system.apps["inventory"].state.database.session() as session:
            rows = await session.execute(text("SELECT body FROM event_outbox ORDER BY seq"))
            events = [json.loads(row[0]) for row in rows]
    assert [(e["type"], e["data"]) for e in events] == [
        ("StockChanged", {"productId": "product-2", "quantity": 15, "reason": "reserved"}),
        ("StockChanged", {"productId": "product-2", "quantity": 20, "reason": "released"}),
        ("StockChanged", {"productId": "product-2", "quantity": 42, "reason": "set"}),
    ]


async def test_a_reservation_whose_own_invalidation_never_ran_is_invalidated_by_its_event(
    system_factory, cache_settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def crashed_before_invalidating(*_args: Any) -> None:
        """The request committed and then died: its in-process invalidation never happens."""

    monkeypatch.setattr(inventory_rest, "invalidate_stock", crashed_before_invalidating)
    async with (
        system_factory("inventory", **cache_settings) as system,
        system.client("inventory", headers=system.service_headers()) as client,
    ):
        assert await stock(system, "product-6") == [60]
        response = await client.post(
            "/internal/v1/reservations", json=reservation("order-a", ("product-6", 6))
        )
        await invalidations_processed(system.apps["inventory"], 1)
        after = await stock(system, "product-6")
    assert response.status_code == 201
    assert after == [54]


async def test_a_reservation_by_another_process_is_invalidated_by_its_event(
    system_factory, cache_settings
) -> None:
    async with system_factory("inventory", **cache_settings) as system:
        app = system.apps["inventory"]
        assert await stock(system, "product-7") == [70]
        async with app.state.database.session() as session:
            await reserve(session, "order-elsewhere", [("product-7", 7)], low_stock_threshold=5)
        await invalidations_processed(app, 1)
        after = await stock(system, "product-7")
    assert after == [63]


async def test_concurrent_reservations_and_reads_with_the_cache_on_never_oversell_or_read_stale(
    system_factory, cache_settings
) -> None:
    async with (
        system_factory("inventory", **cache_settings) as system,
        system.client("inventory", headers=system.service_headers()) as client,
    ):
        await stock(system, "product-2")  # cached: 20

        async def reserve_one(n: int) -> int:
            response = await client.post(
                "/internal/v1/reservations", json=reservation(f"order-rush-{n}", ("product-2", 2))
            )
            return response.status_code

        async def read_while_writing() -> None:
            for _ in range(10):
                await stock(system, "product-2")  # misses store whatever they read, if allowed

        results = await asyncio.gather(
            *(reserve_one(n) for n in range(15)), *(read_while_writing() for _ in range(3))
        )
        codes = sorted(code for code in results if code is not None)
        after = await stock(system, "product-2")
        again = await stock(system, "product-2")
        async with system.apps["inventory"].state.database.session() as session:
            in_database = await session.scalar(
                text("SELECT quantity FROM stock WHERE product_id = 'product-2'")
            )
    assert codes == [201] * 10 + [409] * 5
    assert after == again == [in_database] == [0]


async def test_with_redis_down_stock_reads_and_writes_are_still_correct_from_the_database(
    system_factory,
) -> None:
    down = {"cache_redis_url": REDIS_DOWN, "event_max_attempts": 2, "event_retry_delay_seconds": 0.05}
    async with (
        system_factory("products", "inventory", **down) as system,
        system.client("inventory", headers=system.service_headers()) as client,
    ):
        before = await stock(system, "product-1")
        reserved = await client.post(
            "/internal/v1/reservations", json=reservation("order-a", ("product-1", 4))
        )
        after_reserve = await stock(system, "product-1")
        await system.graphql("inventory", SET_STOCK, {"id": "product-1", "quantity": 99}, **ADMIN)
        after_set = await stock(system, "product-1")
        stats = system.apps["inventory"].state.cache.stats()
    assert reserved.status_code == 201
    assert (before, after_reserve, after_set) == ([10], [6], [99])
    assert stats.hits == 0 and stats.errors >= 3


async def test_metrics_show_stock_hits_misses_and_hit_ratio_by_entity_kind(
    system_factory, cache_settings
) -> None:
    async with system_factory("inventory", **cache_settings) as system:
        for _ in range(4):
            await stock(system, "product-1")
        async with system.client("inventory") as client:
            response = await client.get("/metrics")
    labels = 'kind="stock:product",subgraph="inventory"'
    assert metric_lines(response.text, "subgraph_entity_cache_hits_total") == {labels: 3.0}
    assert metric_lines(response.text, "subgraph_entity_cache_misses_total") == {labels: 1.0}
    assert metric_lines(response.text, "subgraph_entity_cache_errors_total") == {labels: 0.0}
    assert metric_lines(response.text, "subgraph_entity_cache_hit_ratio") == {labels: 0.75}

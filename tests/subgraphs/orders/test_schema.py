"""The orders subgraph's SDL is a golden snapshot: any change to it is a deliberate one."""

from __future__ import annotations

import os
from pathlib import Path

SNAPSHOT = Path(__file__).parents[1] / "sdl" / "orders.graphql"


async def test_service_sdl_equals_the_golden_snapshot(system_factory) -> None:
    async with system_factory("orders") as system:
        body = await system.graphql("orders", "{ _service { sdl } }")
    sdl = body["data"]["_service"]["sdl"]
    if os.environ.get("UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text(sdl)
    assert SNAPSHOT.exists(), f"no snapshot yet: run with UPDATE_SNAPSHOTS=1 to write {SNAPSHOT}"
    assert sdl == SNAPSHOT.read_text(), "the SDL changed: review it and rerun with UPDATE_SNAPSHOTS=1"


async def test_sdl_declares_order_entity_user_orders_and_product_stub(system_factory) -> None:
    async with system_factory("orders") as system:
        body = await system.graphql("orders", "{ _service { sdl } }")
    sdl = body["data"]["_service"]["sdl"]
    assert 'type Order @key(fields: "id")' in sdl
    assert 'type User @key(fields: "id")' in sdl
    assert "orders(first: Int! = 10, after: String = null): OrderConnection" in sdl
    assert 'type Product @key(fields: "id") {\n  id: ID!\n}' in sdl
    assert "type PageInfo @shareable" in sdl
    assert "type Money @shareable" in sdl

"""The inventory subgraph's SDL is a golden snapshot: any change to it is a deliberate one."""

from __future__ import annotations

import os
from pathlib import Path

SNAPSHOT = Path(__file__).parents[1] / "sdl" / "inventory.graphql"


async def test_service_sdl_equals_the_golden_snapshot(system_factory) -> None:
    async with system_factory("inventory") as system:
        body = await system.graphql("inventory", "{ _service { sdl } }")
    sdl = body["data"]["_service"]["sdl"]
    if os.environ.get("UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text(sdl)
    assert SNAPSHOT.exists(), f"no snapshot yet: run with UPDATE_SNAPSHOTS=1 to write {SNAPSHOT}"
    assert sdl == SNAPSHOT.read_text(), "the SDL changed: review it and rerun with UPDATE_SNAPSHOTS=1"


async def test_sdl_declares_shipping_estimate_with_requires_on_external_price_and_weight(
    system_factory,
) -> None:
    async with system_factory("inventory") as system:
        body = await system.graphql("inventory", "{ _service { sdl } }")
    sdl = body["data"]["_service"]["sdl"]
    assert 'shippingEstimate: Int @requires(fields: "price { amount } weight")' in sdl
    assert "price: Money! @external" in sdl
    assert "weight: Int! @external" in sdl
    assert 'type Product @key(fields: "id")' in sdl
    assert "type Money @shareable" in sdl

"""What the inventory subgraph's SDL declares (the golden snapshot itself: tests/subgraphs/test_sdl_snapshots.py)."""

from __future__ import annotations


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

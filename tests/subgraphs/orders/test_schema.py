"""What the orders subgraph's SDL declares (the golden snapshot itself: tests/subgraphs/test_sdl_snapshots.py)."""

from __future__ import annotations


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

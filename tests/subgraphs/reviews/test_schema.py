"""What the reviews subgraph's SDL declares (the golden snapshot itself: tests/subgraphs/test_sdl_snapshots.py)."""

from __future__ import annotations


async def test_sdl_declares_review_entity_and_the_fields_it_adds_to_product_and_user(system_factory) -> None:
    async with system_factory("reviews") as system:
        body = await system.graphql("reviews", "{ _service { sdl } }")
    sdl = body["data"]["_service"]["sdl"]
    assert 'type Review @key(fields: "id")' in sdl
    assert "reviews(first: Int! = 10, after: String = null): ReviewConnection\n" in sdl
    assert "averageRating: Float\n" in sdl
    assert 'type User @key(fields: "id")' in sdl
    assert "type PageInfo @shareable" in sdl

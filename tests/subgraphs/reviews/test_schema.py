"""The reviews subgraph's SDL is a golden snapshot: any change to it is a deliberate one."""

from __future__ import annotations

import os
from pathlib import Path

SNAPSHOT = Path(__file__).parents[1] / "sdl" / "reviews.graphql"


async def test_service_sdl_equals_the_golden_snapshot(system_factory) -> None:
    async with system_factory("reviews") as system:
        body = await system.graphql("reviews", "{ _service { sdl } }")
    sdl = body["data"]["_service"]["sdl"]
    if os.environ.get("UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text(sdl)
    assert SNAPSHOT.exists(), f"no snapshot yet: run with UPDATE_SNAPSHOTS=1 to write {SNAPSHOT}"
    assert sdl == SNAPSHOT.read_text(), "the SDL changed: review it and rerun with UPDATE_SNAPSHOTS=1"


async def test_sdl_declares_review_entity_and_the_fields_it_adds_to_product_and_user(system_factory) -> None:
    async with system_factory("reviews") as system:
        body = await system.graphql("reviews", "{ _service { sdl } }")
    sdl = body["data"]["_service"]["sdl"]
    assert 'type Review @key(fields: "id")' in sdl
    assert "reviews(first: Int! = 10, after: String = null): ReviewConnection\n" in sdl
    assert "averageRating: Float\n" in sdl
    assert 'type User @key(fields: "id")' in sdl
    assert "type PageInfo @shareable" in sdl

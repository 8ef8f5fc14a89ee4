"""Each subgraph's SDL (its `_service { sdl }`) is a golden snapshot in tests/subgraphs/sdl/: a schema
change fails here until the snapshot is deliberately updated with UPDATE_SNAPSHOTS=1."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SNAPSHOTS = Path(__file__).parent / "sdl"
SUBGRAPHS = ["users", "products", "inventory", "orders", "reviews", "notifications"]


@pytest.mark.parametrize("name", SUBGRAPHS)
async def test_service_sdl_equals_the_golden_snapshot(system_factory, name: str) -> None:
    async with system_factory(name) as system:
        body = await system.graphql(name, "{ _service { sdl } }")
    sdl = body["data"]["_service"]["sdl"].rstrip("\n") + "\n"
    snapshot = SNAPSHOTS / f"{name}.graphql"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        snapshot.write_text(sdl)
    assert snapshot.exists(), f"no snapshot yet: run with UPDATE_SNAPSHOTS=1 to write {snapshot}"
    assert sdl == snapshot.read_text(), f"{name}'s SDL changed: review it, then rerun with UPDATE_SNAPSHOTS=1"

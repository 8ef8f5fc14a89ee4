"""The users subgraph's SDL is pinned by a golden file: a schema change is a reviewed diff."""

from __future__ import annotations

import os
from pathlib import Path

from ..harness import System

SNAPSHOT = Path(__file__).parents[1] / "sdl" / "users.graphql"


async def test_service_sdl_matches_the_golden_snapshot(system_factory) -> None:
    system: System
    async with system_factory("users") as system:
        body = await system.graphql("users", "{ _service { sdl } }")
    sdl = body["data"]["_service"]["sdl"].rstrip("\n") + "\n"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_text(sdl)
    assert SNAPSHOT.exists(), f"no snapshot yet: run with UPDATE_SNAPSHOTS=1 to create {SNAPSHOT}"
    assert sdl == SNAPSHOT.read_text(), "SDL changed: review it, then run with UPDATE_SNAPSHOTS=1"

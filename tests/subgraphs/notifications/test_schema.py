"""The notifications subgraph's SDL is a golden snapshot: any change to it is a deliberate one."""

from __future__ import annotations

import os
from pathlib import Path

SNAPSHOT = Path(__file__).parents[1] / "sdl" / "notifications.graphql"


async def test_service_sdl_equals_the_golden_snapshot(system_factory) -> None:
    async with system_factory("notifications") as system:
        body = await system.graphql("notifications", "{ _service { sdl } }")
    sdl = body["data"]["_service"]["sdl"]
    if os.environ.get("UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text(sdl)
    assert SNAPSHOT.exists(), f"no snapshot yet: run with UPDATE_SNAPSHOTS=1 to write {SNAPSHOT}"
    assert sdl == SNAPSHOT.read_text(), "the SDL changed: review it and rerun with UPDATE_SNAPSHOTS=1"


async def test_sdl_declares_the_entities_and_the_shared_page_info(system_factory) -> None:
    async with system_factory("notifications") as system:
        body = await system.graphql("notifications", "{ _service { sdl } }")
    sdl = body["data"]["_service"]["sdl"]
    assert 'type Notification @key(fields: "id")' in sdl
    assert 'type User @key(fields: "id")' in sdl
    assert (
        "notifications(unreadOnly: Boolean! = false, first: Int! = 10, after: String = null)"
        ": NotificationConnection!"
    ) in sdl
    assert "unreadNotificationCount: Int!" in sdl
    assert "type PageInfo @shareable {\n  hasNextPage: Boolean!\n  endCursor: String\n}" in sdl
    assert "markNotificationRead(id: ID!): Notification!" in sdl

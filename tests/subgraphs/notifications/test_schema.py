"""What the notifications subgraph's SDL declares (the golden snapshot itself: tests/subgraphs/test_sdl_snapshots.py)."""

from __future__ import annotations


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

"""``User.notifications``, ``unreadNotificationCount`` and ``markNotificationRead``: a private inbox."""

from __future__ import annotations

from typing import Any

import pytest

from subgraphs.common import MoneyAmount, OrderPlaced, UserRegistered

from .conftest import deliver

INBOX = """
query($id: ID!, $unreadOnly: Boolean! = false, $first: Int! = 10, $after: String) {
  _entities(representations: [{__typename: "User", id: $id}]) {
    ... on User {
      unreadNotificationCount
      notifications(unreadOnly: $unreadOnly, first: $first, after: $after) {
        edges { cursor node { id kind message createdAt readAt } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
}
"""

MARK_READ = "mutation($id: ID!) { markNotificationRead(id: $id) { id readAt } }"

NOTIFICATION = """
query($id: ID!) { _entities(representations: [{__typename: "Notification", id: $id}]) {
  ... on Notification { id message } } }
"""


def placed(order_id: str, user_id: str = "user-2") -> OrderPlaced:
    return OrderPlaced(
        order_id=order_id, user_id=user_id, item_count=1, total=MoneyAmount(amount=500, currency="USD")
    )


def error_code(body: dict[str, Any]) -> str:
    return str(body["errors"][0]["extensions"]["code"])


async def inbox(system, user: str, **variables: Any) -> dict[str, Any]:
    body = await system.graphql("notifications", INBOX, {"id": user, **variables}, user=user)
    assert "errors" not in body, body
    return body["data"]["_entities"][0]


async def test_a_user_reads_their_notifications_newest_first(system_factory) -> None:
    async with system_factory("notifications") as system:
        for payload in (placed("order-1"), placed("order-2"), placed("order-9", user_id="user-3")):
            await deliver(system, payload)  # one at a time: the consumer handles a batch concurrently
        page = await inbox(system, "user-2")
    assert page["unreadNotificationCount"] == 2
    nodes = [edge["node"] for edge in page["notifications"]["edges"]]
    assert [node["message"] for node in nodes] == [
        "Your order order-2 was placed: 1 item, total $5.00.",
        "Your order order-1 was placed: 1 item, total $5.00.",
    ]
    assert {node["kind"] for node in nodes} == {"ORDER_PLACED"}
    assert all(node["readAt"] is None and node["createdAt"] for node in nodes)
    assert page["notifications"]["pageInfo"]["hasNextPage"] is False


async def test_pages_continue_after_the_end_cursor_without_gaps_or_repeats(system_factory) -> None:
    async with system_factory("notifications") as system:
        for n in range(5):
            await deliver(system, placed(f"order-{n}"))
        first = await inbox(system, "user-2", first=2)
        second = await inbox(system, "user-2", first=2, after=first["notifications"]["pageInfo"]["endCursor"])
        third = await inbox(system, "user-2", first=2, after=second["notifications"]["pageInfo"]["endCursor"])
    messages = [
        edge["node"]["message"].split()[2]
        for page in (first, second, third)
        for edge in page["notifications"]["edges"]
    ]
    assert messages == ["order-4", "order-3", "order-2", "order-1", "order-0"]
    assert [p["notifications"]["pageInfo"]["hasNextPage"] for p in (first, second, third)] == [
        True,
        True,
        False,
    ]


async def test_unread_only_hides_what_was_marked_read(system_factory) -> None:
    async with system_factory("notifications") as system:
        await deliver(system, placed("order-1"))
        await deliver(system, placed("order-2"))
        newest = (await inbox(system, "user-2"))["notifications"]["edges"][0]["node"]
        body = await system.graphql("notifications", MARK_READ, {"id": newest["id"]}, user="user-2")
        assert body["data"]["markNotificationRead"]["id"] == newest["id"]
        read_at = body["data"]["markNotificationRead"]["readAt"]
        assert read_at is not None
        again = await system.graphql("notifications", MARK_READ, {"id": newest["id"]}, user="user-2")
        assert again["data"]["markNotificationRead"]["readAt"] == read_at  # the first read time stays
        unread = await inbox(system, "user-2", unreadOnly=True)
    assert unread["unreadNotificationCount"] == 1
    assert [edge["node"]["message"] for edge in unread["notifications"]["edges"]] == [
        "Your order order-1 was placed: 1 item, total $5.00."
    ]


async def test_another_users_notifications_are_forbidden_even_to_an_admin(system_factory) -> None:
    async with system_factory("notifications") as system:
        await deliver(system, placed("order-1"))
        customer = await system.graphql("notifications", INBOX, {"id": "user-2"}, user="user-3")
        admin = await system.graphql("notifications", INBOX, {"id": "user-2"}, user="user-1", role="admin")
        anonymous = await system.graphql("notifications", INBOX, {"id": "user-2"})
    assert error_code(customer) == "FORBIDDEN"
    assert error_code(admin) == "FORBIDDEN"
    assert error_code(anonymous) == "UNAUTHENTICATED"
    assert customer["data"]["_entities"] == [None]


async def test_marking_someone_elses_or_an_unknown_notification_is_not_found(system_factory) -> None:
    async with system_factory("notifications") as system:
        await deliver(system, placed("order-1"))
        mine = (await inbox(system, "user-2"))["notifications"]["edges"][0]["node"]["id"]
        theirs = await system.graphql("notifications", MARK_READ, {"id": mine}, user="user-3")
        unknown = await system.graphql("notifications", MARK_READ, {"id": "notification-999"}, user="user-2")
        garbage = await system.graphql("notifications", MARK_READ, {"id": "order-1"}, user="user-2")
        signed_out = await system.graphql("notifications", MARK_READ, {"id": mine})
        still_unread = await inbox(system, "user-2")
    assert [error_code(b) for b in (theirs, unknown, garbage)] == ["NOT_FOUND"] * 3
    assert error_code(signed_out) == "UNAUTHENTICATED"
    assert still_unread["unreadNotificationCount"] == 1


async def test_a_notification_entity_resolves_for_its_owner_only(system_factory) -> None:
    async with system_factory("notifications") as system:
        await deliver(system, UserRegistered(user_id="user-2", name="Alice"))
        mine = (await inbox(system, "user-2"))["notifications"]["edges"][0]["node"]["id"]
        owner = await system.graphql("notifications", NOTIFICATION, {"id": mine}, user="user-2")
        other = await system.graphql("notifications", NOTIFICATION, {"id": mine}, user="user-3")
    assert owner["data"]["_entities"] == [{"id": mine, "message": "Welcome, Alice! Your account is ready."}]
    assert other["data"]["_entities"] == [None]


@pytest.mark.parametrize("first", [-1, 101])
async def test_page_size_outside_0_to_100_is_bad_user_input(system_factory, first: int) -> None:
    async with system_factory("notifications") as system:
        body = await system.graphql("notifications", INBOX, {"id": "user-2", "first": first}, user="user-2")
    assert error_code(body) == "BAD_USER_INPUT"


async def test_a_cursor_of_another_list_is_bad_user_input(system_factory) -> None:
    async with system_factory("notifications") as system:
        body = await system.graphql(
            "notifications", INBOX, {"id": "user-2", "after": "dXNlcnM6dXNlci0x"}, user="user-2"
        )
    assert error_code(body) == "BAD_USER_INPUT"

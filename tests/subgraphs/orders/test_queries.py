"""Reading orders: ``order(id)`` for owner and admin only, ``User.orders`` with pagination and FORBIDDEN."""

from __future__ import annotations

from .testkit import ORDER, USER_ORDERS, code, error


async def test_the_owner_reads_an_order_with_items_unit_prices_and_total(system_factory) -> None:
    async with system_factory("orders") as system:
        body = await system.graphql("orders", ORDER, {"id": "order-1"}, user="user-2")
    assert "errors" not in body
    assert body["data"]["order"] == {
        "id": "order-1",
        "status": "DELIVERED",
        "createdAt": "2026-01-10T09:30:00+00:00",
        "total": {"amount": 4299 + 2 * 5500, "currency": "USD"},
        "items": [
            {"product": {"id": "product-1"}, "quantity": 1, "unitPrice": {"amount": 4299, "currency": "USD"}},
            {"product": {"id": "product-3"}, "quantity": 2, "unitPrice": {"amount": 5500, "currency": "USD"}},
        ],
        "user": {"id": "user-2"},
    }


async def test_an_admin_reads_anyones_order(system_factory) -> None:
    async with system_factory("orders") as system:
        body = await system.graphql("orders", ORDER, {"id": "order-2"}, user="user-1", role="admin")
    assert body["data"]["order"]["user"] == {"id": "user-3"}
    assert body["data"]["order"]["status"] == "SHIPPED"


async def test_someone_elses_order_is_not_found_exactly_like_a_missing_one(system_factory) -> None:
    async with system_factory("orders") as system:
        foreign = await system.graphql("orders", ORDER, {"id": "order-2"}, user="user-2")
        missing = await system.graphql("orders", ORDER, {"id": "order-999"}, user="user-2")
    assert foreign["data"] == {"order": None}
    assert code(foreign) == code(missing) == "NOT_FOUND"
    assert error(foreign)["message"] == "Order order-2 not found."
    assert error(foreign)["path"] == ["order"]


async def test_reading_an_order_requires_signing_in(system_factory) -> None:
    async with system_factory("orders") as system:
        body = await system.graphql("orders", ORDER, {"id": "order-1"})
    assert code(body) == "UNAUTHENTICATED"


async def test_a_user_reads_their_own_orders_newest_first(system_factory) -> None:
    async with system_factory("orders") as system:
        body = await system.graphql("orders", USER_ORDERS, {"id": "user-2"}, user="user-2")
    assert "errors" not in body
    orders = body["data"]["_entities"][0]["orders"]
    assert [edge["node"] for edge in orders["edges"]] == [
        {"id": "order-3", "status": "PENDING"},
        {"id": "order-1", "status": "DELIVERED"},
    ]
    assert orders["pageInfo"] == {"hasNextPage": False, "endCursor": orders["edges"][-1]["cursor"]}


async def test_user_orders_page_with_first_and_after(system_factory) -> None:
    async with system_factory("orders") as system:
        first = await system.graphql("orders", USER_ORDERS, {"id": "user-2", "first": 1}, user="user-2")
        page = first["data"]["_entities"][0]["orders"]
        assert [edge["node"]["id"] for edge in page["edges"]] == ["order-3"]
        assert page["pageInfo"]["hasNextPage"] is True
        second = await system.graphql(
            "orders",
            USER_ORDERS,
            {"id": "user-2", "first": 1, "after": page["pageInfo"]["endCursor"]},
            user="user-2",
        )
        page = second["data"]["_entities"][0]["orders"]
        assert [edge["node"]["id"] for edge in page["edges"]] == ["order-1"]
        assert page["pageInfo"]["hasNextPage"] is False
        empty = await system.graphql(
            "orders",
            USER_ORDERS,
            {"id": "user-2", "first": 1, "after": page["pageInfo"]["endCursor"]},
            user="user-2",
        )
    assert empty["data"]["_entities"][0]["orders"] == {
        "edges": [],
        "pageInfo": {"hasNextPage": False, "endCursor": None},
    }


async def test_a_user_without_orders_has_an_empty_connection(system_factory) -> None:
    async with system_factory("orders") as system:
        body = await system.graphql("orders", USER_ORDERS, {"id": "user-4"}, user="user-4")
    assert body["data"]["_entities"][0]["orders"] == {
        "edges": [],
        "pageInfo": {"hasNextPage": False, "endCursor": None},
    }


async def test_an_admin_reads_any_users_orders(system_factory) -> None:
    async with system_factory("orders") as system:
        body = await system.graphql("orders", USER_ORDERS, {"id": "user-3"}, user="user-1", role="admin")
    assert [edge["node"]["id"] for edge in body["data"]["_entities"][0]["orders"]["edges"]] == ["order-2"]


async def test_another_users_orders_are_forbidden_at_the_orders_field(system_factory) -> None:
    async with system_factory("orders") as system:
        body = await system.graphql("orders", USER_ORDERS, {"id": "user-3"}, user="user-2")
    assert body["data"]["_entities"] == [{"id": "user-3", "orders": None}]
    assert code(body) == "FORBIDDEN"
    assert error(body)["path"] == ["_entities", 0, "orders"]


async def test_user_orders_require_signing_in(system_factory) -> None:
    async with system_factory("orders") as system:
        body = await system.graphql("orders", USER_ORDERS, {"id": "user-2"})
    assert code(body) == "UNAUTHENTICATED"
    assert body["data"]["_entities"] == [{"id": "user-2", "orders": None}]


async def test_page_sizes_beyond_100_or_negative_are_bad_user_input(system_factory) -> None:
    async with system_factory("orders") as system:
        big = await system.graphql("orders", USER_ORDERS, {"id": "user-2", "first": 101}, user="user-2")
        negative = await system.graphql("orders", USER_ORDERS, {"id": "user-2", "first": -1}, user="user-2")
    assert code(big) == code(negative) == "BAD_USER_INPUT"
    assert "101" in error(big)["message"]


async def test_a_bad_cursor_is_bad_user_input(system_factory) -> None:
    async with system_factory("orders") as system:
        garbage = await system.graphql("orders", USER_ORDERS, {"id": "user-2", "after": "%%%"}, user="user-2")
        foreign = await system.graphql(
            "orders", USER_ORDERS, {"id": "user-2", "after": "cHJvZHVjdDpwcm9kdWN0LTE"}, user="user-2"
        )
    assert code(garbage) == code(foreign) == "BAD_USER_INPUT"
    assert "cursor" in error(garbage)["message"]

"""Profile queries: ``me``, ``user(id)`` (public, email private) and the admin-only ``users`` list."""

from __future__ import annotations

from typing import Any

import pytest

from subgraphs.common import encode_cursor

from ..harness import System

USER = "query($id: ID!) { user(id: $id) { id name role createdAt email } }"
USERS = """
query($first: Int, $after: String) {
  users(first: $first, after: $after) {
    edges { cursor node { id email } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


def codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


async def test_me_is_the_signed_in_user_with_their_email(system_factory) -> None:
    async with system_factory("users") as system:
        body = await system.graphql("users", "{ me { id name email role } }", user="user-2")
    assert body == {
        "data": {
            "me": {"id": "user-2", "name": "Alice Liddell", "email": "alice@example.com", "role": "CUSTOMER"}
        }
    }


async def test_me_without_a_token_is_unauthenticated(system_factory) -> None:
    async with system_factory("users") as system:
        body = await system.graphql("users", "{ me { id } }")
    assert body["data"] == {"me": None}
    assert codes(body) == ["UNAUTHENTICATED"]
    assert body["errors"][0]["path"] == ["me"]


async def test_me_with_a_tampered_token_is_unauthenticated_and_says_why(system_factory) -> None:
    async with system_factory("users") as system:
        token = system.token_for("user-2")
        body = await system.graphql("users", "{ me { id } }", token=token[:-2] + "xx")
    assert codes(body) == ["UNAUTHENTICATED"]
    assert "access token is not valid" in body["errors"][0]["message"]


async def test_me_of_a_deleted_account_is_null(system_factory) -> None:
    async with system_factory("users") as system:
        body = await system.graphql("users", "{ me { id } }", user="user-gone")
    assert body == {"data": {"me": None}}


async def test_user_shows_public_fields_to_anyone_and_hides_the_email(system_factory) -> None:
    async with system_factory("users") as system:
        anonymous = await system.graphql("users", USER, {"id": "user-3"})
        other_customer = await system.graphql("users", USER, {"id": "user-3"}, user="user-2")
    expected = {
        "user": {
            "id": "user-3",
            "name": "Bob Builder",
            "role": "CUSTOMER",
            "createdAt": "2024-01-03T00:00:00+00:00",
            "email": None,
        }
    }
    assert anonymous == {"data": expected}
    assert other_customer == {"data": expected}


@pytest.mark.parametrize(("viewer", "role"), [("user-3", "customer"), ("user-1", "admin")])
async def test_user_shows_the_email_to_the_user_themself_and_to_admins(system_factory, viewer, role) -> None:
    async with system_factory("users") as system:
        body = await system.graphql("users", USER, {"id": "user-3"}, user=viewer, role=role)
    assert body["data"]["user"]["email"] == "bob@example.com"


async def test_user_with_an_unknown_id_is_null_without_an_error(system_factory) -> None:
    async with system_factory("users") as system:
        body = await system.graphql("users", USER, {"id": "user-999"})
    assert body == {"data": {"user": None}}


async def test_users_lists_every_user_in_id_order_page_by_page_for_an_admin(system_factory) -> None:
    system: System
    async with system_factory("users") as system:
        first = await system.graphql("users", USERS, {"first": 3}, user="user-1", role="admin")
        page = first["data"]["users"]
        second = await system.graphql(
            "users", USERS, {"first": 3, "after": page["pageInfo"]["endCursor"]}, user="user-1", role="admin"
        )
    rest = second["data"]["users"]
    assert [edge["node"]["id"] for edge in page["edges"]] == ["user-1", "user-2", "user-3"]
    assert page["pageInfo"] == {"hasNextPage": True, "endCursor": page["edges"][-1]["cursor"]}
    assert [edge["node"] for edge in rest["edges"]] == [{"id": "user-4", "email": "carol@example.com"}]
    assert rest["pageInfo"] == {"hasNextPage": False, "endCursor": rest["edges"][-1]["cursor"]}


async def test_users_defaults_to_ten_and_an_empty_page_has_no_end_cursor(system_factory) -> None:
    async with system_factory("users") as system:
        all_users = await system.graphql("users", USERS, user="user-1", role="admin")
        empty = await system.graphql("users", USERS, {"first": 0}, user="user-1", role="admin")
    assert len(all_users["data"]["users"]["edges"]) == 4
    assert empty["data"]["users"] == {"edges": [], "pageInfo": {"hasNextPage": True, "endCursor": None}}


async def test_users_is_forbidden_for_customers_and_unauthenticated_for_anonymous(system_factory) -> None:
    async with system_factory("users") as system:
        customer = await system.graphql("users", USERS, user="user-2")
        anonymous = await system.graphql("users", USERS)
    assert codes(customer) == ["FORBIDDEN"]
    assert codes(anonymous) == ["UNAUTHENTICATED"]
    assert customer["data"] is None


BAD_PAGE_ARGUMENTS = [
    ({"first": 101}, "`first` must be between 0 and 100, got 101."),
    ({"first": -1}, "`first` must be between 0 and 100, got -1."),
    ({"after": "not a cursor"}, "`after` is not a valid cursor for this list."),
    ({"after": encode_cursor("products", "product-1")}, "`after` is not a valid cursor for this list."),
]


async def test_users_rejects_bad_page_arguments(system_factory) -> None:
    async with system_factory("users") as system:
        for variables, message in BAD_PAGE_ARGUMENTS:
            body = await system.graphql("users", USERS, variables, user="user-1", role="admin")
            assert codes(body) == ["BAD_USER_INPUT"], variables
            assert body["errors"][0]["message"] == message


async def test_sibling_root_fields_share_one_session_without_conflicts(system_factory) -> None:
    """Regression: sibling fields resolve concurrently on the request's one session; a plain
    AsyncSession failed with "concurrent operations are not permitted" on PostgreSQL."""
    query = '{ me { id } user(id: "user-3") { id } users(first: 2) { edges { node { id } } } }'
    async with system_factory("users") as system:
        body = await system.graphql("users", query, user="user-1", role="admin")
    assert body == {
        "data": {
            "me": {"id": "user-1"},
            "user": {"id": "user-3"},
            "users": {"edges": [{"node": {"id": "user-1"}}, {"node": {"id": "user-2"}}]},
        }
    }

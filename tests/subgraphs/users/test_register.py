"""``register``: validated, unique, hashed with Argon2, and signed in straight away."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import func, select

from subgraphs.users.models import UserRow

from ..harness import System

REGISTER = """
mutation($email: String!, $name: String!, $password: String!) {
  register(email: $email, name: $name, password: $password) {
    accessToken refreshToken expiresIn
    user { id email name role }
  }
}
"""


def codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


async def stored_user(system: System, email: str) -> UserRow | None:
    async with system.apps["users"].state.database.session() as session:
        return await session.scalar(select(UserRow).where(UserRow.email == email))


async def test_register_creates_a_customer_and_signs_them_in(system_factory) -> None:
    system: System
    async with system_factory("users") as system:
        body = await system.graphql(
            "users",
            REGISTER,
            {"email": "  Dana@Example.COM ", "name": " Dana  Scully ", "password": "trust-no-1-ever"},
        )
        payload = body["data"]["register"]
        me = await system.graphql("users", "{ me { id email } }", token=payload["accessToken"])
    user = payload["user"]
    assert user["id"].startswith("user-") and len(user["id"]) == len("user-") + 12
    assert user == {"id": user["id"], "email": "dana@example.com", "name": "Dana Scully", "role": "CUSTOMER"}
    assert payload["expiresIn"] == system.settings.access_token_ttl_seconds
    assert system.tokens.decode(payload["accessToken"], expected="access").role == "customer"
    assert me == {"data": {"me": {"id": user["id"], "email": "dana@example.com"}}}


async def test_register_stores_only_an_argon2_hash_with_the_configured_cost(system_factory) -> None:
    system: System
    async with system_factory("users") as system:
        await system.graphql(
            "users", REGISTER, {"email": "eve@example.com", "name": "Eve", "password": "correct horse"}
        )
        row = await stored_user(system, "eve@example.com")
        login = await system.graphql(
            "users",
            'mutation { login(email: "eve@example.com", password: "correct horse") { user { id } } }',
        )
    assert row is not None
    assert row.password_hash.startswith("$argon2id$")
    assert ",t=1," in row.password_hash  # PASSWORD_HASH_TIME_COST of the test settings
    assert "correct horse" not in row.password_hash
    assert login["data"]["login"]["user"]["id"] == row.id


async def test_register_with_a_taken_email_in_any_case_is_a_conflict(system_factory) -> None:
    async with system_factory("users") as system:
        for email in ["alice@example.com", "ALICE@example.com ", " Alice@Example.com"]:
            body = await system.graphql(
                "users", REGISTER, {"email": email, "name": "Alice 2", "password": "long-enough-1"}
            )
            assert body["data"] is None
            assert codes(body) == ["CONFLICT"], email
            assert body["errors"][0]["message"] == "An account with this email already exists."


INVALID_REGISTRATIONS = [
    ({"email": "not-an-email"}, "Enter a valid email address."),
    ({"email": "two@@example.com"}, "Enter a valid email address."),
    ({"email": "no-dot@example"}, "Enter a valid email address."),
    ({"name": "   "}, "Enter a name of 1 to 200 characters."),
    ({"password": "short-9ch"}, "The password must have at least 10 characters."),
    ({"password": "x" * 257}, "The password must have at most 256 characters."),
    (
        {"email": "frank@example.com", "password": "Frank@Example.com"},
        "The password must not be your email address.",
    ),
]


async def test_register_rejects_invalid_input_with_bad_user_input(system_factory) -> None:
    system: System
    good = {"email": "grace@example.com", "name": "Grace Hopper", "password": "cobol-forever"}
    async with system_factory("users") as system:
        for variables, message in INVALID_REGISTRATIONS:
            body = await system.graphql("users", REGISTER, {**good, **variables})
            assert codes(body) == ["BAD_USER_INPUT"], variables
            assert body["errors"][0]["message"] == message
        for email in {good["email"], "frank@example.com"}:
            assert await stored_user(system, email) is None


async def test_register_accepts_a_password_of_exactly_ten_characters(system_factory) -> None:
    async with system_factory("users") as system:
        body = await system.graphql(
            "users", REGISTER, {"email": "h@example.com", "name": "H", "password": "0123456789"}
        )
    assert "errors" not in body


async def test_concurrent_registrations_of_one_email_create_exactly_one_account(system_factory) -> None:
    """The unique index decides the race the pre-check cannot see; the loser gets CONFLICT."""
    system: System
    variables = {"email": "race@example.com", "name": "Racer", "password": "fast-and-furious"}
    async with system_factory("users") as system:
        results = await asyncio.gather(*(system.graphql("users", REGISTER, variables) for _ in range(3)))
        async with system.apps["users"].state.database.session() as session:
            count = await session.scalar(
                select(func.count()).select_from(UserRow).where(UserRow.email == "race@example.com")
            )
    assert count == 1
    assert sorted(codes(body) for body in results) == [[], ["CONFLICT"], ["CONFLICT"]]

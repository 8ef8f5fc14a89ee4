"""Sign-in sessions: ``login``, rotating ``refreshToken`` with reuse detection, and ``logout``."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import inspect, select

from subgraphs.users.models import RefreshTokenRow

from ..harness import System

LOGIN = """
mutation($email: String!, $password: String!) {
  login(email: $email, password: $password) { accessToken refreshToken expiresIn user { id email role } }
}
"""
REFRESH = """
mutation($token: String!) {
  refreshToken(refreshToken: $token) { accessToken refreshToken expiresIn user { id email } }
}
"""
LOGOUT = "mutation($token: String!) { logout(refreshToken: $token) }"
REUSED = "The refresh token was already used, so this sign-in has been ended everywhere; sign in again."
INVALID = "The refresh token is not valid; sign in again."


def codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


async def login(
    system: System, email: str = "alice@example.com", password: str = "alice-password-1"
) -> dict[str, Any]:
    body = await system.graphql("users", LOGIN, {"email": email, "password": password})
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["login"]
    return payload


async def refresh(system: System, token: str) -> dict[str, Any]:
    return await system.graphql("users", REFRESH, {"token": token})


async def stored_tokens(system: System) -> list[RefreshTokenRow]:
    async with system.apps["users"].state.database.session() as session:
        return list(await session.scalars(select(RefreshTokenRow).order_by(RefreshTokenRow.created_at)))


async def test_login_returns_a_token_pair_for_the_user(system_factory) -> None:
    system: System
    async with system_factory("users") as system:
        payload = await login(system, "admin@example.com", "admin-password-1")
    assert payload["user"] == {"id": "user-1", "email": "admin@example.com", "role": "ADMIN"}
    assert payload["expiresIn"] == 900
    access = system.tokens.decode(payload["accessToken"], expected="access")
    refresh_claims = system.tokens.decode(payload["refreshToken"], expected="refresh")
    assert (access.subject, access.role) == ("user-1", "admin")
    assert refresh_claims.subject == "user-1" and refresh_claims.family and refresh_claims.token_id


async def test_login_ignores_case_and_spaces_in_the_email(system_factory) -> None:
    async with system_factory("users") as system:
        payload = await login(system, " Bob@EXAMPLE.com", "bob-password-1")
    assert payload["user"]["id"] == "user-3"


async def test_wrong_credentials_are_unauthenticated_with_one_generic_message(system_factory) -> None:
    wrong = [
        ("alice@example.com", "wrong-password"),
        ("nobody@example.com", "alice-password-1"),  # unknown email: the same answer
        ("alice@example.com", ""),
    ]
    async with system_factory("users") as system:
        for email, password in wrong:
            body = await system.graphql("users", LOGIN, {"email": email, "password": password})
            assert body["data"] is None
            assert codes(body) == ["UNAUTHENTICATED"]
            assert body["errors"][0]["message"] == "Invalid email or password."


async def test_refresh_rotates_the_pair_within_the_same_family(system_factory) -> None:
    system: System
    async with system_factory("users") as system:
        first = await login(system)
        body = await refresh(system, first["refreshToken"])
        second = body["data"]["refreshToken"]
        third = (await refresh(system, second["refreshToken"]))["data"]["refreshToken"]
        rows = await stored_tokens(system)
    claims = [system.tokens.decode(p["refreshToken"], expected="refresh") for p in (first, second, third)]
    assert len({c.token_id for c in claims}) == 3
    assert len({c.family for c in claims}) == 1
    assert second["user"] == {"id": "user-2", "email": "alice@example.com"}
    assert system.tokens.decode(second["accessToken"], expected="access").subject == "user-2"
    assert [(row.jti, row.revoked_at is not None) for row in rows] == [
        (claims[0].token_id, True),
        (claims[1].token_id, True),
        (claims[2].token_id, False),
    ]


async def test_reusing_a_rotated_refresh_token_revokes_the_whole_family(system_factory) -> None:
    system: System
    async with system_factory("users") as system:
        stolen = (await login(system))["refreshToken"]
        current = (await refresh(system, stolen))["data"]["refreshToken"]["refreshToken"]
        replay = await refresh(system, stolen)
        after = await refresh(system, current)
        rows = await stored_tokens(system)
    assert codes(replay) == ["UNAUTHENTICATED"]
    assert replay["errors"][0]["message"] == REUSED
    # The legitimate holder's newest token died with the family: both must sign in again.
    assert codes(after) == ["UNAUTHENTICATED"]
    assert all(row.revoked_at is not None for row in rows)


async def test_reuse_detection_leaves_other_sign_ins_alone(system_factory) -> None:
    async with system_factory("users") as system:
        laptop = (await login(system))["refreshToken"]
        phone = (await login(system))["refreshToken"]
        await refresh(system, laptop)
        await refresh(system, laptop)  # reuse: ends the laptop family only
        body = await refresh(system, phone)
    assert "errors" not in body


async def test_concurrent_rotations_of_one_token_let_exactly_one_win(system_factory) -> None:
    async with system_factory("users") as system:
        token = (await login(system))["refreshToken"]
        results = await asyncio.gather(*(refresh(system, token) for _ in range(4)))
    winners = [body for body in results if "errors" not in body]
    losers = [body for body in results if "errors" in body]
    assert len(winners) == 1
    assert all(codes(body) == ["UNAUTHENTICATED"] for body in losers)


async def test_refresh_with_an_invalid_token_is_unauthenticated(system_factory) -> None:
    system: System
    async with system_factory("users") as system:
        real = (await login(system))["refreshToken"]
        invalid = {
            "garbage": "not-a-jwt",
            "access token": system.token_for("user-2"),
            "tampered": real[:-3] + "abc",
            # Correctly signed but never issued by this service (no stored jti).
            "foreign": system.tokens.issue_refresh(subject="user-2", family="f")[0],
        }
        for kind, token in invalid.items():
            body = await refresh(system, token)
            assert codes(body) == ["UNAUTHENTICATED"], kind
            assert body["errors"][0]["message"] == INVALID
        still_valid = await refresh(system, real)
    assert "errors" not in still_valid


async def test_logout_revokes_the_family_so_its_tokens_no_longer_refresh(system_factory) -> None:
    async with system_factory("users") as system:
        first = (await login(system))["refreshToken"]
        current = (await refresh(system, first))["data"]["refreshToken"]["refreshToken"]
        out = await system.graphql("users", LOGOUT, {"token": current})
        again = await system.graphql("users", LOGOUT, {"token": current})
        body = await refresh(system, current)
    assert out == {"data": {"logout": True}}
    assert again == {"data": {"logout": True}}
    assert codes(body) == ["UNAUTHENTICATED"]


async def test_logout_with_an_invalid_token_is_unauthenticated(system_factory) -> None:
    async with system_factory("users") as system:
        body = await system.graphql("users", LOGOUT, {"token": "nope"})
    assert codes(body) == ["UNAUTHENTICATED"]


async def test_refresh_tokens_are_stored_by_id_never_as_tokens(system_factory) -> None:
    system: System
    async with system_factory("users") as system:
        token = (await login(system))["refreshToken"]
        rows = await stored_tokens(system)
    columns = {column.key for column in inspect(RefreshTokenRow).columns}
    assert columns == {"jti", "family", "user_id", "expires_at", "revoked_at", "created_at"}
    claims = system.tokens.decode(token, expected="refresh")
    (row,) = rows
    assert (row.jti, row.family, row.user_id) == (claims.token_id, claims.family, "user-2")
    assert int(row.expires_at.timestamp()) == claims.expires_at
    assert all(token not in str(getattr(row, column)) for column in columns)

"""The users subgraph's defences: login throttling, the password policy, refresh-token reuse, and
the JWKS it publishes for RS256/ES256."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from router.server._auth import RouterAuth
from subgraphs.users.accounts import LoginThrottle, TooManyAttempts
from subgraphs.users.throttle import MemoryWindows

from ..subgraphs.harness import System, start_system
from .keys import rsa_pem

LOGIN = """mutation($email: String!, $password: String!) {
  login(email: $email, password: $password) { accessToken } }"""
REGISTER = """mutation($email: String!, $password: String!) {
  register(email: $email, name: "N", password: $password) { accessToken } }"""
ROUTER = RouterAuth(secret="dev-only-jwt-secret-change-me-0123456789abcdef")


def code(body: dict[str, Any]) -> str | None:
    errors = body.get("errors") or []
    return errors[0]["extensions"]["code"] if errors else None


@pytest.fixture
async def users(tmp_path: Path) -> AsyncIterator[System]:
    async with start_system(["users"], backend="sqlite", tmp_path=tmp_path, login_max_failures=3) as system:
        yield system


async def login(system: System, email: str, password: str, *, client_ip: str | None = None) -> dict[str, Any]:
    headers = ROUTER.internal_headers(None, client_ip=client_ip) if client_ip else {}
    async with system.client("users") as client:
        response = await client.post(
            "/graphql",
            json={"query": LOGIN, "variables": {"email": email, "password": password}},
            headers=headers,
        )
    body: dict[str, Any] = response.json()
    return body


async def test_repeated_failed_logins_are_throttled_before_the_password_is_checked(users: System) -> None:
    for _ in range(3):
        assert code(await login(users, "alice@example.com", "wrong-password")) == "UNAUTHENTICATED"
    body = await login(users, "alice@example.com", "alice-password-1")  # even the right one now
    assert code(body) == "TOO_MANY_ATTEMPTS"
    assert body["data"] is None
    error = body["errors"][0]
    assert 0 < error["extensions"]["retryAfter"] <= 900
    assert "alice-password-1" not in str(body)
    # Another account is not affected.
    assert code(await login(users, "bob@example.com", "bob-password-1")) is None


async def test_unknown_emails_are_throttled_the_same_way(users: System) -> None:
    for _ in range(3):
        assert code(await login(users, "nobody@example.com", "whatever-password")) == "UNAUTHENTICATED"
    assert code(await login(users, "nobody@example.com", "whatever-password")) == "TOO_MANY_ATTEMPTS"


async def test_one_client_ip_guessing_many_accounts_is_throttled(users: System) -> None:
    # Per IP the budget is 4x the per-email one: 12 failures spread over 6 emails.
    for attempt in range(12):
        body = await login(
            users, f"victim{attempt % 6}@example.com", "guess-guess-1", client_ip="198.51.100.7"
        )
        assert code(body) == "UNAUTHENTICATED"
    blocked = await login(users, "bob@example.com", "bob-password-1", client_ip="198.51.100.7")
    assert code(blocked) == "TOO_MANY_ATTEMPTS"
    # The same account from another address still signs in.
    assert code(await login(users, "bob@example.com", "bob-password-1", client_ip="192.0.2.1")) is None


async def test_throttle_window_slides() -> None:
    now = [0.0]
    throttle = LoginThrottle(max_failures=2, window_seconds=60, windows=MemoryWindows(clock=lambda: now[0]))
    await throttle.begin("a@example.com", None)
    now[0] = 30
    await throttle.begin("a@example.com", None)
    with pytest.raises(TooManyAttempts) as info:
        await throttle.begin("a@example.com", None)
    assert info.value.extensions == {"code": "TOO_MANY_ATTEMPTS", "retryAfter": 30}
    now[0] = 61  # the first failure left the window
    await throttle.begin("a@example.com", None)


async def test_throttle_memory_is_bounded() -> None:
    windows = MemoryWindows(max_keys=10)
    throttle = LoginThrottle(max_failures=1, window_seconds=60, windows=windows)
    for index in range(1000):
        await throttle.begin(f"user{index}@example.com", None)
    assert len(windows) <= 10


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("short", "at least 10"),
        ("x" * 257, "at most 256"),
        ("newperson@example.com", "email"),
        ("newperson", "at least 10"),
        ("password123", "too easy"),
        ("aaaaaaaaaaaa", "too easy"),
        ("abababababab", "too easy"),
    ],
)
async def test_password_policy_refuses_weak_passwords(users: System, password: str, why: str) -> None:
    body = await users.graphql("users", REGISTER, {"email": "newperson@example.com", "password": password})
    assert code(body) == "BAD_USER_INPUT"
    assert why in body["errors"][0]["message"]


async def test_oversized_password_at_login_is_refused_without_hashing(users: System) -> None:
    assert code(await login(users, "alice@example.com", "x" * 100_000)) == "UNAUTHENTICATED"


async def test_admin_tokens_carry_the_admin_scope_customers_none(users: System) -> None:
    admin = (await login(users, "admin@example.com", "admin-password-1"))["data"]["login"]["accessToken"]
    alice = (await login(users, "alice@example.com", "alice-password-1"))["data"]["login"]["accessToken"]
    assert (await ROUTER.verify(admin)).scopes == frozenset({"admin"})
    assert (await ROUTER.verify(alice)).scopes == frozenset()


async def test_users_publishes_its_rs256_keys_and_the_router_verifies_with_them(tmp_path: Path) -> None:
    import httpx

    key = rsa_pem("users-jwks")
    async with start_system(
        ["users"], backend="sqlite", tmp_path=tmp_path, jwt_algorithm="RS256", jwt_private_keys=(key,)
    ) as system:
        async with system.client("users") as client:
            jwks = (await client.get("/.well-known/jwks.json")).json()
            body = (
                await client.post(
                    "/graphql",
                    json={
                        "query": LOGIN,
                        "variables": {"email": "alice@example.com", "password": "alice-password-1"},
                    },
                )
            ).json()
        token = body["data"]["login"]["accessToken"]
        async with httpx.AsyncClient(transport=system.transport) as http:
            router = RouterAuth(algorithm="RS256", jwks_url="http://users/.well-known/jwks.json", http=http)
            claims = await router.verify(token)
    assert claims.subject == "user-2"
    assert [k["kty"] for k in jwks["keys"]] == ["RSA"]
    assert all("d" not in k and "p" not in k for k in jwks["keys"])


REFRESH = "mutation($t: String!) { refreshToken(refreshToken: $t) { refreshToken } }"
LOGOUT = "mutation($t: String!) { logout(refreshToken: $t) }"


async def test_a_replayed_refresh_token_ends_the_whole_sign_in(users: System) -> None:
    body = await users.graphql(
        "users",
        'mutation { login(email: "carol@example.com", password: "carol-password-1") { refreshToken } }',
    )
    first = body["data"]["login"]["refreshToken"]
    second = (await users.graphql("users", REFRESH, {"t": first}))["data"]["refreshToken"]["refreshToken"]
    assert code(await users.graphql("users", REFRESH, {"t": first})) == "UNAUTHENTICATED"  # replay
    assert code(await users.graphql("users", REFRESH, {"t": second})) == "UNAUTHENTICATED"  # family revoked


async def test_logout_revokes_the_refresh_token(users: System) -> None:
    body = await users.graphql(
        "users",
        'mutation { login(email: "carol@example.com", password: "carol-password-1") { refreshToken } }',
    )
    token = body["data"]["login"]["refreshToken"]
    assert (await users.graphql("users", LOGOUT, {"t": token}))["data"] == {"logout": True}
    assert code(await users.graphql("users", REFRESH, {"t": token})) == "UNAUTHENTICATED"

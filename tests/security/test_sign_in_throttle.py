"""The sign-in throttles across users replicas (Redis), when Redis is down, and for registration.

Replicas are two users apps on one database whose throttles share one Redis; each test gets a key
prefix of its own so tests never see each other's windows.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis.asyncio as aioredis

from router.server._auth import RouterAuth
from subgraphs.users.app import create_app
from subgraphs.users.throttle import Attempt, LoginThrottle, RedisWindows, TooManyAttempts, open_windows

from ..services import REDIS_URL, redis_key_prefix
from ..subgraphs.harness import System, make_settings, start_system

LOGIN = """mutation($email: String!, $password: String!) {
  login(email: $email, password: $password) { accessToken } }"""
REGISTER = """mutation($email: String!, $password: String!) {
  register(email: $email, name: "N", password: $password) { accessToken } }"""
ROUTER = RouterAuth(secret="dev-only-jwt-secret-change-me-0123456789abcdef")
#: Nothing listens here: every Redis call fails at once with a connection error.
DEAD_REDIS = "redis://127.0.0.1:1/0"


def code(body: dict[str, Any]) -> str | None:
    errors = body.get("errors") or []
    return errors[0]["extensions"]["code"] if errors else None


@pytest.fixture
async def redis_prefix() -> AsyncIterator[str]:
    async with redis_key_prefix("test-throttle") as prefix:
        yield prefix


class Replicas:
    """Users apps on one database, called in turn or by index."""

    def __init__(self, apps: list[Any]) -> None:
        self.apps = apps

    async def post(self, replica: int, query: str, variables: dict[str, Any], *, ip: str) -> dict[str, Any]:
        transport = httpx.ASGITransport(app=self.apps[replica])
        async with httpx.AsyncClient(transport=transport, base_url="http://users") as client:
            response = await client.post(
                "/graphql",
                json={"query": query, "variables": variables},
                headers=ROUTER.internal_headers(None, client_ip=ip),
            )
        body: dict[str, Any] = response.json()
        return body

    async def login(
        self, replica: int, email: str, password: str, *, ip: str = "192.0.2.10"
    ) -> dict[str, Any]:
        return await self.post(replica, LOGIN, {"email": email, "password": password}, ip=ip)

    async def metrics(self, replica: int) -> str:
        transport = httpx.ASGITransport(app=self.apps[replica])
        async with httpx.AsyncClient(transport=transport, base_url="http://users") as client:
            return (await client.get("/metrics")).text


async def _replicas(tmp_path: Path, count: int, **settings: Any) -> AsyncIterator[Replicas]:
    config = make_settings(login_max_failures=3, **settings)
    url = f"sqlite+aiosqlite:///{tmp_path / 'users.db'}"
    async with AsyncExitStack() as stack:
        apps = []
        for index in range(count):
            app = create_app(settings=config, database_url=url, seed_on_start=index == 0)
            await stack.enter_async_context(app.router.lifespan_context(app))
            apps.append(app)
        yield Replicas(apps)


@pytest.fixture
async def shared(tmp_path: Path, redis_prefix: str) -> AsyncIterator[Replicas]:
    async for replicas in _replicas(
        tmp_path, 2, throttle_redis_url=REDIS_URL, throttle_key_prefix=redis_prefix
    ):
        yield replicas


@pytest.fixture
async def redis_down(tmp_path: Path) -> AsyncIterator[Replicas]:
    async for replicas in _replicas(tmp_path, 1, cache_redis_url=DEAD_REDIS):
        yield replicas


async def test_failed_logins_on_any_replica_count_against_one_shared_limit(shared: Replicas) -> None:
    assert code(await shared.login(0, "alice@example.com", "wrong-password")) == "UNAUTHENTICATED"
    assert code(await shared.login(1, "alice@example.com", "wrong-password")) == "UNAUTHENTICATED"
    assert code(await shared.login(0, "alice@example.com", "wrong-password")) == "UNAUTHENTICATED"
    # Per process each replica has seen at most 2 of the 3 allowed failures; together they are out.
    for replica in (0, 1):
        body = await shared.login(replica, "alice@example.com", "alice-password-1")
        assert code(body) == "TOO_MANY_ATTEMPTS"
        assert 0 < body["errors"][0]["extensions"]["retryAfter"] <= 900
    assert code(await shared.login(1, "bob@example.com", "bob-password-1")) is None


async def test_one_ip_guessing_across_replicas_is_throttled_and_successes_do_not_count(
    shared: Replicas,
) -> None:
    ip = "198.51.100.7"
    for _ in range(20):  # successful logins from the same address are not failures
        assert code(await shared.login(0, "bob@example.com", "bob-password-1", ip=ip)) is None
    for attempt in range(12):  # 4 x 3 failures per IP, spread over emails and replicas
        body = await shared.login(attempt % 2, f"victim{attempt % 6}@example.com", "guess-guess-1", ip=ip)
        assert code(body) == "UNAUTHENTICATED"
    assert code(await shared.login(1, "bob@example.com", "bob-password-1", ip=ip)) == "TOO_MANY_ATTEMPTS"
    assert code(await shared.login(0, "bob@example.com", "bob-password-1", ip="192.0.2.1")) is None


async def test_a_successful_login_clears_its_emails_failures_everywhere(shared: Replicas) -> None:
    for _ in range(2):
        assert code(await shared.login(0, "alice@example.com", "wrong-password")) == "UNAUTHENTICATED"
    assert code(await shared.login(1, "alice@example.com", "alice-password-1")) is None
    for _ in range(3):
        assert code(await shared.login(0, "alice@example.com", "wrong-password")) == "UNAUTHENTICATED"
    assert code(await shared.login(1, "alice@example.com", "alice-password-1")) == "TOO_MANY_ATTEMPTS"


async def test_a_burst_of_concurrent_guesses_gets_only_the_limit_through(redis_prefix: str) -> None:
    windows = [RedisWindows(aioredis.Redis.from_url(REDIS_URL), prefix=redis_prefix) for _ in range(2)]
    throttles = [LoginThrottle(max_failures=3, window_seconds=60, windows=w) for w in windows]

    async def guess(index: int) -> bool:
        try:
            await throttles[index % 2].begin("carol@example.com", None)
        except TooManyAttempts:
            return False
        return True

    admitted = await asyncio.gather(*(guess(index) for index in range(30)))
    assert sum(admitted) == 3
    for w in windows:
        await w.aclose()


async def test_redis_windows_slide_and_say_how_long_to_wait(redis_prefix: str) -> None:
    now = [1_000.0]
    windows = RedisWindows(aioredis.Redis.from_url(REDIS_URL), prefix=redis_prefix, clock=lambda: now[0])
    assert isinstance(await windows.acquire([("k", 2)], window_seconds=60), Attempt)
    now[0] += 30
    assert isinstance(await windows.acquire([("k", 2)], window_seconds=60), Attempt)
    now[0] += 10
    assert await windows.acquire([("k", 2)], window_seconds=60) == pytest.approx(20)
    now[0] += 20.001  # the first attempt left the window
    assert isinstance(await windows.acquire([("k", 2)], window_seconds=60), Attempt)
    assert windows.errors() == 0
    await windows.aclose()


async def test_redis_keys_hold_no_email_addresses_and_expire(redis_prefix: str) -> None:
    client = aioredis.Redis.from_url(REDIS_URL)
    windows = RedisWindows(client, prefix=redis_prefix)
    await LoginThrottle(max_failures=3, window_seconds=60, windows=windows).begin(
        "dave@example.com", "192.0.2.5"
    )
    keys = [key.decode() async for key in client.scan_iter(match=redis_prefix + "*")]
    assert len(keys) == 2
    assert not any("dave" in key or "192.0.2.5" in key for key in keys)
    for key in keys:
        assert 0 < await client.pttl(key) <= 60_000
    await windows.aclose()


async def test_without_a_throttle_url_the_cache_redis_is_used_under_the_cache_prefix(
    redis_prefix: str,
) -> None:
    windows = open_windows(make_settings(cache_redis_url=REDIS_URL, cache_key_prefix=redis_prefix))
    assert isinstance(windows, RedisWindows)
    await LoginThrottle(max_failures=3, window_seconds=60, windows=windows).begin("erin@example.com", None)
    client = aioredis.Redis.from_url(REDIS_URL)
    assert len([key async for key in client.scan_iter(match=redis_prefix + "throttle:*")]) == 1
    await client.aclose()
    await windows.aclose()


async def test_with_redis_down_logins_still_work_and_are_throttled_per_process(
    redis_down: Replicas, caplog: pytest.LogCaptureFixture
) -> None:
    # Fail open, to the in-process windows: signing in works, guessing is still slowed down.
    with caplog.at_level(logging.WARNING, logger="subgraphs.users.throttle"):
        assert code(await redis_down.login(0, "alice@example.com", "alice-password-1")) is None
        for _ in range(3):
            assert code(await redis_down.login(0, "alice@example.com", "wrong-password")) == "UNAUTHENTICATED"
        assert code(await redis_down.login(0, "alice@example.com", "alice-password-1")) == "TOO_MANY_ATTEMPTS"
    warnings = [r for r in caplog.records if "throttling per process" in r.getMessage()]
    assert len(warnings) == 1  # once per outage, not once per request
    metrics = await redis_down.metrics(0)
    errors = next(line for line in metrics.splitlines() if line.startswith("subgraph_throttle_store_errors"))
    assert float(errors.split()[-1]) >= 5


# -- registration -------------------------------------------------------------------------------


@pytest.fixture
async def users(tmp_path: Path) -> AsyncIterator[System]:
    async with start_system(["users"], backend="sqlite", tmp_path=tmp_path, register_max_per_ip=2) as system:
        yield system


async def register(
    system: System, email: str, *, ip: str, password: str = "a-good-passphrase"
) -> dict[str, Any]:
    async with system.client("users") as client:
        response = await client.post(
            "/graphql",
            json={"query": REGISTER, "variables": {"email": email, "password": password}},
            headers=ROUTER.internal_headers(None, client_ip=ip),
        )
    body: dict[str, Any] = response.json()
    return body


async def test_registrations_are_throttled_per_client_ip(users: System) -> None:
    assert code(await register(users, "new1@example.com", ip="203.0.113.9")) is None
    # A refused attempt counts too: probing which emails exist costs the same budget.
    assert code(await register(users, "alice@example.com", ip="203.0.113.9")) == "CONFLICT"
    body = await register(users, "new2@example.com", ip="203.0.113.9")
    assert body["data"] is None
    assert body["errors"][0]["message"].startswith("Too many registrations from this address")
    assert body["errors"][0]["extensions"] == {"code": "TOO_MANY_ATTEMPTS", "retryAfter": 3600}
    # Another address is not affected, and the refused email was not created.
    assert code(await register(users, "new2@example.com", ip="203.0.113.10")) is None


async def test_registration_shares_the_window_across_replicas(tmp_path: Path, redis_prefix: str) -> None:
    async for replicas in _replicas(
        tmp_path, 2, throttle_redis_url=REDIS_URL, throttle_key_prefix=redis_prefix, register_max_per_ip=2
    ):
        variables = {"password": "a-good-passphrase"}
        assert (
            code(await replicas.post(0, REGISTER, {**variables, "email": "r1@example.com"}, ip="203.0.113.1"))
            is None
        )
        assert (
            code(await replicas.post(1, REGISTER, {**variables, "email": "r2@example.com"}, ip="203.0.113.1"))
            is None
        )
        body = await replicas.post(0, REGISTER, {**variables, "email": "r3@example.com"}, ip="203.0.113.1")
        assert code(body) == "TOO_MANY_ATTEMPTS"

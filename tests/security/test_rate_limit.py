"""The router's rate limiter: a sliding window per client, in memory and in Redis (real server)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from starlette.requests import Request

from router.executor import Claims
from router.server._rate_limit import (
    MemoryRateLimiter,
    RedisRateLimiter,
    client_ip,
    client_key,
    too_many_requests_response,
)

from ..services import REDIS_URL, unavailable


async def test_memory_window_allows_the_limit_then_refuses_with_retry_after() -> None:
    now = [100.0]
    limiter = MemoryRateLimiter(limit=3, window_seconds=10, clock=lambda: now[0])
    decisions = [await limiter.hit("ip:1") for _ in range(3)]
    assert [d.remaining for d in decisions] == [2, 1, 0]
    now[0] = 104.0
    refused = await limiter.hit("ip:1")
    assert not refused.allowed and refused.retry_after == pytest.approx(6.0)
    assert (await limiter.hit("ip:2")).allowed  # another client has its own budget
    now[0] = 110.5  # the first three left the window: it slides, it does not reset
    assert (await limiter.hit("ip:1")).allowed


async def test_memory_limiter_tracks_a_bounded_number_of_clients() -> None:
    limiter = MemoryRateLimiter(limit=1, window_seconds=60, max_keys=100)
    for index in range(10_000):
        await limiter.hit(f"ip:{index}")
    assert len(limiter._hits) <= 100


def test_429_has_retry_after_in_whole_seconds_and_a_graphql_error() -> None:
    from router.server._rate_limit import RateDecision

    response = too_many_requests_response(RateDecision(allowed=False, limit=10, remaining=0, retry_after=2.2))
    assert response.status_code == 429
    assert response.headers["retry-after"] == "3"
    assert b'"code":"RATE_LIMITED"' in response.body


def request_from(peer: str, forwarded: str | None = None) -> Request:
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
    scope: dict[str, Any] = {
        "type": "http",
        "method": "POST",
        "path": "/graphql",
        "headers": headers,
        "client": (peer, 1234),
    }
    return Request(scope)


def test_client_key_is_the_verified_subject_else_the_ip() -> None:
    request = request_from("10.0.0.5")
    assert client_key(request, Claims(subject="user-2")) == "sub:user-2"
    assert client_key(request, None) == "ip:10.0.0.5"


def test_forwarded_for_is_only_read_through_trusted_proxies() -> None:
    spoofed = request_from("10.0.0.5", "1.1.1.1, 203.0.113.9")
    assert client_ip(spoofed) == "10.0.0.5"  # no proxy configured: the header is the client's word
    assert client_ip(spoofed, trusted_proxy_hops=1) == "203.0.113.9"  # what our one proxy saw
    assert client_ip(spoofed, trusted_proxy_hops=2) == "1.1.1.1"


@pytest.fixture
async def redis_limiter() -> AsyncIterator[RedisRateLimiter]:
    limiter = RedisRateLimiter.from_url(
        REDIS_URL, limit=3, window_seconds=2, key_prefix=f"test:rate:{uuid.uuid4().hex}:"
    )
    try:
        await limiter._redis.ping()
    except Exception as exc:
        await limiter.aclose()
        unavailable("Redis", exc)
    yield limiter
    await limiter.aclose()


async def test_redis_window_is_shared_by_router_instances(redis_limiter: RedisRateLimiter) -> None:
    other_instance = RedisRateLimiter(
        redis_limiter._redis, limit=3, window_seconds=2, key_prefix=redis_limiter._prefix
    )
    assert (await redis_limiter.hit("sub:user-2")).allowed
    assert (await other_instance.hit("sub:user-2")).allowed
    assert (await redis_limiter.hit("sub:user-2")).remaining == 0
    refused = await other_instance.hit("sub:user-2")
    assert not refused.allowed and 0 < refused.retry_after <= 2
    assert (await other_instance.hit("sub:user-3")).allowed


async def test_redis_failure_falls_back_to_memory_not_to_an_error() -> None:
    limiter = RedisRateLimiter.from_url("redis://127.0.0.1:1/0", limit=2, window_seconds=60)
    try:
        assert (await limiter.hit("ip:1")).allowed
        assert (await limiter.hit("ip:1")).allowed
        assert not (await limiter.hit("ip:1")).allowed
    finally:
        await limiter.aclose()

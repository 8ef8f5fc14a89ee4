"""Rate limiting per client: a sliding window of requests, in Redis (shared) or in memory (dev).

The client is the verified token subject when the request has one (a user keeps one budget across
addresses and devices), else the client IP (``X-Forwarded-For`` is read only through the number of
proxies the deployment says it has: a client can prepend anything to that header). Keying by an
*unverified* token would let a client pick a fresh key per request, so the key is taken after
``RouterAuth`` verified the token.

The window is a sliding log (each request a timestamp; a request is allowed when fewer than
``limit`` fall in the last ``window``): exact, and ``Retry-After`` is simply when the oldest one
leaves the window. In Redis it is one Lua script per request (``ZREMRANGEBYSCORE``, ``ZCARD``,
``ZADD``, ``PEXPIRE``, atomic, using Redis's clock so router instances agree). When Redis fails the
router falls back to its in-memory window and logs it: limits become per instance for that time,
never off and never an error for the client.

A refused request gets ``429`` with ``Retry-After`` (RFC 9110 section 10.2.3, whole seconds) and a
GraphQL error body.
"""

from __future__ import annotations

import logging
import math
import time
import uuid
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Protocol

import orjson
from starlette.responses import Response

if TYPE_CHECKING:
    import redis.asyncio as aioredis
    from starlette.requests import HTTPConnection

    from router.executor import Claims

__all__ = [
    "MemoryRateLimiter",
    "RateDecision",
    "RateLimiter",
    "RedisRateLimiter",
    "client_ip",
    "client_key",
    "too_many_requests_response",
]

log = logging.getLogger("router")

RATE_LIMITED: Final = "RATE_LIMITED"


@dataclass(frozen=True, slots=True, kw_only=True)
class RateDecision:
    """The verdict on one request: allowed or not, what is left, and when to retry (seconds)."""

    allowed: bool
    limit: int
    remaining: int
    retry_after: float = 0.0


class RateLimiter(Protocol):
    async def hit(self, key: str) -> RateDecision: ...

    async def aclose(self) -> None: ...


class MemoryRateLimiter:
    """The sliding window in process memory; at most ``max_keys`` clients tracked (least recently
    seen forgotten first, which can only let a forgotten client through early)."""

    def __init__(
        self,
        *,
        limit: int,
        window_seconds: float,
        max_keys: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if limit < 1 or window_seconds <= 0:
            raise ValueError("a rate limit needs limit >= 1 and a positive window")
        self._limit = limit
        self._window = window_seconds
        self._max_keys = max_keys
        self._clock = clock
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()

    async def hit(self, key: str) -> RateDecision:
        now = self._clock()
        times = self._hits.get(key)
        if times is None:
            times = self._hits[key] = deque()
            if len(self._hits) > self._max_keys:
                self._hits.popitem(last=False)
        else:
            self._hits.move_to_end(key)
        while times and times[0] <= now - self._window:
            times.popleft()
        if len(times) >= self._limit:
            return RateDecision(
                allowed=False, limit=self._limit, remaining=0, retry_after=times[0] + self._window - now
            )
        times.append(now)
        return RateDecision(allowed=True, limit=self._limit, remaining=self._limit - len(times))

    async def aclose(self) -> None:
        self._hits.clear()


# KEYS[1] the client's sorted set; ARGV: window (ms), limit, a unique member. Returns
# {allowed, remaining, retry_after_ms}. TIME is Redis's clock, the same for every router instance.
_SLIDING_WINDOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return {1, limit - count - 1, 0}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {0, 0, tonumber(oldest[2]) + window - now}
"""


class RedisRateLimiter:
    """The sliding window in Redis, shared by every router instance; falls back to memory."""

    def __init__(
        self,
        client: aioredis.Redis,
        *,
        limit: int,
        window_seconds: float,
        key_prefix: str = "router:rate:",
        fallback: MemoryRateLimiter | None = None,
    ) -> None:
        self._redis = client
        self._limit = limit
        self._window_ms = max(1, int(window_seconds * 1000))
        self._prefix = key_prefix
        self._script = client.register_script(_SLIDING_WINDOW)
        self._fallback = fallback or MemoryRateLimiter(limit=limit, window_seconds=window_seconds)

    @classmethod
    def from_url(
        cls, url: str, *, limit: int, window_seconds: float, key_prefix: str = "router:rate:"
    ) -> RedisRateLimiter:
        import redis.asyncio as aioredis

        # Short timeouts: a slow Redis must cost a request milliseconds, then the fallback decides.
        client = aioredis.Redis.from_url(url, socket_timeout=0.25, socket_connect_timeout=0.25)
        return cls(client, limit=limit, window_seconds=window_seconds, key_prefix=key_prefix)

    async def hit(self, key: str) -> RateDecision:
        try:
            result: Any = await self._script(
                keys=[self._prefix + key], args=[self._window_ms, self._limit, uuid.uuid4().hex]
            )
            allowed, remaining, retry_ms = (int(part) for part in result)
        except Exception as exc:  # any Redis or socket failure: limit in memory instead
            log.warning(
                "rate limiting in Redis failed, using memory: %s", exc, extra={"error": type(exc).__name__}
            )
            return await self._fallback.hit(key)
        return RateDecision(
            allowed=bool(allowed), limit=self._limit, remaining=remaining, retry_after=retry_ms / 1000
        )

    async def aclose(self) -> None:
        await self._redis.aclose()


def client_ip(request: HTTPConnection, *, trusted_proxy_hops: int = 0) -> str | None:
    """The client's address: the peer, or with ``trusted_proxy_hops`` proxies in front, the address
    the outermost trusted proxy saw (counted from the right of ``X-Forwarded-For``)."""
    peer = request.client.host if request.client is not None else None
    if trusted_proxy_hops <= 0:
        return peer
    forwarded = [
        part.strip() for part in request.headers.get("x-forwarded-for", "").split(",") if part.strip()
    ]
    if len(forwarded) >= trusted_proxy_hops:
        return forwarded[-trusted_proxy_hops]
    return forwarded[0] if forwarded else peer


def client_key(request: HTTPConnection, claims: Claims | None, *, trusted_proxy_hops: int = 0) -> str:
    """``sub:<subject>`` for a verified token, else ``ip:<address>``."""
    if claims is not None:
        return "sub:" + claims.subject
    return "ip:" + (client_ip(request, trusted_proxy_hops=trusted_proxy_hops) or "unknown")


def too_many_requests_response(decision: RateDecision, *, media_type: str = "application/json") -> Response:
    """429 with ``Retry-After`` in whole seconds (at least 1) and a GraphQL error body."""
    seconds = max(1, math.ceil(decision.retry_after))
    body = {
        "errors": [
            {
                "message": f"Too many requests; retry in {seconds} seconds.",
                "extensions": {"code": RATE_LIMITED, "retryAfter": seconds},
            }
        ]
    }
    return Response(
        orjson.dumps(body),
        status_code=429,
        media_type=media_type,
        headers={
            "Retry-After": str(seconds),
            "RateLimit-Limit": str(decision.limit),
            "RateLimit-Remaining": "0",
        },
    )

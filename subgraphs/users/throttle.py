"""Throttles of the sign-in mutations: failed logins per email and per client IP, registrations per
client IP, each a sliding window of attempts.

A throttle *acquires* an attempt before the expensive work (password hashing) starts: when every key
of the attempt (its email, its IP) has fewer entries in the window than its limit, one entry is
recorded under each key in the same step; otherwise nothing is recorded and the attempt is refused
with TOO_MANY_ATTEMPTS and ``retryAfter``. Recording on acquire, not after the password check,
means a burst of concurrent guesses cannot all pass the check before the first failure is counted.
A successful login then gives its entries back (and clears its email's window).

Where the windows live (:func:`open_windows`):

- :class:`MemoryWindows`, the embedded default: per process, bounded. With N users replicas the
  effective limit is N times the configured one.
- :class:`RedisWindows` (``THROTTLE_REDIS_URL``, else ``CACHE_REDIS_URL``): one sorted set per key
  (score = time of the attempt) shared by every replica, checked and updated atomically by one Lua
  script per attempt, so the limit holds across replicas. Keys are hashed (no email addresses in
  Redis) and expire with their window.

A Redis outage *fails open to the in-process windows*: each replica goes on throttling on its own
(the per-replica limit of the embedded default), logs the outage once, and counts every failed round
trip in ``subgraph_throttle_store_errors`` on ``/metrics``. Failing closed would turn a Redis outage
into a sign-in outage for every user, which a throttle - a brake on guessing, not an access control
- does not justify; falling back to memory rather than to no throttle at all keeps guessing slow
while Redis is away.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
import uuid
from collections import OrderedDict, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from subgraphs.common import ClientError

if TYPE_CHECKING:
    import redis.asyncio as aioredis

    from subgraphs.common import SubgraphSettings

__all__ = [
    "Attempt",
    "LoginThrottle",
    "MemoryWindows",
    "RedisWindows",
    "RegistrationThrottle",
    "TooManyAttempts",
    "Windows",
    "open_windows",
]

log = logging.getLogger("subgraphs.users.throttle")


class TooManyAttempts(ClientError):
    """TOO_MANY_ATTEMPTS, with ``retryAfter`` (seconds) in the extensions."""

    code = "TOO_MANY_ATTEMPTS"


@dataclass(frozen=True, slots=True, kw_only=True)
class Attempt:
    """Entries one acquired attempt recorded: ``token`` under each of ``keys``."""

    keys: tuple[str, ...]
    token: str


class Windows(Protocol):
    """Sliding windows of attempts by key (the stores behind the throttles)."""

    async def acquire(self, limits: Sequence[tuple[str, int]], *, window_seconds: float) -> Attempt | float:
        """Record one attempt under every key when each has fewer than its limit of attempts in
        the last ``window_seconds``, atomically; else record nothing and return the seconds until
        the attempt would be allowed."""
        ...

    async def release(self, attempt: Attempt, key: str) -> None:
        """Take ``attempt``'s entry under ``key`` back (it no longer counts)."""
        ...

    async def clear(self, key: str) -> None:
        """Forget every attempt under ``key``."""
        ...

    def errors(self) -> int:
        """Failed round trips to a shared store so far (0 for memory)."""
        ...

    async def aclose(self) -> None: ...


class MemoryWindows:
    """Windows in this process: a deque of attempt times per key, at most ``max_keys`` keys (the
    least recently used go first, which can only let an attacker through sooner, never lock a user
    out longer)."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic, max_keys: int = 100_000) -> None:
        self._clock = clock
        self._max_keys = max_keys
        self._attempts: OrderedDict[str, deque[tuple[float, str]]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._attempts)

    async def acquire(self, limits: Sequence[tuple[str, int]], *, window_seconds: float) -> Attempt | float:
        return self.acquire_now(limits, window_seconds=window_seconds)

    def acquire_now(self, limits: Sequence[tuple[str, int]], *, window_seconds: float) -> Attempt | float:
        """:meth:`acquire` without awaiting (also what :class:`RedisWindows` falls back to)."""
        now = self._clock()
        wait = 0.0
        for key, limit in limits:
            entries = self._recent(key, now, window_seconds)
            if entries is not None and len(entries) >= limit:
                # The attempt is allowed once enough entries left the window to be under the limit.
                wait = max(wait, entries[len(entries) - limit][0] + window_seconds - now)
        if wait > 0:
            return wait
        attempt = Attempt(keys=tuple(key for key, _limit in limits), token=uuid.uuid4().hex)
        for key in attempt.keys:
            entries = self._attempts.get(key)
            if entries is None:
                entries = self._attempts[key] = deque()
            entries.append((now, attempt.token))
            self._attempts.move_to_end(key)
        while len(self._attempts) > self._max_keys:
            self._attempts.popitem(last=False)
        return attempt

    async def release(self, attempt: Attempt, key: str) -> None:
        self.release_now(attempt, key)

    def release_now(self, attempt: Attempt, key: str) -> None:
        entries = self._attempts.get(key)
        if entries is None:
            return
        for entry in entries:
            if entry[1] == attempt.token:
                entries.remove(entry)
                break
        if not entries:
            del self._attempts[key]

    async def clear(self, key: str) -> None:
        self._attempts.pop(key, None)

    def errors(self) -> int:
        return 0

    async def aclose(self) -> None:
        return None

    def _recent(self, key: str, now: float, window_seconds: float) -> deque[tuple[float, str]] | None:
        entries = self._attempts.get(key)
        if entries is None:
            return None
        while entries and entries[0][0] <= now - window_seconds:
            entries.popleft()
        if not entries:
            del self._attempts[key]
            return None
        return entries


#: KEYS: the window keys. ARGV: now (ms), window (ms), the attempt's member, then one limit per key.
#: Returns {0, member} when recorded, else {1, milliseconds to wait}. All in one script, so two
#: replicas can never both take the last attempt of a window.
_ACQUIRE = """
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local wait = 0
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local limit = tonumber(ARGV[3 + i])
  local count = redis.call('ZCARD', key)
  if count >= limit then
    local entry = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
    local free_at = tonumber(entry[2]) + window
    if free_at - now > wait then wait = free_at - now end
  end
end
if wait > 0 then return {1, wait} end
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[3])
  redis.call('PEXPIRE', key, window)
end
return {0, ARGV[3]}
"""

_REDIS_TOKEN = "r:"


class RedisWindows:
    """Windows shared by every replica in Redis sorted sets, falling back to :class:`MemoryWindows`
    while Redis fails (see the module docstring).

    Times are this process's wall clock (``time.time``): replicas' clocks agree to well under a
    second, and windows are minutes long.
    """

    def __init__(
        self,
        client: aioredis.Redis,
        *,
        prefix: str,
        clock: Callable[[], float] = time.time,
        fallback: MemoryWindows | None = None,
    ) -> None:
        self._redis = client
        self._prefix = prefix
        self._clock = clock
        self._fallback = fallback or MemoryWindows()
        self._acquire = client.register_script(_ACQUIRE)
        self._errors = 0
        #: True while Redis is failing: the first failure is logged, the rest of the outage is not.
        self._failing = False

    @classmethod
    def from_url(cls, url: str, *, prefix: str) -> RedisWindows:
        import redis.asyncio as aioredis

        # Short timeouts: a slow Redis must not hold a sign-in longer than falling back does.
        client = aioredis.Redis.from_url(url, socket_timeout=0.25, socket_connect_timeout=0.25)
        return cls(client, prefix=prefix)

    async def acquire(self, limits: Sequence[tuple[str, int]], *, window_seconds: float) -> Attempt | float:
        token = _REDIS_TOKEN + uuid.uuid4().hex
        window_ms = max(1, round(window_seconds * 1000))
        try:
            recorded, value = await self._acquire(
                keys=[self._name(key) for key, _limit in limits],
                args=[round(self._clock() * 1000), window_ms, token, *(limit for _key, limit in limits)],
            )
        except Exception as exc:  # any Redis or socket failure: throttle in this process instead
            self._failed(exc)
            return self._fallback.acquire_now(limits, window_seconds=window_seconds)
        self._recovered()
        if int(recorded):
            return int(value) / 1000
        return Attempt(keys=tuple(key for key, _limit in limits), token=token)

    async def release(self, attempt: Attempt, key: str) -> None:
        if not attempt.token.startswith(_REDIS_TOKEN):
            self._fallback.release_now(attempt, key)
            return
        try:
            await self._redis.zrem(self._name(key), attempt.token)
        except Exception as exc:  # the entry then ages out with its window
            self._failed(exc)

    async def clear(self, key: str) -> None:
        await self._fallback.clear(key)
        try:
            await self._redis.delete(self._name(key))
        except Exception as exc:
            self._failed(exc)

    def errors(self) -> int:
        return self._errors

    async def aclose(self) -> None:
        await self._redis.aclose()

    def _name(self, key: str) -> str:
        # Hashed: the keys hold email addresses and IPs, which have no business sitting in Redis.
        return self._prefix + hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]

    def _failed(self, exc: Exception) -> None:
        self._errors += 1
        if not self._failing:
            self._failing = True
            log.warning(
                "sign-in throttle: Redis failed, throttling per process until it is back: %s",
                exc,
                extra={"error": type(exc).__name__},
            )

    def _recovered(self) -> None:
        if self._failing:
            self._failing = False
            log.info("sign-in throttle: Redis is back")


def open_windows(settings: SubgraphSettings) -> Windows:
    """Redis at ``THROTTLE_REDIS_URL`` (else ``CACHE_REDIS_URL``), else this process's memory."""
    url = settings.throttle_redis_url or settings.cache_redis_url
    if url is None:
        return MemoryWindows()
    prefix = settings.throttle_key_prefix
    if prefix is None:
        # Under the cache's prefix, so environments (and tests) that share one Redis keep apart.
        prefix = f"{settings.cache_key_prefix}throttle:"
    return RedisWindows.from_url(url, prefix=prefix)


def _refusal(message: str, wait: float) -> TooManyAttempts:
    seconds = max(1, math.ceil(wait))
    return TooManyAttempts(f"{message}; try again in {seconds} seconds.", retryAfter=seconds)


class LoginThrottle:
    """Login attempts per email and per client IP in a sliding window.

    An IP gets four times the per-email budget: several people can share one address (an office, a
    NAT), while one account being guessed is the attack this stops. Only failures count: a
    successful login gives back its IP entry and clears its email's window.
    """

    def __init__(self, *, max_failures: int, window_seconds: float, windows: Windows | None = None) -> None:
        self._email_limit = max_failures
        self._ip_limit = max_failures * 4
        self._window = window_seconds
        self._windows: Windows = windows if windows is not None else MemoryWindows()

    @classmethod
    def from_settings(cls, settings: SubgraphSettings, windows: Windows | None = None) -> LoginThrottle:
        return cls(
            max_failures=settings.login_max_failures,
            window_seconds=settings.login_failure_window_seconds,
            windows=windows,
        )

    async def begin(self, email: str, ip: str | None) -> Attempt:
        """Count this attempt as a failure until :meth:`succeeded`; TOO_MANY_ATTEMPTS when the email
        or the IP used up its failures in the window (then nothing is counted)."""
        limits = [(f"login:email:{email}", self._email_limit)]
        if ip:
            limits.append((f"login:ip:{ip}", self._ip_limit))
        acquired = await self._windows.acquire(limits, window_seconds=self._window)
        if not isinstance(acquired, Attempt):
            raise _refusal("Too many failed sign-in attempts", acquired)
        return acquired

    async def succeeded(self, attempt: Attempt) -> None:
        email_key, *ip_keys = attempt.keys
        await self._windows.clear(email_key)
        for key in ip_keys:
            await self._windows.release(attempt, key)


class RegistrationThrottle:
    """Registrations per client IP in a sliding window: every attempt counts (successful ones
    create accounts, failed ones can probe which emails have one)."""

    def __init__(self, *, max_attempts: int, window_seconds: float, windows: Windows | None = None) -> None:
        self._limit = max_attempts
        self._window = window_seconds
        self._windows: Windows = windows if windows is not None else MemoryWindows()

    @classmethod
    def from_settings(
        cls, settings: SubgraphSettings, windows: Windows | None = None
    ) -> RegistrationThrottle:
        return cls(
            max_attempts=settings.register_max_per_ip,
            window_seconds=settings.register_window_seconds,
            windows=windows,
        )

    async def begin(self, ip: str | None) -> None:
        """TOO_MANY_ATTEMPTS when the IP used up its registrations in the window. A request with
        no known address (none reaches the subgraph that way over HTTP) is not throttled."""
        if not ip:
            return
        acquired = await self._windows.acquire(
            [(f"register:ip:{ip}", self._limit)], window_seconds=self._window
        )
        if not isinstance(acquired, Attempt):
            raise _refusal("Too many registrations from this address", acquired)

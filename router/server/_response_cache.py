"""Response cache for public queries: whole GraphQL responses kept for a few seconds.

Only what every client would get alike is cached: a query operation (never a mutation) of an
anonymous request (no ``Authorization`` header, no verified claims) whose response has data and no
errors. The key is the SHA-256 of the canonical JSON of query text, operation name, variables and
the headers the router passes to subgraphs (``ROUTER_PROPAGATE_HEADERS``: a propagated
``accept-language`` may change an answer), so a different question is never given another's answer.

A mutation through the router clears the whole cache: no read through the router is stale after a
write through it. Clearing moves the cache to a new *generation*; a query stores its response under
the generation it looked up in, so a query that ran concurrently with the mutation (and may have
read the old data) stores into a generation nobody reads any more. Writes that do not pass through
the router (another router without a shared Redis, a subgraph's REST or events) are seen when the
entries expire: keep ``ROUTER_RESPONSE_CACHE_TTL_SECONDS`` short.

Stores: an in-memory LRU per router, or Redis shared by every router instance (the generation is a
Redis counter, so a mutation through one router clears the cache of all). A Redis error is a miss
(and the response is not stored), logged once per outage: the request is answered as without cache.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import orjson
from graphql import OperationType

from router.executor import LruCache

if TYPE_CHECKING:
    import redis.asyncio as aioredis

__all__ = [
    "CacheLookup",
    "MemoryResponseCache",
    "PublicResponseCache",
    "RedisResponseCache",
    "ResponseCache",
    "ResponseCacheObserver",
]

log = logging.getLogger("router")

#: Headers that differ per request without changing its answer.
_UNKEYED_HEADERS = frozenset({"x-request-id"})


@dataclass(frozen=True, slots=True, kw_only=True)
class CacheLookup:
    """The outcome of one lookup: the cached body, if any, and the generation to store under
    (``None`` when the store could not be read: nothing is stored then)."""

    key: str
    generation: str | None
    body: bytes | None


class ResponseCache(Protocol):
    async def lookup(self, key: str) -> CacheLookup: ...

    async def store(self, lookup: CacheLookup, body: bytes) -> None: ...

    async def clear(self) -> None: ...

    async def aclose(self) -> None: ...


class ResponseCacheObserver(Protocol):
    """Told of every lookup (the router's metrics count hits and misses)."""

    def response_cache_lookup(self, *, hit: bool) -> None: ...


class MemoryResponseCache:
    """At most ``size`` responses for ``ttl_seconds`` each, least recently used evicted first."""

    def __init__(self, *, size: int, ttl_seconds: float) -> None:
        self._size = size
        self._ttl = ttl_seconds
        self._generation = 0
        self._entries: LruCache[str, tuple[float, bytes]] = LruCache(size)

    async def lookup(self, key: str) -> CacheLookup:
        generation = str(self._generation)
        entry = self._entries.get(key)
        if entry is None or entry[0] <= time.monotonic():
            return CacheLookup(key=key, generation=generation, body=None)
        return CacheLookup(key=key, generation=generation, body=entry[1])

    async def store(self, lookup: CacheLookup, body: bytes) -> None:
        if lookup.generation == str(self._generation):
            self._entries.put(lookup.key, (time.monotonic() + self._ttl, body))

    async def clear(self) -> None:
        self._generation += 1
        self._entries = LruCache(self._size)

    async def aclose(self) -> None:
        return None


#: One round trip: the current generation and the entry stored under it.
_LOOKUP_SCRIPT = """
local generation = redis.call('GET', KEYS[1]) or '0'
return {generation, redis.call('GET', ARGV[1] .. generation .. ':' .. ARGV[2])}
"""


class RedisResponseCache:
    """Responses in Redis under ``<prefix><generation>:<key>`` with ``SET ... EX ttl``."""

    def __init__(
        self, client: aioredis.Redis, *, ttl_seconds: int, key_prefix: str = "router:response:"
    ) -> None:
        self._redis = client
        self._ttl = ttl_seconds
        self._prefix = key_prefix
        self._generation_key = key_prefix + "generation"
        self._lookup = client.register_script(_LOOKUP_SCRIPT)
        #: True while Redis is failing: the first failure is logged, the rest of the outage is not.
        self._failing = False

    @classmethod
    def from_url(
        cls, url: str, *, ttl_seconds: int, key_prefix: str = "router:response:"
    ) -> RedisResponseCache:
        import redis.asyncio as aioredis

        # Short socket timeouts: a slow Redis must cost less than answering without it.
        client = aioredis.Redis.from_url(url, socket_timeout=0.25, socket_connect_timeout=0.25)
        return cls(client, ttl_seconds=ttl_seconds, key_prefix=key_prefix)

    async def lookup(self, key: str) -> CacheLookup:
        try:
            generation, body = await self._lookup(keys=[self._generation_key], args=[self._prefix, key])
        except Exception as exc:  # any Redis or socket failure: a miss, never a failed request
            self._failed("lookup", exc)
            return CacheLookup(key=key, generation=None, body=None)
        self._recovered()
        return CacheLookup(key=key, generation=_text(generation), body=body)

    async def store(self, lookup: CacheLookup, body: bytes) -> None:
        if lookup.generation is None:
            return
        try:
            await self._redis.set(f"{self._prefix}{lookup.generation}:{lookup.key}", body, ex=self._ttl)
        except Exception as exc:
            self._failed("store", exc)
        else:
            self._recovered()

    async def clear(self) -> None:
        try:
            await self._redis.incr(self._generation_key)
        except Exception as exc:
            # Other routers keep their entries until the TTL ends; this one reads nothing from a
            # failing Redis anyway.
            self._failed("clear", exc)
        else:
            self._recovered()

    async def aclose(self) -> None:
        await self._redis.aclose()

    def _failed(self, what: str, exc: Exception) -> None:
        if not self._failing:
            self._failing = True
            log.warning(
                "response cache %s in Redis failed, answering without it until it is back: %s",
                what,
                exc,
                extra={"error": type(exc).__name__},
            )

    def _recovered(self) -> None:
        if self._failing:
            self._failing = False
            log.info("response cache in Redis is back")


class PublicResponseCache:
    """The policy around a :class:`ResponseCache`: what may be cached, the key, when to clear."""

    def __init__(self, cache: ResponseCache, *, observer: ResponseCacheObserver | None = None) -> None:
        self._cache = cache
        self._observer = observer

    async def lookup(
        self,
        *,
        operation: OperationType | None,
        public: bool,
        query: str,
        operation_name: str | None,
        variables: Mapping[str, Any] | None,
        headers: Mapping[str, str],
    ) -> CacheLookup | None:
        """The lookup of a cacheable request (its ``body`` answers it when not None), or None when
        the request must not be cached. ``public``: anonymous, and nothing else makes it personal."""
        if operation is not OperationType.QUERY or not public:
            return None
        keyed_headers = {name: value for name, value in headers.items() if name not in _UNKEYED_HEADERS}
        canonical = orjson.dumps(
            [query, operation_name, variables or {}, keyed_headers], option=orjson.OPT_SORT_KEYS
        )
        lookup = await self._cache.lookup(hashlib.sha256(canonical).hexdigest())
        if self._observer is not None:
            self._observer.response_cache_lookup(hit=lookup.body is not None)
        return lookup

    async def finished(
        self,
        lookup: CacheLookup | None,
        operation: OperationType | None,
        result: Mapping[str, Any],
        body: bytes,
    ) -> None:
        """Store a cacheable response without errors; clear everything after a mutation."""
        if operation is OperationType.MUTATION:
            await self._cache.clear()
        elif lookup is not None and lookup.body is None and "data" in result and not result.get("errors"):
            await self._cache.store(lookup, body)

    async def aclose(self) -> None:
        await self._cache.aclose()


def _text(value: bytes | str) -> str:
    return value.decode("ascii") if isinstance(value, bytes) else value

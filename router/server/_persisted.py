"""Automatic persisted queries, Apollo's APQ protocol (version 1).

A client sends ``extensions.persistedQuery = {version: 1, sha256Hash}`` without the query; when
the router knows the hash it runs the stored query, else it answers ``PERSISTED_QUERY_NOT_FOUND``
and the client sends hash and query together, which the router checks (the hash must be the SHA-256
of the query text) and stores. Hashes then travel instead of documents, and GET requests stay short
enough for CDNs to cache.

Stores: a bounded in-memory LRU per router; with Redis, the LRU sits in front of Redis (shared by
every router instance, entries expire after a TTL). A Redis that fails is logged and treated as a
miss: the client falls back to sending the query, nothing breaks.
"""

from __future__ import annotations

import hashlib
import logging
import re
from typing import TYPE_CHECKING, Any, Protocol

from router.executor import LruCache, client_error

if TYPE_CHECKING:
    from collections.abc import Mapping

    import redis.asyncio as aioredis

__all__ = ["MemoryQueryStore", "PersistedQueries", "PersistedQueryStore", "RedisQueryStore"]

log = logging.getLogger("router")

_SHA256_HEX = re.compile(r"[0-9a-fA-F]{64}")


class PersistedQueryStore(Protocol):
    async def get(self, sha256_hash: str) -> str | None: ...

    async def put(self, sha256_hash: str, query: str) -> None: ...

    async def aclose(self) -> None: ...


class MemoryQueryStore:
    """At most ``size`` queries, least recently used evicted first."""

    def __init__(self, size: int) -> None:
        self._cache: LruCache[str, str] = LruCache(size)

    async def get(self, sha256_hash: str) -> str | None:
        return self._cache.get(sha256_hash)

    async def put(self, sha256_hash: str, query: str) -> None:
        self._cache.put(sha256_hash, query)

    async def aclose(self) -> None:
        return None


class RedisQueryStore:
    """Redis (``SET key query EX ttl``) behind an in-memory LRU; Redis errors are misses."""

    def __init__(
        self, client: aioredis.Redis, *, ttl_seconds: int, memory_size: int, key_prefix: str = "router:apq:"
    ) -> None:
        self._redis = client
        self._ttl = ttl_seconds
        self._prefix = key_prefix
        self._memory = MemoryQueryStore(memory_size)

    @classmethod
    def from_url(
        cls, url: str, *, ttl_seconds: int, memory_size: int, key_prefix: str = "router:apq:"
    ) -> RedisQueryStore:
        import redis.asyncio as aioredis

        # Short socket timeouts: a slow Redis must not hold a request longer than a re-sent query.
        client = aioredis.Redis.from_url(
            url, decode_responses=True, socket_timeout=0.5, socket_connect_timeout=0.5
        )
        return cls(client, ttl_seconds=ttl_seconds, memory_size=memory_size, key_prefix=key_prefix)

    async def get(self, sha256_hash: str) -> str | None:
        query = await self._memory.get(sha256_hash)
        if query is not None:
            return query
        try:
            stored = await self._redis.get(self._prefix + sha256_hash)
        except Exception as exc:  # any Redis or socket failure: degrade to a miss
            log.warning(
                "persisted query lookup in Redis failed: %s", exc, extra={"error": type(exc).__name__}
            )
            return None
        if isinstance(stored, str):
            await self._memory.put(sha256_hash, stored)
            return stored
        return None

    async def put(self, sha256_hash: str, query: str) -> None:
        await self._memory.put(sha256_hash, query)
        try:
            await self._redis.set(self._prefix + sha256_hash, query, ex=self._ttl)
        except Exception as exc:
            log.warning("persisted query store in Redis failed: %s", exc, extra={"error": type(exc).__name__})

    async def aclose(self) -> None:
        await self._redis.aclose()


class PersistedQueries:
    """Resolves a request's query text from its APQ extension (``store`` None: APQ turned off)."""

    NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
    NOT_SUPPORTED = "PERSISTED_QUERY_NOT_SUPPORTED"
    HASH_MISMATCH = "PERSISTED_QUERY_HASH_MISMATCH"

    def __init__(self, store: PersistedQueryStore | None) -> None:
        self._store = store

    async def resolve(self, query: str | None, extensions: Mapping[str, Any] | None) -> str | dict[str, Any]:
        """The query text to run, or the one error that answers the request instead."""
        persisted = extensions.get("persistedQuery") if extensions else None
        if persisted is None:
            if query is None:
                return client_error("'query' must be a non-empty string", code="BAD_REQUEST")
            return query
        if self._store is None:
            return client_error("PersistedQueryNotSupported", code=self.NOT_SUPPORTED)
        if not isinstance(persisted, dict) or persisted.get("version") != 1:
            return client_error(
                "Unsupported persisted query version: only version 1 is supported.", code="BAD_REQUEST"
            )
        sha256_hash = persisted.get("sha256Hash")
        if not isinstance(sha256_hash, str) or not _SHA256_HEX.fullmatch(sha256_hash):
            return client_error(
                "'extensions.persistedQuery.sha256Hash' must be a hex SHA-256 hash.", code="BAD_REQUEST"
            )
        sha256_hash = sha256_hash.lower()
        if query is None:
            stored = await self._store.get(sha256_hash)
            if stored is None:
                # The message is what Apollo clients look for before re-sending with the query.
                return client_error("PersistedQueryNotFound", code=self.NOT_FOUND)
            return stored
        if hashlib.sha256(query.encode("utf-8")).hexdigest() != sha256_hash:
            return client_error("provided sha does not match query", code=self.HASH_MISMATCH)
        await self._store.put(sha256_hash, query)
        return query

    async def aclose(self) -> None:
        if self._store is not None:
            await self._store.aclose()

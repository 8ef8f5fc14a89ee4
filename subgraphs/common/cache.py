"""Entity cache of a subgraph: hot rows kept in Redis between requests, read through by loaders.

A loader asks for a whole batch at once (``get_many``: one ``MGET``), loads only the misses from
its database and stores them (``set_many``: one pipeline of ``SET ... EX ttl``); a write deletes the
entries it changed after its commit (``delete_many``). Values are JSON (orjson).

Keys are ``<prefix><subgraph>:<version>:<key>``, where the version is a hash of the subgraph's table
definitions (:func:`schema_version`): a deploy that changes a row's shape reads none of the entries
the previous version wrote, and those expire by their TTL.

The cache is an optimisation, never a dependency: a Redis error is a miss (``get_many``) or a no-op
(``set_many``/``delete_many``), logged once per outage, and the request is answered from the
database. The embedded default is :class:`NoCache` (``CACHE_REDIS_URL`` unset): every lookup misses.

What stays possible: a reader that missed, loaded the old row and stores it just after a writer's
commit and delete keeps the old row cached until the TTL ends. ``CACHE_TTL_SECONDS`` bounds that.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import orjson

if TYPE_CHECKING:
    import redis.asyncio as aioredis
    from sqlalchemy import MetaData

__all__ = [
    "CacheStats",
    "EntityCache",
    "NoCache",
    "RedisCache",
    "open_entity_cache",
    "schema_version",
]

log = logging.getLogger("subgraphs.cache")


@dataclass(frozen=True, slots=True, kw_only=True)
class CacheStats:
    """Lookups since the cache was made: a key found is a hit, a key not found (or not looked up
    because Redis failed) a miss; ``errors`` counts failed Redis round trips."""

    hits: int = 0
    misses: int = 0
    errors: int = 0

    @property
    def hit_ratio(self) -> float:
        lookups = self.hits + self.misses
        return self.hits / lookups if lookups else 0.0


class EntityCache(Protocol):
    """What loaders and mutations use; keys are the caller's (``"product:id:product-1"``)."""

    async def get_many(self, keys: Sequence[str]) -> dict[str, Any]:
        """The cached values of those ``keys`` that are cached (misses are absent)."""
        ...

    async def set_many(self, values: Mapping[str, Any]) -> None: ...

    async def delete_many(self, keys: Iterable[str]) -> None: ...

    def stats(self) -> CacheStats: ...

    async def aclose(self) -> None: ...


class NoCache:
    """The cache that is off: every lookup misses (and is counted), nothing is stored."""

    def __init__(self) -> None:
        self._misses = 0

    async def get_many(self, keys: Sequence[str]) -> dict[str, Any]:
        self._misses += len(keys)
        return {}

    async def set_many(self, values: Mapping[str, Any]) -> None:
        return None

    async def delete_many(self, keys: Iterable[str]) -> None:
        return None

    def stats(self) -> CacheStats:
        return CacheStats(misses=self._misses)

    async def aclose(self) -> None:
        return None


class RedisCache:
    """Entries in Redis under ``namespace`` with a TTL; Redis failures degrade to misses."""

    def __init__(self, client: aioredis.Redis, *, namespace: str, ttl_seconds: int) -> None:
        self._redis = client
        self._namespace = namespace
        self._ttl = ttl_seconds
        self._hits = 0
        self._misses = 0
        self._errors = 0
        #: True while Redis is failing: the first failure is logged, the rest of the outage is not.
        self._failing = False

    @classmethod
    def from_url(cls, url: str, *, namespace: str, ttl_seconds: int) -> RedisCache:
        import redis.asyncio as aioredis

        # Short socket timeouts: a slow Redis must cost a request less than the database would.
        client = aioredis.Redis.from_url(url, socket_timeout=0.25, socket_connect_timeout=0.25)
        return cls(client, namespace=namespace, ttl_seconds=ttl_seconds)

    async def get_many(self, keys: Sequence[str]) -> dict[str, Any]:
        if not keys:
            return {}
        try:
            raw = await self._redis.mget([self._namespace + key for key in keys])
        except Exception as exc:  # any Redis or socket failure: a miss, never a failed request
            self._failed("read", exc)
            self._misses += len(keys)
            return {}
        self._recovered()
        found = {key: orjson.loads(value) for key, value in zip(keys, raw, strict=True) if value is not None}
        self._hits += len(found)
        self._misses += len(keys) - len(found)
        return found

    async def set_many(self, values: Mapping[str, Any]) -> None:
        if not values:
            return
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                for key, value in values.items():
                    pipe.set(self._namespace + key, orjson.dumps(value), ex=self._ttl)
                await pipe.execute()
        except Exception as exc:
            self._failed("write", exc)
        else:
            self._recovered()

    async def delete_many(self, keys: Iterable[str]) -> None:
        names = [self._namespace + key for key in keys]
        if not names:
            return
        try:
            await self._redis.delete(*names)
        except Exception as exc:
            # The entries stay until their TTL ends: the one way a write can leave stale data.
            self._failed("invalidation", exc)
        else:
            self._recovered()

    def stats(self) -> CacheStats:
        return CacheStats(hits=self._hits, misses=self._misses, errors=self._errors)

    async def aclose(self) -> None:
        await self._redis.aclose()

    def _failed(self, what: str, exc: Exception) -> None:
        self._errors += 1
        if not self._failing:
            self._failing = True
            log.warning(
                "entity cache %s in Redis failed, using the database until it is back: %s",
                what,
                exc,
                extra={"error": type(exc).__name__},
            )

    def _recovered(self) -> None:
        if self._failing:
            self._failing = False
            log.info("entity cache in Redis is back")


def schema_version(metadata: MetaData) -> str:
    """A short hash of every table's columns and their types: changes whenever a row's shape does."""
    shape = sorted(
        f"{table.name}.{column.name}:{column.type!r}:{column.nullable}"
        for table in metadata.tables.values()
        for column in table.columns
    )
    return hashlib.sha256("\n".join(shape).encode("utf-8")).hexdigest()[:12]


def open_entity_cache(
    url: str | None, *, prefix: str, subgraph: str, metadata: MetaData, ttl_seconds: int
) -> EntityCache:
    """The subgraph's cache: Redis at ``url``, else :class:`NoCache`."""
    if url is None:
        return NoCache()
    namespace = f"{prefix}{subgraph}:{schema_version(metadata)}:"
    return RedisCache.from_url(url, namespace=namespace, ttl_seconds=ttl_seconds)

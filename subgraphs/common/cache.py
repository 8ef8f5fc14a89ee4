"""Entity cache of a subgraph: hot rows kept in Redis between requests, read through by loaders.

A loader asks for a whole batch at once (:func:`read_through`: one ``MGET``), loads only the misses
from its database and stores them (one pipeline of ``SET ... NX EX ttl``). Every entry belongs to
an entity *kind* (``"product:id"``, ``"stock:product"``): the kind is part of the key and labels
the hit, miss and error counters on ``/metrics``, so hit ratio = hits / (hits + misses) per kind.

Keys are ``<prefix><subgraph>:<version>:<kind>:<key>``, where the version is a hash of the
subgraph's table definitions (:func:`schema_version`): a deploy that changes a row's shape reads
none of the entries the previous version wrote, and those expire by their TTL. Values are JSON.

Invalidation, and what it guarantees. A write invalidates the entries it changed twice:

1. right after its commit, in the request (``invalidate``), so the writer's next read and every read
   that starts after the write's response return the written row;
2. again when its event arrives: each write records a domain event in its outbox in the same
   transaction (``ProductChanged``, ``StockChanged``), and the subgraph consumes its own events
   (:func:`invalidation_consumer`, one durable queue per deployable on RabbitMQ). That covers a
   writer that crashed between commit and invalidation, an invalidation that hit a Redis blip
   (the consumer retries while Redis fails), and writes made by another process.

Invalidating does not delete an entry but overwrites it with a short-lived *hold* marker (``b""``
for ``hold_seconds``), and readers store only with ``NX``. That closes the reader race a plain
delete leaves open: a reader that missed, SELECTed the old row before the write committed and
stores it after the invalidation finds the hold and stores nothing. The usual alternative, a second
delete "N ms later", only narrows that window, needs a timer per write that a crash loses, and
still lets the stale entry live until the timer fires; the hold refuses the store outright and
costs nothing but a few reads from the database during ``hold_seconds``. What remains possible: a
reader slower than ``hold_seconds`` between its SELECT and its store, or a Redis that refuses the
invalidation longer than the consumer's retries; both are bounded by ``CACHE_TTL_SECONDS``.

The cache is an optimisation, never a dependency: a Redis error is a miss (lookups) or a no-op
(stores; invalidations report it), logged once per outage, and the request is answered from the
database. The embedded default is :class:`NoCache` (``CACHE_REDIS_URL`` unset): every lookup misses.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import orjson

from .bus import Delivery, Outcome
from .consumers import consuming
from .events import Event, parse_event

if TYPE_CHECKING:
    import redis.asyncio as aioredis
    from fastapi import FastAPI
    from sqlalchemy import MetaData

    from .settings import SubgraphSettings

__all__ = [
    "DEFAULT_HOLD_SECONDS",
    "CacheStats",
    "CacheUnavailable",
    "EntityCache",
    "InvalidationStats",
    "NoCache",
    "RedisCache",
    "invalidation_consumer",
    "open_entity_cache",
    "read_through",
    "schema_version",
]

log = logging.getLogger("subgraphs.cache")

T = TypeVar("T")

#: How long an invalidated key refuses stores (see the module docstring): far longer than a
#: reader's SELECT-then-store takes, far shorter than the TTL.
DEFAULT_HOLD_SECONDS = 2.0
#: The value of an invalidated key: never valid JSON, so never mistaken for an entry.
_HOLD = b""


class CacheUnavailable(Exception):
    """Redis did not confirm an invalidation (the event consumer raises it to be retried)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class CacheStats:
    """Lookups since the cache was made: a key found is a hit, a key not found (or held, or not
    looked up because Redis failed) a miss; ``errors`` counts failed Redis round trips."""

    hits: int = 0
    misses: int = 0
    errors: int = 0

    @property
    def hit_ratio(self) -> float:
        lookups = self.hits + self.misses
        return self.hits / lookups if lookups else 0.0


@dataclass(slots=True)
class _Counts:
    hits: int = 0
    misses: int = 0
    errors: int = 0


class _Counters:
    """Hit, miss and error counts per entity kind (what ``stats`` snapshots)."""

    def __init__(self) -> None:
        self._by_kind: dict[str, _Counts] = {}

    def of(self, kind: str) -> _Counts:
        counts = self._by_kind.get(kind)
        if counts is None:
            counts = self._by_kind[kind] = _Counts()
        return counts

    def by_kind(self) -> dict[str, CacheStats]:
        return {
            kind: CacheStats(hits=counts.hits, misses=counts.misses, errors=counts.errors)
            for kind, counts in sorted(self._by_kind.items())
        }

    def total(self) -> CacheStats:
        counts = self._by_kind.values()
        return CacheStats(
            hits=sum(c.hits for c in counts),
            misses=sum(c.misses for c in counts),
            errors=sum(c.errors for c in counts),
        )


class EntityCache(Protocol):
    """What loaders and writers use; keys are the caller's, grouped by entity kind."""

    async def get_many(self, kind: str, keys: Sequence[str]) -> dict[str, Any]:
        """The cached values of those ``keys`` that are cached (misses are absent)."""
        ...

    async def set_many(self, kind: str, values: Mapping[str, Any]) -> None:
        """Store ``values`` where the key holds nothing (neither an entry nor a hold)."""
        ...

    async def invalidate(self, keys: Mapping[str, Iterable[str]]) -> bool:
        """Hold the ``keys`` of each kind (idempotent); False when Redis did not confirm."""
        ...

    def stats(self) -> CacheStats:
        """Counts over every kind."""
        ...

    def stats_by_kind(self) -> dict[str, CacheStats]: ...

    async def aclose(self) -> None: ...


class NoCache:
    """The cache that is off: every lookup misses (and is counted), nothing is stored."""

    def __init__(self) -> None:
        self._counters = _Counters()

    async def get_many(self, kind: str, keys: Sequence[str]) -> dict[str, Any]:
        self._counters.of(kind).misses += len(keys)
        return {}

    async def set_many(self, kind: str, values: Mapping[str, Any]) -> None:
        return None

    async def invalidate(self, keys: Mapping[str, Iterable[str]]) -> bool:
        return True

    def stats(self) -> CacheStats:
        return self._counters.total()

    def stats_by_kind(self) -> dict[str, CacheStats]:
        return self._counters.by_kind()

    async def aclose(self) -> None:
        return None


class RedisCache:
    """Entries in Redis under ``namespace`` with a TTL; Redis failures degrade to misses."""

    def __init__(
        self,
        client: aioredis.Redis,
        *,
        namespace: str,
        ttl_seconds: int,
        hold_seconds: float = DEFAULT_HOLD_SECONDS,
    ) -> None:
        self._redis = client
        self._namespace = namespace
        self._ttl = ttl_seconds
        self._hold_ms = max(1, round(hold_seconds * 1000))
        self._counters = _Counters()
        #: True while Redis is failing: the first failure is logged, the rest of the outage is not.
        self._failing = False

    @classmethod
    def from_url(
        cls, url: str, *, namespace: str, ttl_seconds: int, hold_seconds: float = DEFAULT_HOLD_SECONDS
    ) -> RedisCache:
        import redis.asyncio as aioredis

        # Short socket timeouts: a slow Redis must cost a request less than the database would.
        client = aioredis.Redis.from_url(url, socket_timeout=0.25, socket_connect_timeout=0.25)
        return cls(client, namespace=namespace, ttl_seconds=ttl_seconds, hold_seconds=hold_seconds)

    def _name(self, kind: str, key: str) -> str:
        return f"{self._namespace}{kind}:{key}"

    async def get_many(self, kind: str, keys: Sequence[str]) -> dict[str, Any]:
        if not keys:
            return {}
        counts = self._counters.of(kind)
        try:
            raw = await self._redis.mget([self._name(kind, key) for key in keys])
        except Exception as exc:  # any Redis or socket failure: a miss, never a failed request
            counts.errors += 1
            counts.misses += len(keys)
            self._failed("read", exc)
            return {}
        self._recovered()
        found = {
            key: orjson.loads(value)
            for key, value in zip(keys, raw, strict=True)
            if value is not None and value != _HOLD
        }
        counts.hits += len(found)
        counts.misses += len(keys) - len(found)
        return found

    async def set_many(self, kind: str, values: Mapping[str, Any]) -> None:
        if not values:
            return
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                for key, value in values.items():
                    # NX: an invalidation (hold) that came after this reader's SELECT wins.
                    pipe.set(self._name(kind, key), orjson.dumps(value), ex=self._ttl, nx=True)
                await pipe.execute()
        except Exception as exc:
            self._counters.of(kind).errors += 1
            self._failed("write", exc)
        else:
            self._recovered()

    async def invalidate(self, keys: Mapping[str, Iterable[str]]) -> bool:
        names = [(kind, self._name(kind, key)) for kind, group in keys.items() for key in group]
        if not names:
            return True
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                for _kind, name in names:
                    pipe.set(name, _HOLD, px=self._hold_ms)
                await pipe.execute()
        except Exception as exc:
            for kind in dict.fromkeys(kind for kind, _name in names):
                self._counters.of(kind).errors += 1
            # The entries stay until the event consumer's retry or their TTL ends.
            self._failed("invalidation", exc)
            return False
        self._recovered()
        return True

    def stats(self) -> CacheStats:
        return self._counters.total()

    def stats_by_kind(self) -> dict[str, CacheStats]:
        return self._counters.by_kind()

    async def aclose(self) -> None:
        await self._redis.aclose()

    def _failed(self, what: str, exc: Exception) -> None:
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


async def read_through(
    cache: EntityCache,
    kind: str,
    keys: Sequence[str],
    load: Callable[[Sequence[str]], Awaitable[Mapping[str, T]]],
    *,
    encode: Callable[[T], Any],
    decode: Callable[[str, Any], T],
) -> list[T | None]:
    """A loader's batch through the cache: cached values of ``keys``, the misses from ``load`` (one
    query) stored for the next request, in the order of ``keys``. Keys ``load`` does not find are
    ``None`` and not cached: an entity created later must be found at once."""
    found = {key: decode(key, value) for key, value in (await cache.get_many(kind, keys)).items()}
    missing = [key for key in dict.fromkeys(keys) if key not in found]
    if missing:
        loaded = await load(missing)
        await cache.set_many(kind, {key: encode(value) for key, value in loaded.items()})
        found.update(loaded)
    return [found.get(key) for key in keys]


# -- invalidation by events --------------------------------------------------------------------------

#: What an event invalidates: entity kind -> keys (an empty mapping: nothing).
Invalidations = Callable[[Event], Mapping[str, Iterable[str]]]


@dataclass(slots=True)
class InvalidationStats:
    """What an invalidation consumer did since start (tests wait on it)."""

    processed: int = 0
    #: Events whose invalidation Redis refused on every attempt (their entries age out by TTL).
    given_up: int = 0


def invalidation_consumer(
    *, consumer: str, event_types: Sequence[str], invalidations: Invalidations
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """A ``SubgraphSpec.background`` entry: consume ``event_types`` under the queue ``consumer``
    and invalidate what ``invalidations`` maps each event to, while the app runs.

    Holding a key twice is harmless, so redeliveries need no deduplication. A Redis failure is
    retried with the bus's back-off; on the last attempt the event is acknowledged with a warning
    rather than dead-lettered (the TTL bounds what is left, and a dead-letter queue full of cache
    invalidations would help nobody). The stats are ``app.state.cache_invalidations``.
    """

    @asynccontextmanager
    async def run(app: FastAPI) -> AsyncIterator[None]:
        settings: SubgraphSettings = app.state.settings
        cache: EntityCache = app.state.cache
        stats = InvalidationStats()
        app.state.cache_invalidations = stats

        async def invalidate(delivery: Delivery) -> Outcome | None:
            keys = invalidations(parse_event(delivery.body))
            outcome = None
            if not await cache.invalidate(keys):
                if delivery.attempt < settings.event_max_attempts:
                    raise CacheUnavailable(f"Redis refused the invalidation of {delivery.event_type}")
                stats.given_up += 1
                outcome = Outcome.IGNORED
                log.warning(
                    "%s: gave up invalidating %s %s after %d attempts; its entries expire by their TTL",
                    consumer,
                    delivery.event_type,
                    delivery.event_id,
                    delivery.attempt,
                )
            stats.processed += 1
            return outcome

        async with consuming(app, consumer, invalidate, routing_keys=event_types) as subscription:
            app.state.cache_subscription = subscription
            yield

    return run


def schema_version(metadata: MetaData) -> str:
    """A short hash of every table's columns and their types: changes whenever a row's shape does."""
    shape = sorted(
        f"{table.name}.{column.name}:{column.type!r}:{column.nullable}"
        for table in metadata.tables.values()
        for column in table.columns
    )
    return hashlib.sha256("\n".join(shape).encode("utf-8")).hexdigest()[:12]


def open_entity_cache(
    url: str | None,
    *,
    prefix: str,
    subgraph: str,
    metadata: MetaData,
    ttl_seconds: int,
    hold_seconds: float = DEFAULT_HOLD_SECONDS,
) -> EntityCache:
    """The subgraph's cache: Redis at ``url``, else :class:`NoCache`."""
    if url is None:
        return NoCache()
    namespace = f"{prefix}{subgraph}:{schema_version(metadata)}:"
    return RedisCache.from_url(url, namespace=namespace, ttl_seconds=ttl_seconds, hold_seconds=hold_seconds)

"""Per-request DataLoaders of the products subgraph: N product lookups by one key are one SELECT,
and the products' entries in the entity cache.

With the entity cache on (``CACHE_REDIS_URL``), a batch is read through Redis first (one ``MGET``,
:func:`~subgraphs.common.read_through`); only the misses are SELECTed, then stored. Every product
write invalidates the entries it touches twice: after its commit, in the request (:func:`invalidate`),
and when its ``ProductChanged`` event arrives (:data:`cache_invalidator`, the queue
``products-cache``), which also covers a writer that crashed before its own invalidation and writes
made by other processes. What that guarantees, and the one race left: subgraphs/common/cache.py.
Internal REST (rest.py) reads the database directly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from aiodataloader import DataLoader

from subgraphs.common import (
    EntityCache,
    Event,
    NoCache,
    ProductChanged,
    invalidation_consumer,
    read_through,
)

from .models import ProductRow, products_by_ids, products_by_skus

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

__all__ = [
    "CACHE_CONSUMER",
    "ProductByIdLoader",
    "ProductBySkuLoader",
    "ProductLoaders",
    "cache_invalidator",
    "cache_keys",
    "invalidate",
    "loaders_of",
]

#: The consumer (RabbitMQ queue ``<exchange>.products-cache``) that invalidates on ProductChanged.
CACHE_CONSUMER = "products-cache"

_COLUMNS = tuple(column.key for column in ProductRow.__table__.columns)


class _CachedLoader(DataLoader[str, ProductRow | None]):
    """Loads through the entity cache under the entity kind ``kind``."""

    kind: ClassVar[str]

    def __init__(self, session: AsyncSession, *, cache: EntityCache | None = None) -> None:
        super().__init__()
        self._session = session
        self._entity_cache = cache if cache is not None else NoCache()

    async def batch_load_fn(self, keys: Sequence[str]) -> list[ProductRow | None]:
        return await read_through(
            self._entity_cache, self.kind, keys, self._select, encode=_to_json, decode=_from_json
        )

    async def _select(self, keys: Sequence[str]) -> dict[str, ProductRow]:
        """The products of ``keys`` from the database, in one SELECT."""
        raise NotImplementedError


class ProductByIdLoader(_CachedLoader):
    """Products by id; unknown ids load as ``None`` (an ``_entities`` slot of null, not an error)."""

    kind = "product:id"

    async def _select(self, keys: Sequence[str]) -> dict[str, ProductRow]:
        return await products_by_ids(self._session, keys)


class ProductBySkuLoader(_CachedLoader):
    """Products by sku; unknown skus load as ``None``."""

    kind = "product:sku"

    async def _select(self, keys: Sequence[str]) -> dict[str, ProductRow]:
        return await products_by_skus(self._session, keys)


class ProductLoaders:
    """The loader factories of one app, bound to its entity cache. ``ctx.loader`` keeps one loader
    per factory per request; bound methods of one instance compare equal, so batching holds."""

    def __init__(self, cache: EntityCache) -> None:
        self.cache = cache

    def by_id(self, session: AsyncSession) -> ProductByIdLoader:
        return ProductByIdLoader(session, cache=self.cache)

    def by_sku(self, session: AsyncSession) -> ProductBySkuLoader:
        return ProductBySkuLoader(session, cache=self.cache)


def loaders_of(state: Any) -> ProductLoaders:
    """The app's loaders (``info.context.state``); uncached ones for a context without an app."""
    loaders = getattr(state, "product_loaders", None)
    return loaders if isinstance(loaders, ProductLoaders) else _UNCACHED


_UNCACHED = ProductLoaders(NoCache())


def cache_keys(*, ids: Iterable[str] = (), skus: Iterable[str | None] = ()) -> dict[str, list[str]]:
    """The cache keys of products with these ids and skus by kind (``None`` skus are skipped)."""
    return {
        ProductByIdLoader.kind: list(ids),
        ProductBySkuLoader.kind: [sku for sku in skus if sku is not None],
    }


async def invalidate(cache: EntityCache, *, ids: Iterable[str] = (), skus: Iterable[str | None] = ()) -> None:
    """Invalidate cached products after a committed write (by every key they were or are cached
    under). A Redis failure is logged by the cache; the ProductChanged event retries it."""
    await cache.invalidate(cache_keys(ids=ids, skus=skus))


def _keys_of_event(event: Event) -> Mapping[str, Iterable[str]]:
    data = event.data
    if not isinstance(data, ProductChanged):
        return {}
    return cache_keys(ids=[data.product_id], skus=[data.previous_sku, data.sku])


#: ``SubgraphSpec.background`` entry: invalidates on every ProductChanged, from whichever process.
cache_invalidator = invalidation_consumer(
    consumer=CACHE_CONSUMER, event_types=(ProductChanged.TYPE,), invalidations=_keys_of_event
)


def _to_json(row: ProductRow) -> dict[str, Any]:
    return {name: getattr(row, name) for name in _COLUMNS}


def _from_json(_key: str, values: Mapping[str, Any]) -> ProductRow:
    # A transient row, never added to the session: resolvers only read its attributes.
    return ProductRow(**values)

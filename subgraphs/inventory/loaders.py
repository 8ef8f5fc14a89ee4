"""Per-request DataLoaders of the inventory subgraph: N product representations = one SELECT,
and the stock levels' entries in the entity cache.

Stock is read on every product page, so with the entity cache on (``CACHE_REDIS_URL``) a batch is
read through Redis (:func:`~subgraphs.common.read_through`, kind ``stock:product``). Every stock
write (reservation, release, ``setStock``) invalidates the levels it changed after its commit
(:func:`invalidate_stock`) and again when its ``StockChanged`` event arrives
(:data:`cache_invalidator`, the queue ``inventory-cache``). Guarantees: subgraphs/common/cache.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from aiodataloader import DataLoader
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.common import EntityCache, Event, NoCache, StockChanged, invalidation_consumer, read_through

from .models import StockLevel, stock_for

__all__ = [
    "CACHE_CONSUMER",
    "STOCK_KIND",
    "StockLoader",
    "StockLoaders",
    "cache_invalidator",
    "invalidate_stock",
    "loaders_of",
]

#: The consumer (RabbitMQ queue ``<exchange>.inventory-cache``) that invalidates on StockChanged.
CACHE_CONSUMER = "inventory-cache"
#: The entity kind of cached stock levels, keyed by product id.
STOCK_KIND = "stock:product"


class StockLoader(DataLoader[str, StockLevel | None]):
    """Stock level by product id (None when inventory has no row for the product; not cached, so
    the first ``setStock`` of a product is seen at once)."""

    def __init__(self, session: AsyncSession, *, cache: EntityCache | None = None) -> None:
        super().__init__()
        self._session = session
        self._entity_cache = cache if cache is not None else NoCache()

    async def batch_load_fn(self, product_ids: Sequence[str]) -> list[StockLevel | None]:
        return await read_through(
            self._entity_cache,
            STOCK_KIND,
            product_ids,
            self._select,
            encode=lambda level: level.quantity,
            decode=lambda product_id, quantity: StockLevel(product_id=product_id, quantity=quantity),
        )

    async def _select(self, product_ids: Sequence[str]) -> dict[str, StockLevel]:
        return await stock_for(self._session, product_ids)


class StockLoaders:
    """The loader factory of one app, bound to its entity cache (a bound method of one instance
    is one factory to ``ctx.loader``, so a request keeps one loader)."""

    def __init__(self, cache: EntityCache) -> None:
        self.cache = cache

    def by_product(self, session: AsyncSession) -> StockLoader:
        return StockLoader(session, cache=self.cache)


def loaders_of(state: Any) -> StockLoaders:
    """The app's loaders (``app.state``); uncached ones for a context without an app."""
    loaders = getattr(state, "stock_loaders", None)
    return loaders if isinstance(loaders, StockLoaders) else _UNCACHED


_UNCACHED = StockLoaders(NoCache())


async def invalidate_stock(state: Any, product_ids: Iterable[str]) -> None:
    """Invalidate the cached stock of ``product_ids`` after a committed write. A Redis failure is
    logged by the cache; the StockChanged events retry it."""
    await loaders_of(state).cache.invalidate({STOCK_KIND: list(product_ids)})


def _keys_of_event(event: Event) -> Mapping[str, Iterable[str]]:
    data = event.data
    return {STOCK_KIND: [data.product_id]} if isinstance(data, StockChanged) else {}


#: ``SubgraphSpec.background`` entry: invalidates on every StockChanged, from whichever process.
cache_invalidator = invalidation_consumer(
    consumer=CACHE_CONSUMER, event_types=(StockChanged.TYPE,), invalidations=_keys_of_event
)

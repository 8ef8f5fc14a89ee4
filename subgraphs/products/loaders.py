"""Per-request DataLoaders of the products subgraph: N product lookups by one key are one SELECT.

With the entity cache on (``CACHE_REDIS_URL``), a batch is first looked up in Redis (one ``MGET``);
only the misses are SELECTed, then stored. Products change only through ``createProduct`` and
``updateProduct`` (this subgraph consumes no events that change them), and those delete the
entries they touch after their commit (:func:`invalidate`): a read that starts after a write
returns the written row. (One race stays, bounded by ``CACHE_TTL_SECONDS``: see
subgraphs/common/cache.py.) Internal REST (rest.py) reads the database directly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from aiodataloader import DataLoader

from subgraphs.common import EntityCache, NoCache

from .models import ProductRow, products_by_ids, products_by_skus

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

__all__ = [
    "ProductByIdLoader",
    "ProductBySkuLoader",
    "ProductLoaders",
    "cache_keys",
    "invalidate",
    "loaders_of",
]

_COLUMNS = tuple(column.key for column in ProductRow.__table__.columns)


class _CachedLoader(DataLoader[str, ProductRow | None]):
    """Loads through the entity cache under ``<kind>:<key>``; unknown keys load as ``None`` and are
    not cached (a product created later must be found at once)."""

    kind: ClassVar[str]

    def __init__(self, session: AsyncSession, *, cache: EntityCache | None = None) -> None:
        super().__init__()
        self._session = session
        self._entity_cache = cache if cache is not None else NoCache()

    async def batch_load_fn(self, keys: Sequence[str]) -> list[ProductRow | None]:
        cached = await self._entity_cache.get_many([f"{self.kind}:{key}" for key in keys])
        found: dict[str, ProductRow] = {}
        for key in keys:
            values = cached.get(f"{self.kind}:{key}")
            if values is not None:
                found[key] = _from_json(values)
        missing = [key for key in keys if key not in found]
        if missing:
            loaded = await self._select(missing)
            await self._entity_cache.set_many(
                {f"{self.kind}:{key}": _to_json(row) for key, row in loaded.items()}
            )
            found.update(loaded)
        return [found.get(key) for key in keys]

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


def cache_keys(*, ids: Iterable[str] = (), skus: Iterable[str | None] = ()) -> list[str]:
    """The cache keys of products with these ids and skus (``None`` skus are skipped)."""
    return [f"{ProductByIdLoader.kind}:{id_}" for id_ in ids] + [
        f"{ProductBySkuLoader.kind}:{sku}" for sku in skus if sku is not None
    ]


async def invalidate(cache: EntityCache, *, ids: Iterable[str] = (), skus: Iterable[str | None] = ()) -> None:
    """Delete cached products after a committed write (by every key they were or are cached under)."""
    await cache.delete_many(cache_keys(ids=ids, skus=skus))


def _to_json(row: ProductRow) -> dict[str, Any]:
    return {name: getattr(row, name) for name in _COLUMNS}


def _from_json(values: Mapping[str, Any]) -> ProductRow:
    # A transient row, never added to the session: resolvers only read its attributes.
    return ProductRow(**values)

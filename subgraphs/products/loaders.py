"""Per-request DataLoaders of the products subgraph: N product lookups by one key are one SELECT."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from aiodataloader import DataLoader

from .models import ProductRow, products_by_ids, products_by_skus

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

__all__ = ["ProductByIdLoader", "ProductBySkuLoader"]


class ProductByIdLoader(DataLoader[str, ProductRow | None]):
    """Products by id; unknown ids load as ``None`` (an ``_entities`` slot of null, not an error)."""

    def __init__(self, session: AsyncSession) -> None:
        super().__init__()
        self._session = session

    async def batch_load_fn(self, keys: Sequence[str]) -> list[ProductRow | None]:
        rows = await products_by_ids(self._session, keys)
        return [rows.get(key) for key in keys]


class ProductBySkuLoader(DataLoader[str, ProductRow | None]):
    """Products by sku; unknown skus load as ``None``."""

    def __init__(self, session: AsyncSession) -> None:
        super().__init__()
        self._session = session

    async def batch_load_fn(self, keys: Sequence[str]) -> list[ProductRow | None]:
        rows = await products_by_skus(self._session, keys)
        return [rows.get(key) for key in keys]

"""Per-request DataLoaders of the inventory subgraph: N product representations = one SELECT."""

from __future__ import annotations

from aiodataloader import DataLoader
from sqlalchemy.ext.asyncio import AsyncSession

from .models import StockLevel, stock_for

__all__ = ["StockLoader"]


class StockLoader(DataLoader[str, StockLevel | None]):
    """Stock level by product id (None when inventory has no row for the product)."""

    def __init__(self, session: AsyncSession) -> None:
        super().__init__()
        self._session = session

    async def batch_load_fn(self, product_ids: list[str]) -> list[StockLevel | None]:
        levels = await stock_for(self._session, product_ids)
        return [levels.get(pid) for pid in product_ids]

"""Events the inventory subgraph publishes (through the transactional outbox).

``StockLow`` fires when a product's stock crosses from at-or-above the threshold to below it, once
per crossing (not on every sale while it stays low). Payload schemas: ``subgraphs.common.events``.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.common import StockLow, record_event

__all__ = ["stock_changed"]

SOURCE = "inventory"


async def stock_changed(
    session: AsyncSession, *, product_id: str, before: int, after: int, threshold: int
) -> None:
    """Record ``StockLow`` in the caller's transaction when ``before -> after`` crosses ``threshold``."""
    if after < threshold <= before:
        await record_event(
            session, StockLow(product_id=product_id, quantity=after, threshold=threshold), source=SOURCE
        )

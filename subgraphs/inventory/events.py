"""Events the inventory subgraph publishes (through the transactional outbox).

``StockChanged`` is recorded with every stock write (reservation, release, ``setStock``): inventory
consumes it itself to invalidate its stock cache (loaders.py). ``StockLow`` fires when a product's
stock crosses from at-or-above the threshold to below it, once per crossing (not on every sale
while it stays low). Payload schemas: ``subgraphs.common.events``.
"""

from __future__ import annotations

from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.common import StockChanged, StockLow, record_event

__all__ = ["stock_changed"]

SOURCE = "inventory"


async def stock_changed(
    session: AsyncSession,
    *,
    product_id: str,
    before: int | None,
    after: int,
    threshold: int,
    reason: Literal["reserved", "released", "set"],
) -> None:
    """Record ``StockChanged`` in the caller's transaction, and ``StockLow`` when ``before -> after``
    crosses ``threshold`` (``before`` None: a first stock row, which crosses nothing)."""
    await record_event(
        session, StockChanged(product_id=product_id, quantity=after, reason=reason), source=SOURCE
    )
    if before is not None and after < threshold <= before:
        await record_event(
            session, StockLow(product_id=product_id, quantity=after, threshold=threshold), source=SOURCE
        )

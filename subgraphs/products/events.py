"""Events the products subgraph publishes (through the transactional outbox).

``ProductChanged`` is recorded in the transaction of every product write, whichever path made it
(GraphQL, a script, another deployable sharing the database), and is what the products entity
cache is invalidated by when the writer's own invalidation did not happen (loaders.py consumes it).
Payload schemas: ``subgraphs.common.events``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal

from subgraphs.common import ProductChanged, record_event

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

__all__ = ["SOURCE", "product_changed"]

SOURCE = "products"

#: Columns whose public (GraphQL) field has another name.
_FIELD_OF_COLUMN = {"price_amount": "price", "currency": "price"}


async def product_changed(
    session: AsyncSession,
    *,
    product_id: str,
    sku: str,
    change: Literal["created", "updated"],
    columns: Iterable[str],
    previous_sku: str | None = None,
) -> None:
    """Record ``ProductChanged`` in the caller's transaction (``columns``: the columns written)."""
    fields = tuple(sorted({_FIELD_OF_COLUMN.get(column, column) for column in columns} - {"id"}))
    await record_event(
        session,
        ProductChanged(
            product_id=product_id,
            sku=sku,
            previous_sku=previous_sku if previous_sku != sku else None,
            change=change,
            changed_fields=fields,
        ),
        source=SOURCE,
    )

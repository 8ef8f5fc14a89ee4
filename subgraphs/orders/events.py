"""Events the orders subgraph publishes (through the transactional outbox).

Each function records its event in the caller's session, so the event commits or rolls back with
the change it describes. Payload schemas: ``subgraphs.common.events``.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.common import MoneyAmount, OrderCancelled, OrderPlaced, OrderStatusChanged, record_event

__all__ = ["order_placed", "status_changed"]

SOURCE = "orders"
CANCELLED = "CANCELLED"


async def order_placed(
    session: AsyncSession, *, order_id: str, user_id: str, item_count: int, total_amount: int, currency: str
) -> None:
    await record_event(
        session,
        OrderPlaced(
            order_id=order_id,
            user_id=user_id,
            item_count=item_count,
            total=MoneyAmount(amount=total_amount, currency=currency),
        ),
        source=SOURCE,
    )


async def status_changed(
    session: AsyncSession, *, order_id: str, user_id: str, from_status: str, to_status: str
) -> None:
    """``OrderCancelled`` for a cancellation, ``OrderStatusChanged`` for every other move."""
    payload: OrderCancelled | OrderStatusChanged
    if to_status == CANCELLED:
        payload = OrderCancelled(order_id=order_id, user_id=user_id)
    else:
        payload = OrderStatusChanged(
            order_id=order_id, user_id=user_id, from_status=from_status, to_status=to_status
        )
    await record_event(session, payload, source=SOURCE)

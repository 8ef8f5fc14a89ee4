"""Orders tables and repository.

An order stores the unit price of every item as it was when the order was placed (prices change
later in the products subgraph, an order never does) and its total, in one currency. Status changes
are conditional UPDATEs (``WHERE status = :from``) so two concurrent changes cannot both apply.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    func,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase, Mapped, aliased, mapped_column, relationship

from subgraphs.common import outbox_table

from . import events

if TYPE_CHECKING:
    from subgraphs.common import SubgraphSettings

__all__ = [
    "TRANSITIONS",
    "Base",
    "ItemRow",
    "OrderItem",
    "OrderRecord",
    "OrderRow",
    "OrderStatus",
    "create_order",
    "has_purchased",
    "items_by_order",
    "new_order_id",
    "orders_by_id",
    "orders_page_by_user",
    "seed",
    "set_status",
]


class OrderStatus(enum.Enum):
    PENDING = "PENDING"
    CONFIRMED = "CONFIRMED"
    SHIPPED = "SHIPPED"
    DELIVERED = "DELIVERED"
    CANCELLED = "CANCELLED"


#: The order lifecycle: every allowed status change (anything else is a conflict).
TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.PENDING: frozenset({OrderStatus.CONFIRMED, OrderStatus.CANCELLED}),
    OrderStatus.CONFIRMED: frozenset({OrderStatus.SHIPPED, OrderStatus.CANCELLED}),
    OrderStatus.SHIPPED: frozenset({OrderStatus.DELIVERED}),
    OrderStatus.DELIVERED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
}


class Base(DeclarativeBase):
    """Tables of the orders database only."""


# Events are written beside the change they describe (transactional outbox).
outbox_table(Base.metadata)


class OrderRecord(Base):
    __tablename__ = "orders"
    __table_args__ = (CheckConstraint("total_amount >= 0", name="order_total_not_negative"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(16))
    currency: Mapped[str] = mapped_column(String(3))
    total_amount: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Reads go through the loaders (one SELECT per batch); a lazy load would be an N+1 bug.
    items: Mapped[list[OrderItem]] = relationship(lazy="raise", cascade="all, delete-orphan")


class OrderItem(Base):
    __tablename__ = "order_items"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="order_item_quantity_positive"),
        CheckConstraint("unit_amount >= 0", name="order_item_unit_amount_not_negative"),
    )

    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), primary_key=True)
    product_id: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer)
    quantity: Mapped[int] = mapped_column(Integer)
    unit_amount: Mapped[int] = mapped_column(Integer)


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderRow:
    """An order detached from the session (what loaders and resolvers pass around)."""

    id: str
    user_id: str
    status: OrderStatus
    currency: str
    total_amount: int
    created_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemRow:
    product_id: str
    quantity: int
    unit_amount: int


def new_order_id() -> str:
    return f"order-{uuid.uuid4().hex[:12]}"


def _utc(value: datetime) -> datetime:
    # SQLite hands datetimes back naive; they were stored as UTC.
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _row(record: OrderRecord) -> OrderRow:
    return OrderRow(
        id=record.id,
        user_id=record.user_id,
        status=OrderStatus(record.status),
        currency=record.currency,
        total_amount=record.total_amount,
        created_at=_utc(record.created_at),
    )


_NEWEST_FIRST = (OrderRecord.created_at.desc(), OrderRecord.id.desc())


async def orders_by_id(session: AsyncSession, order_ids: Iterable[str]) -> dict[str, OrderRow]:
    """Orders by id in one SELECT (items not included)."""
    records = await session.scalars(select(OrderRecord).where(OrderRecord.id.in_(list(order_ids))))
    return {record.id: _row(record) for record in records}


async def items_by_order(session: AsyncSession, order_ids: Iterable[str]) -> dict[str, list[ItemRow]]:
    """The items of many orders in one SELECT, in the order they were placed."""
    rows = await session.execute(
        select(OrderItem.order_id, OrderItem.product_id, OrderItem.quantity, OrderItem.unit_amount)
        .where(OrderItem.order_id.in_(list(order_ids)))
        .order_by(OrderItem.order_id, OrderItem.position)
    )
    items: dict[str, list[ItemRow]] = {}
    for order_id, product_id, quantity, unit_amount in rows:
        items.setdefault(order_id, []).append(
            ItemRow(product_id=product_id, quantity=quantity, unit_amount=unit_amount)
        )
    return items


async def orders_page_by_user(
    session: AsyncSession, user_ids: Sequence[str], *, limit: int, offset: int
) -> dict[str, list[OrderRow]]:
    """One page (newest first) of each user's orders in one SELECT, plus one extra row per user
    when there is a next page: ``ROW_NUMBER() OVER (PARTITION BY user_id)`` numbers each user's
    orders so a single query can cut every user's window (SQLite >= 3.25 and PostgreSQL)."""
    number = func.row_number().over(partition_by=OrderRecord.user_id, order_by=_NEWEST_FIRST).label("number")
    numbered = select(OrderRecord, number).where(OrderRecord.user_id.in_(list(user_ids))).subquery()
    order = aliased(OrderRecord, numbered)
    rows = await session.execute(
        select(order)
        .where(numbered.c.number > offset, numbered.c.number <= offset + limit + 1)
        .order_by(numbered.c.user_id, numbered.c.number)
    )
    pages: dict[str, list[OrderRow]] = {user_id: [] for user_id in user_ids}
    for (record,) in rows:
        pages[record.user_id].append(_row(record))
    return pages


async def create_order(
    session: AsyncSession,
    *,
    order_id: str,
    user_id: str,
    currency: str,
    lines: Sequence[tuple[str, int, int]],
) -> OrderRow:
    """Store a PENDING order of ``lines`` (product id, quantity, unit amount) and its
    ``OrderPlaced`` event in one transaction, and commit."""
    now = datetime.now(UTC)
    record = OrderRecord(
        id=order_id,
        user_id=user_id,
        status=OrderStatus.PENDING.value,
        currency=currency,
        total_amount=sum(quantity * unit for _, quantity, unit in lines),
        created_at=now,
        updated_at=now,
        items=[
            OrderItem(product_id=pid, position=position, quantity=quantity, unit_amount=unit)
            for position, (pid, quantity, unit) in enumerate(lines)
        ],
    )
    session.add(record)
    try:
        await events.order_placed(
            session,
            order_id=order_id,
            user_id=user_id,
            item_count=sum(quantity for _, quantity, _ in lines),
            total_amount=record.total_amount,
            currency=currency,
        )
        await session.commit()
    except BaseException:
        await session.rollback()
        raise
    return _row(record)


async def set_status(session: AsyncSession, order_id: str, *, current: OrderStatus, new: OrderStatus) -> bool:
    """Change the status if it is still ``current`` (not committed: the caller commits, so it can
    first do what the change needs elsewhere and roll back if that fails). False when another
    request changed the order first."""
    result = await session.execute(
        update(OrderRecord)
        .where(OrderRecord.id == order_id, OrderRecord.status == current.value)
        .values(status=new.value, updated_at=datetime.now(UTC))
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


async def has_purchased(session: AsyncSession, user_id: str, product_id: str) -> bool:
    """True when the user has a non-cancelled order containing the product."""
    found = await session.scalar(
        select(OrderItem.order_id)
        .join(OrderRecord, OrderRecord.id == OrderItem.order_id)
        .where(
            OrderRecord.user_id == user_id,
            OrderItem.product_id == product_id,
            OrderRecord.status != OrderStatus.CANCELLED.value,
        )
        .limit(1)
    )
    return found is not None


@dataclass(frozen=True, slots=True, kw_only=True)
class _SeedOrder:
    id: str
    user_id: str
    status: OrderStatus
    created_at: datetime
    lines: tuple[tuple[str, int, int], ...]


#: Seed orders (unit prices as the seeded catalogue had them when they were placed).
SEED_ORDERS = (
    _SeedOrder(
        id="order-1",
        user_id="user-2",
        status=OrderStatus.DELIVERED,
        created_at=datetime(2026, 1, 10, 9, 30, tzinfo=UTC),
        lines=(("product-1", 1, 4299), ("product-3", 2, 5500)),
    ),
    _SeedOrder(
        id="order-2",
        user_id="user-3",
        status=OrderStatus.SHIPPED,
        created_at=datetime(2026, 1, 12, 14, 0, tzinfo=UTC),
        lines=(("product-2", 1, 4999),),
    ),
    _SeedOrder(
        id="order-3",
        user_id="user-2",
        status=OrderStatus.PENDING,
        created_at=datetime(2026, 1, 15, 18, 45, tzinfo=UTC),
        lines=(("product-5", 1, 12900),),
    ),
)


async def seed(session: AsyncSession, settings: SubgraphSettings) -> None:
    """Deterministic seed orders, inserted only into an empty table (safe on every start)."""
    if await session.scalar(select(func.count()).select_from(OrderRecord)):
        return
    for order in SEED_ORDERS:
        session.add(
            OrderRecord(
                id=order.id,
                user_id=order.user_id,
                status=order.status.value,
                currency="USD",
                total_amount=sum(quantity * unit for _, quantity, unit in order.lines),
                created_at=order.created_at,
                updated_at=order.created_at,
                items=[
                    OrderItem(product_id=pid, position=position, quantity=quantity, unit_amount=unit)
                    for position, (pid, quantity, unit) in enumerate(order.lines)
                ],
            )
        )
    await session.commit()

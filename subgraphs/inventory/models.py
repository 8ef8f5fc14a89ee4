"""Inventory tables and repository: stock per product and reservations that take stock for an order.

Stock is only ever taken with a conditional ``UPDATE ... SET quantity = quantity - :n WHERE
quantity >= :n`` inside one transaction, so concurrent reservations can never oversell on either
SQLite (writers queue on the database lock) or PostgreSQL (the row lock makes the second writer
re-check the condition). A reservation keeps its order id and items, so it can be released (stock
returned exactly once) and a repeated request for the same order is recognised (idempotency).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from subgraphs.common import outbox_table

from . import events

if TYPE_CHECKING:
    from subgraphs.common import SubgraphSettings

__all__ = [
    "Base",
    "NotEnoughStock",
    "Reservation",
    "ReservationConflict",
    "ReservationItem",
    "Stock",
    "StockLevel",
    "UnknownProduct",
    "find_reservation",
    "insert_stock",
    "release",
    "reserve",
    "seed",
    "stock_for",
    "update_stock",
]

RESERVED = "reserved"
RELEASED = "released"


class Base(DeclarativeBase):
    """Tables of the inventory database only."""


# Events are written beside the change they describe (transactional outbox).
outbox_table(Base.metadata)


class Stock(Base):
    __tablename__ = "stock"
    # The CHECK is the last line of defence: even a buggy UPDATE cannot drive stock negative.
    __table_args__ = (CheckConstraint("quantity >= 0", name="stock_quantity_not_negative"),)

    product_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    quantity: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Reservation(Base):
    __tablename__ = "reservations"

    order_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    released_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    items: Mapped[list[ReservationItem]] = relationship(
        lazy="selectin", order_by="ReservationItem.product_id", cascade="all, delete-orphan"
    )


class ReservationItem(Base):
    __tablename__ = "reservation_items"
    __table_args__ = (CheckConstraint("quantity > 0", name="reservation_item_quantity_positive"),)

    order_id: Mapped[str] = mapped_column(ForeignKey("reservations.order_id"), primary_key=True)
    product_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    quantity: Mapped[int] = mapped_column(Integer)


class ReservationConflict(Exception):
    """The order already has a reservation that differs from the request (or was released)."""


class UnknownProduct(Exception):
    def __init__(self, product_id: str) -> None:
        super().__init__(f"unknown product {product_id}")
        self.product_id = product_id


class NotEnoughStock(Exception):
    def __init__(self, product_id: str, requested: int, available: int) -> None:
        super().__init__(
            f"not enough stock for product {product_id}: requested {requested}, available {available}"
        )
        self.product_id = product_id
        self.requested = requested
        self.available = available


@dataclass(frozen=True, slots=True, kw_only=True)
class StockLevel:
    """A stock row detached from the session (what loaders hand to resolvers)."""

    product_id: str
    quantity: int


def _now() -> datetime:
    return datetime.now(UTC)


async def stock_for(session: AsyncSession, product_ids: Iterable[str]) -> dict[str, StockLevel]:
    """Stock of ``product_ids`` in one SELECT; products without a row are absent."""
    rows = await session.execute(
        select(Stock.product_id, Stock.quantity).where(Stock.product_id.in_(list(product_ids)))
    )
    return {pid: StockLevel(product_id=pid, quantity=qty) for pid, qty in rows}


async def update_stock(
    session: AsyncSession, product_id: str, quantity: int, *, low_stock_threshold: int
) -> StockLevel | None:
    """Set the quantity of an existing stock row and commit; None when the product has no row."""
    before = await session.scalar(select(Stock.quantity).where(Stock.product_id == product_id))
    result = await session.execute(
        update(Stock)
        .where(Stock.product_id == product_id)
        .values(quantity=quantity, updated_at=_now())
        .execution_options(synchronize_session=False)
    )
    if before is None or result.rowcount != 1:  # type: ignore[attr-defined]
        await session.rollback()
        return None
    await events.stock_changed(
        session,
        product_id=product_id,
        before=before,
        after=quantity,
        threshold=low_stock_threshold,
        reason="set",
    )
    await session.commit()
    return StockLevel(product_id=product_id, quantity=quantity)


async def insert_stock(
    session: AsyncSession, product_id: str, quantity: int, *, low_stock_threshold: int
) -> StockLevel:
    """First stock row of a product the products subgraph knows; a concurrent insert wins a race
    and this call then just sets the quantity."""
    session.add(Stock(product_id=product_id, quantity=quantity, updated_at=_now()))
    try:
        await session.flush()  # a concurrent insert surfaces here, before an event is recorded
        await events.stock_changed(
            session,
            product_id=product_id,
            before=None,
            after=quantity,
            threshold=low_stock_threshold,
            reason="set",
        )
        await session.commit()
    except IntegrityError:
        await session.rollback()
        level = await update_stock(session, product_id, quantity, low_stock_threshold=low_stock_threshold)
        assert level is not None  # the row that made the insert fail exists
        return level
    return StockLevel(product_id=product_id, quantity=quantity)


async def find_reservation(session: AsyncSession, order_id: str) -> Reservation | None:
    reservation: Reservation | None = await session.scalar(
        select(Reservation).where(Reservation.order_id == order_id).execution_options(populate_existing=True)
    )
    return reservation


def _same_items(reservation: Reservation, wanted: Sequence[tuple[str, int]]) -> bool:
    return [(item.product_id, item.quantity) for item in reservation.items] == list(wanted)


def _existing_or_conflict(reservation: Reservation, wanted: Sequence[tuple[str, int]]) -> Reservation:
    if reservation.status != RESERVED:
        raise ReservationConflict(f"the reservation of order {reservation.order_id} was already released")
    if not _same_items(reservation, wanted):
        raise ReservationConflict(
            f"order {reservation.order_id} already has a reservation with different items"
        )
    return reservation


async def reserve(
    session: AsyncSession, order_id: str, items: Sequence[tuple[str, int]], *, low_stock_threshold: int
) -> tuple[Reservation, bool]:
    """Take stock for every item of ``order_id`` or for none: (reservation, created).

    Items are taken in product-id order so two transactions never lock rows in opposite order
    (no deadlock on PostgreSQL). A repeated request with the same items returns the existing
    reservation (``created`` False) without taking stock again; a concurrent duplicate loses on the
    primary key, rolls back its stock changes and then sees the winner's reservation.
    """
    wanted = sorted(items)
    existing = await find_reservation(session, order_id)
    if existing is not None:
        return _existing_or_conflict(existing, wanted), False
    now = _now()
    try:
        for product_id, quantity in wanted:
            result = await session.execute(
                update(Stock)
                .where(Stock.product_id == product_id, Stock.quantity >= quantity)
                .values(quantity=Stock.quantity - quantity, updated_at=now)
                .execution_options(synchronize_session=False)
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                available = await session.scalar(select(Stock.quantity).where(Stock.product_id == product_id))
                if available is None:
                    raise UnknownProduct(product_id)
                raise NotEnoughStock(product_id, quantity, available)
        remaining = await stock_for(session, [pid for pid, _ in wanted])
        for product_id, quantity in wanted:
            after = remaining[product_id].quantity
            await events.stock_changed(
                session,
                product_id=product_id,
                before=after + quantity,
                after=after,
                threshold=low_stock_threshold,
                reason="reserved",
            )
        reservation = Reservation(
            order_id=order_id,
            status=RESERVED,
            created_at=now,
            items=[ReservationItem(product_id=pid, quantity=qty) for pid, qty in wanted],
        )
        session.add(reservation)
        await session.commit()
    except IntegrityError:
        await session.rollback()
        existing = await find_reservation(session, order_id)
        if existing is None:
            raise
        return _existing_or_conflict(existing, wanted), False
    except BaseException:
        await session.rollback()
        raise
    return reservation, True


async def release(session: AsyncSession, order_id: str) -> Reservation | None:
    """Return a reservation's stock exactly once; None when the order has no reservation.

    The status flips with a conditional UPDATE first, so of two concurrent releases only one adds
    the stock back; releasing an already released reservation returns it unchanged.
    """
    reservation = await find_reservation(session, order_id)
    if reservation is None:
        return None
    now = _now()
    try:
        flipped = await session.execute(
            update(Reservation)
            .where(Reservation.order_id == order_id, Reservation.status == RESERVED)
            .values(status=RELEASED, released_at=now)
            .execution_options(synchronize_session=False)
        )
        if flipped.rowcount == 1:  # type: ignore[attr-defined]
            for item in reservation.items:
                await session.execute(
                    update(Stock)
                    .where(Stock.product_id == item.product_id)
                    .values(quantity=Stock.quantity + item.quantity, updated_at=now)
                    .execution_options(synchronize_session=False)
                )
            returned = {item.product_id: item.quantity for item in reservation.items}
            remaining = await stock_for(session, list(returned))
            for product_id, level in sorted(remaining.items()):
                await events.stock_changed(
                    session,
                    product_id=product_id,
                    before=level.quantity - returned[product_id],
                    after=level.quantity,
                    threshold=0,  # stock going up never crosses below a threshold
                    reason="released",
                )
        await session.commit()
    except BaseException:
        await session.rollback()
        raise
    return await find_reservation(session, order_id)


#: Seed stock: product-1..product-10 have 10..100, product-11 is nearly sold out, product-12 sold out.
SEED_STOCK: dict[str, int] = {
    **{f"product-{n}": n * 10 for n in range(1, 11)},
    "product-11": 3,
    "product-12": 0,
}
SEED_TIME = datetime(2026, 1, 1, tzinfo=UTC)
#: The seeded orders subgraph has one PENDING order (order-3: product-5 x1); its stock is reserved
#: here so cancelling it returns the unit, as for any order placed through ``placeOrder``.
SEED_RESERVATIONS: dict[str, list[tuple[str, int]]] = {"order-3": [("product-5", 1)]}


async def seed(session: AsyncSession, settings: SubgraphSettings) -> None:
    """Deterministic seed stock, inserted only into an empty table (safe on every start)."""
    count = await session.scalar(select(func.count()).select_from(Stock))
    if count:
        return
    session.add_all(
        Stock(product_id=pid, quantity=qty, updated_at=SEED_TIME) for pid, qty in SEED_STOCK.items()
    )
    session.add_all(
        Reservation(
            order_id=order_id,
            status=RESERVED,
            created_at=SEED_TIME,
            items=[ReservationItem(product_id=pid, quantity=qty) for pid, qty in items],
        )
        for order_id, items in SEED_RESERVATIONS.items()
    )
    await session.commit()

"""Tables of the products subgraph and the repository functions over them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Integer, String, Text, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from subgraphs.common import outbox_table

from . import events

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from subgraphs.common import SubgraphSettings

__all__ = [
    "CURRENCY",
    "SEED_PRODUCTS",
    "Base",
    "ProductRow",
    "SkuTaken",
    "create_product",
    "list_products",
    "products_by_ids",
    "products_by_skus",
    "seed",
    "update_product",
]

#: The shop's one currency. Orders add prices up, so mixing currencies is refused at the door.
CURRENCY = "USD"


class Base(DeclarativeBase):
    """Declarative base of the products database (its own metadata, its own database)."""


# Every write records ProductChanged beside the change it describes (transactional outbox).
outbox_table(Base.metadata)


class ProductRow(Base):
    __tablename__ = "products"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    #: Integer minor units (cents): money is never a float.
    price_amount: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3), default=CURRENCY)
    #: Grams.
    weight: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(64), index=True)


class SkuTaken(Exception):
    """Another product already has this sku."""


async def products_by_ids(session: AsyncSession, ids: Sequence[str]) -> dict[str, ProductRow]:
    """All products of ``ids`` in one SELECT (the batch function of the by-id loader)."""
    if not ids:
        return {}
    rows = await session.scalars(select(ProductRow).where(ProductRow.id.in_(set(ids))))
    return {row.id: row for row in rows}


async def products_by_skus(session: AsyncSession, skus: Sequence[str]) -> dict[str, ProductRow]:
    """All products of ``skus`` in one SELECT (the batch function of the by-sku loader)."""
    if not skus:
        return {}
    rows = await session.scalars(select(ProductRow).where(ProductRow.sku.in_(set(skus))))
    return {row.sku: row for row in rows}


async def list_products(
    session: AsyncSession, *, category: str | None, after: str | None, limit: int
) -> list[ProductRow]:
    """Products in id order (string order, stable under inserts), strictly after ``after``."""
    statement = select(ProductRow).order_by(ProductRow.id).limit(limit)
    if category is not None:
        statement = statement.where(ProductRow.category == category)
    if after is not None:
        statement = statement.where(ProductRow.id > after)
    return list(await session.scalars(statement))


async def create_product(session: AsyncSession, values: Mapping[str, Any]) -> ProductRow:
    """Insert, record ``ProductChanged`` and commit; :class:`SkuTaken` when the sku exists (the
    unique index decides races)."""
    row = ProductRow(**values)
    session.add(row)
    try:
        await session.flush()  # the sku clash surfaces here, before an event is recorded
        await events.product_changed(
            session, product_id=row.id, sku=row.sku, change="created", columns=values.keys()
        )
        await session.commit()
    except IntegrityError as exc:
        await session.rollback()
        raise SkuTaken(values.get("sku")) from exc
    return row


async def update_product(
    session: AsyncSession, product_id: str, changes: Mapping[str, Any]
) -> ProductRow | None:
    """Apply ``changes``, record ``ProductChanged`` (when a value differs) and commit; ``None`` for
    an unknown id, :class:`SkuTaken` on a sku clash."""
    row = await session.get(ProductRow, product_id)
    if row is None:
        return None
    previous_sku = row.sku
    changed = [name for name, value in changes.items() if getattr(row, name) != value]
    for name in changed:
        setattr(row, name, changes[name])
    try:
        if changed:
            await session.flush()
            await events.product_changed(
                session,
                product_id=row.id,
                sku=row.sku,
                change="updated",
                columns=changed,
                previous_sku=previous_sku,
            )
        await session.commit()
    except IntegrityError as exc:
        await session.rollback()
        raise SkuTaken(changes.get("sku")) from exc
    return row


# -- seed ------------------------------------------------------------------------------------------

#: (name, category, price in cents, weight in grams, description) of product-1..product-12 (sku
#: SKU-0001..SKU-0012): the catalogue every other subgraph's seed data refers to.
SEED_PRODUCTS: tuple[tuple[str, str, int, int, str], ...] = (
    ("The Pragmatic Programmer", "books", 4299, 680, "Journeyman to master, 20th anniversary edition."),
    ("Designing Data-Intensive Applications", "books", 4999, 900, "Reliable, scalable, maintainable."),
    ("Structure and Interpretation of Computer Programs", "books", 5500, 1100, "The wizard book."),
    ("Refactoring", "books", 4499, 800, "Improving the design of existing code."),
    ("Mechanical Keyboard", "electronics", 12900, 1200, "Tenkeyless, hot-swappable switches."),
    ("Noise-Cancelling Headphones", "electronics", 29900, 250, "Over-ear, 30 hours of battery."),
    ("USB-C Hub", "electronics", 3999, 90, "Seven ports, 100 W pass-through charging."),
    ("27-inch Monitor", "electronics", 34900, 5400, "4K, USB-C, height-adjustable stand."),
    ("Chef's Knife", "kitchen", 8900, 220, "20 cm, forged stainless steel."),
    ("Cast Iron Skillet", "kitchen", 3499, 2300, "26 cm, pre-seasoned."),
    ("Pour-Over Coffee Set", "kitchen", 4599, 700, "Dripper, carafe and 100 filters."),
    ("Stand Mixer", "kitchen", 44900, 10500, "4.8 litres, ten speeds."),
)


async def seed(session: AsyncSession, settings: SubgraphSettings) -> None:
    """Insert the seed catalogue when the table is empty (deterministic and idempotent)."""
    if await session.scalar(select(func.count()).select_from(ProductRow)):
        return
    for number, (name, category, price, weight, description) in enumerate(SEED_PRODUCTS, start=1):
        session.add(
            ProductRow(
                id=f"product-{number}",
                sku=f"SKU-{number:04d}",
                name=name,
                description=description,
                price_amount=price,
                currency=CURRENCY,
                weight=weight,
                category=category,
            )
        )
    await session.commit()

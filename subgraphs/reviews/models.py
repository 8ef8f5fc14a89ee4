"""Reviews tables and repository.

One review per user per product is a UNIQUE constraint, not only a check before inserting, so two
concurrent ``addReview`` calls cannot both succeed. Lists and averages are read in batches (one
SELECT per batch of products or users) for the DataLoaders.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal

from sqlalchemy import CheckConstraint, DateTime, Integer, String, Text, UniqueConstraint, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase, Mapped, aliased, mapped_column

from subgraphs.common import outbox_table

from . import events

if TYPE_CHECKING:
    from subgraphs.common import SubgraphSettings

__all__ = [
    "Base",
    "DuplicateReview",
    "ReviewRecord",
    "ReviewRow",
    "add_review",
    "average_ratings",
    "has_reviewed",
    "reviews_by_id",
    "reviews_page",
    "seed",
]


class Base(DeclarativeBase):
    """Tables of the reviews database only."""


# Events are written beside the change they describe (transactional outbox).
outbox_table(Base.metadata)


class ReviewRecord(Base):
    __tablename__ = "reviews"
    __table_args__ = (
        UniqueConstraint("user_id", "product_id", name="one_review_per_user_and_product"),
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating_one_to_five"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), index=True)
    product_id: Mapped[str] = mapped_column(String(64), index=True)
    rating: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True, slots=True, kw_only=True)
class ReviewRow:
    """A review detached from the session."""

    id: str
    user_id: str
    product_id: str
    rating: int
    body: str
    created_at: datetime


class DuplicateReview(Exception):
    """The user already reviewed the product."""


def _row(record: ReviewRecord) -> ReviewRow:
    created = record.created_at
    return ReviewRow(
        id=record.id,
        user_id=record.user_id,
        product_id=record.product_id,
        rating=record.rating,
        body=record.body,
        # SQLite hands datetimes back naive; they were stored as UTC.
        created_at=created if created.tzinfo is not None else created.replace(tzinfo=UTC),
    )


async def reviews_by_id(session: AsyncSession, review_ids: Iterable[str]) -> dict[str, ReviewRow]:
    records = await session.scalars(select(ReviewRecord).where(ReviewRecord.id.in_(list(review_ids))))
    return {record.id: _row(record) for record in records}


async def reviews_page(
    session: AsyncSession,
    *,
    by: Literal["product_id", "user_id"],
    keys: Sequence[str],
    limit: int,
    offset: int,
) -> dict[str, list[ReviewRow]]:
    """One page (newest first) of the reviews of each product (or each author) in one SELECT,
    with one extra row per key when a next page exists. ``ROW_NUMBER() OVER (PARTITION BY ...)``
    numbers every key's reviews so one query cuts all windows (SQLite >= 3.25, PostgreSQL)."""
    column = getattr(ReviewRecord, by)
    number = (
        func.row_number()
        .over(partition_by=column, order_by=(ReviewRecord.created_at.desc(), ReviewRecord.id.desc()))
        .label("number")
    )
    numbered = select(ReviewRecord, number).where(column.in_(list(keys))).subquery()
    review = aliased(ReviewRecord, numbered)
    rows = await session.execute(
        select(review)
        .where(numbered.c.number > offset, numbered.c.number <= offset + limit + 1)
        .order_by(numbered.c[by], numbered.c.number)
    )
    pages: dict[str, list[ReviewRow]] = {key: [] for key in keys}
    for (record,) in rows:
        pages[getattr(record, by)].append(_row(record))
    return pages


async def average_ratings(session: AsyncSession, product_ids: Iterable[str]) -> dict[str, float]:
    """Average rating per product in one grouped SELECT; products without reviews are absent."""
    rows = await session.execute(
        select(ReviewRecord.product_id, func.avg(ReviewRecord.rating))
        .where(ReviewRecord.product_id.in_(list(product_ids)))
        .group_by(ReviewRecord.product_id)
    )
    # PostgreSQL's AVG of integers is NUMERIC (Decimal), SQLite's a float: one type, two decimals.
    return {product_id: round(float(average), 2) for product_id, average in rows}


async def has_reviewed(session: AsyncSession, user_id: str, product_id: str) -> bool:
    found = await session.scalar(
        select(ReviewRecord.id).where(ReviewRecord.user_id == user_id, ReviewRecord.product_id == product_id)
    )
    return found is not None


async def add_review(
    session: AsyncSession, *, user_id: str, product_id: str, rating: int, body: str
) -> ReviewRow:
    """Insert and commit a review with its ``ReviewAdded`` event; :class:`DuplicateReview` when the
    user already reviewed the product (also when a concurrent request got there first)."""
    record = ReviewRecord(
        id=f"review-{uuid.uuid4().hex[:12]}",
        user_id=user_id,
        product_id=product_id,
        rating=rating,
        body=body,
        created_at=datetime.now(UTC),
    )
    session.add(record)
    try:
        await events.review_added(
            session, review_id=record.id, product_id=product_id, author_id=user_id, rating=rating
        )
        await session.commit()
    except IntegrityError as exc:
        await session.rollback()
        raise DuplicateReview(f"user {user_id} already reviewed product {product_id}") from exc
    return _row(record)


#: (id, author, product, rating, body, created at) of the seed reviews; each author bought the
#: product in the seeded orders.
SEED_REVIEWS = (
    (
        "review-1",
        "user-2",
        "product-1",
        5,
        "Changed how I approach every codebase.",
        datetime(2026, 1, 20, 8, 0, tzinfo=UTC),
    ),
    (
        "review-2",
        "user-2",
        "product-3",
        4,
        "Demanding, but worth every page.",
        datetime(2026, 1, 21, 19, 15, tzinfo=UTC),
    ),
    (
        "review-3",
        "user-3",
        "product-2",
        3,
        "Solid, though denser than I hoped.",
        datetime(2026, 1, 22, 12, 30, tzinfo=UTC),
    ),
)


async def seed(session: AsyncSession, settings: SubgraphSettings) -> None:
    """Deterministic seed reviews, inserted only into an empty table (safe on every start)."""
    if await session.scalar(select(func.count()).select_from(ReviewRecord)):
        return
    session.add_all(
        ReviewRecord(id=rid, user_id=uid, product_id=pid, rating=rating, body=body, created_at=created)
        for rid, uid, pid, rating, body, created in SEED_REVIEWS
    )
    await session.commit()

"""Tables of the notifications subgraph and the repository functions over them.

A notification belongs to one user and is never shared. Events are processed at most once: the id
of every processed event is stored in ``processed_events`` in the same transaction as the
notifications it produced, so a redelivered event (the broker did not see our ack) finds its id
and is acknowledged without writing anything again.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Index, Integer, String, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from subgraphs.common import UTCDateTime

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

__all__ = [
    "Base",
    "NotificationDraft",
    "NotificationKind",
    "NotificationRow",
    "ProcessedEvent",
    "list_notifications",
    "mark_read",
    "notification_id",
    "notifications_by_seqs",
    "parse_notification_id",
    "store_notifications",
    "unread_counts",
]

_ID_PREFIX = "notification-"


class Base(DeclarativeBase):
    """Declarative base of the notifications database (its own metadata, its own database)."""


class NotificationKind(enum.StrEnum):
    """What a notification is about; one per event type it comes from."""

    ORDER_PLACED = "order_placed"
    ORDER_STATUS_CHANGED = "order_status_changed"
    ORDER_CANCELLED = "order_cancelled"
    STOCK_LOW = "stock_low"
    REVIEW_ADDED = "review_added"
    USER_REGISTERED = "user_registered"


class NotificationRow(Base):
    __tablename__ = "notifications"
    # A user's list is read newest first by seq, unread or all: one index serves both.
    __table_args__ = (Index("ix_notifications_user_seq", "user_id", "seq"),)

    #: Insertion order; the public id is ``notification-<seq>`` and pages are keyset on it.
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    message: Mapped[str] = mapped_column(String(500))
    event_id: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True, default=None)


class ProcessedEvent(Base):
    """One row per event handled: the consumer's idempotency record."""

    __tablename__ = "processed_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    event_type: Mapped[str] = mapped_column(String(64))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    processed_at: Mapped[datetime] = mapped_column(UTCDateTime())


@dataclass(frozen=True, slots=True, kw_only=True)
class NotificationDraft:
    """A notification an event produces, before it is stored."""

    user_id: str
    kind: NotificationKind
    message: str


def notification_id(seq: int) -> str:
    return f"{_ID_PREFIX}{seq}"


def parse_notification_id(value: str) -> int | None:
    """The seq inside a public id; None for anything that is not one of ours."""
    prefix, _, number = value.partition("-")
    if f"{prefix}-" != _ID_PREFIX or not number.isdigit():
        return None
    return int(number)


async def store_notifications(
    session: AsyncSession,
    *,
    event_id: str,
    event_type: str,
    occurred_at: datetime,
    drafts: Sequence[NotificationDraft],
) -> list[NotificationRow] | None:
    """Record ``event_id`` as processed together with its notifications and commit; returns the
    stored rows, or None (and nothing written) when the event was processed before.

    The primary key of ``processed_events`` decides between two concurrent deliveries of one event
    (two consumers, or a redelivery racing the original): the loser's commit fails and it sees the
    winner's row.
    """
    if await session.get(ProcessedEvent, event_id) is not None:
        return None
    now = datetime.now(UTC)
    session.add(
        ProcessedEvent(event_id=event_id, event_type=event_type, occurred_at=occurred_at, processed_at=now)
    )
    rows = [
        NotificationRow(
            user_id=d.user_id, kind=d.kind.value, message=d.message, event_id=event_id, created_at=now
        )
        for d in drafts
    ]
    session.add_all(rows)
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        if await session.get(ProcessedEvent, event_id, populate_existing=True) is not None:
            return None
        raise
    return rows


async def list_notifications(
    session: AsyncSession, user_id: str, *, unread_only: bool, before: int | None, limit: int
) -> list[NotificationRow]:
    """A user's notifications newest first, strictly older than seq ``before`` (keyset page)."""
    statement = (
        select(NotificationRow)
        .where(NotificationRow.user_id == user_id)
        .order_by(NotificationRow.seq.desc())
        .limit(limit)
    )
    if unread_only:
        statement = statement.where(NotificationRow.read_at.is_(None))
    if before is not None:
        statement = statement.where(NotificationRow.seq < before)
    return list(await session.scalars(statement))


async def notifications_by_seqs(session: AsyncSession, seqs: Iterable[int]) -> dict[int, NotificationRow]:
    wanted = set(seqs)
    if not wanted:
        return {}
    rows = await session.scalars(select(NotificationRow).where(NotificationRow.seq.in_(wanted)))
    return {row.seq: row for row in rows}


async def unread_counts(session: AsyncSession, user_ids: Iterable[str]) -> dict[str, int]:
    """Unread notifications per user in one grouped SELECT; users with none are absent."""
    wanted = set(user_ids)
    if not wanted:
        return {}
    rows = await session.execute(
        select(NotificationRow.user_id, func.count())
        .where(NotificationRow.user_id.in_(wanted), NotificationRow.read_at.is_(None))
        .group_by(NotificationRow.user_id)
    )
    return {user_id: int(count) for user_id, count in rows}


async def mark_read(session: AsyncSession, seq: int, *, user_id: str) -> NotificationRow | None:
    """Mark ``user_id``'s notification read and commit; None when it is not theirs or not there.

    Marking twice keeps the first ``read_at`` (the conditional UPDATE only touches unread rows).
    """
    await session.execute(
        update(NotificationRow)
        .where(
            NotificationRow.seq == seq, NotificationRow.user_id == user_id, NotificationRow.read_at.is_(None)
        )
        .values(read_at=datetime.now(UTC))
        .execution_options(synchronize_session=False)
    )
    await session.commit()
    row: NotificationRow | None = await session.scalar(
        select(NotificationRow)
        .where(NotificationRow.seq == seq, NotificationRow.user_id == user_id)
        .execution_options(populate_existing=True)
    )
    return row

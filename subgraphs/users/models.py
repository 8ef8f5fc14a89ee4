"""Tables of the users subgraph and the repository functions over them.

Passwords are stored only as Argon2 hashes. Refresh tokens are never stored: only their id (``jti``),
family, owner, expiry and revocation time, which is all rotation and reuse detection need.
"""

from __future__ import annotations

import asyncio
import enum
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ForeignKey, String, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from subgraphs.common import UTCDateTime, outbox_table

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from subgraphs.common import SubgraphSettings

    from .accounts import Passwords

__all__ = [
    "SEED_USERS",
    "Base",
    "EmailTaken",
    "RefreshTokenRow",
    "Role",
    "UserRow",
    "create_user",
    "find_refresh_token",
    "find_user_by_email",
    "insert_refresh_token",
    "list_users",
    "revoke_family",
    "revoke_refresh_token",
    "seed",
    "set_password_hash",
    "users_by_ids",
]


class Base(DeclarativeBase):
    """Declarative base of the users database (its own metadata, its own database)."""


# Events are written beside the change they describe (transactional outbox).
outbox_table(Base.metadata)


class Role(enum.StrEnum):
    """What a user may do; stored and put in access tokens as the lower-case value."""

    CUSTOMER = "customer"
    ADMIN = "admin"


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: Normalised (trimmed, lower-case) so uniqueness is case-insensitive on every backend.
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16), default=Role.CUSTOMER.value)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RefreshTokenRow(Base):
    """One issued refresh token. A family is one sign-in: every rotation adds a row to it."""

    __tablename__ = "refresh_tokens"

    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    family: Mapped[str] = mapped_column(String(64), index=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class EmailTaken(Exception):
    """Another account already uses this email."""


# -- users -----------------------------------------------------------------------------------------


async def users_by_ids(session: AsyncSession, ids: Sequence[str]) -> dict[str, UserRow]:
    """All users of ``ids`` in one SELECT (the batch function of the user loader)."""
    if not ids:
        return {}
    rows = await session.scalars(select(UserRow).where(UserRow.id.in_(set(ids))))
    return {row.id: row for row in rows}


async def find_user_by_email(session: AsyncSession, email: str) -> UserRow | None:
    return await session.scalar(select(UserRow).where(UserRow.email == email))


async def list_users(session: AsyncSession, *, after: str | None, limit: int) -> list[UserRow]:
    """Users in id order, strictly after ``after`` (keyset pagination)."""
    statement = select(UserRow).order_by(UserRow.id).limit(limit)
    if after is not None:
        statement = statement.where(UserRow.id > after)
    return list(await session.scalars(statement))


async def create_user(
    session: AsyncSession, *, user_id: str, email: str, name: str, password_hash: str, role: Role
) -> UserRow:
    """Insert and flush a user; :class:`EmailTaken` when the email exists (the unique index decides,
    so two concurrent registrations cannot both win)."""
    row = UserRow(
        id=user_id,
        email=email,
        name=name,
        role=role.value,
        password_hash=password_hash,
        created_at=datetime.now(UTC),
    )
    session.add(row)
    try:
        await session.flush()
    except IntegrityError as exc:
        await session.rollback()
        raise EmailTaken(email) from exc
    return row


async def set_password_hash(session: AsyncSession, user_id: str, password_hash: str) -> None:
    await session.execute(update(UserRow).where(UserRow.id == user_id).values(password_hash=password_hash))


# -- refresh tokens --------------------------------------------------------------------------------


async def insert_refresh_token(
    session: AsyncSession, *, jti: str, family: str, user_id: str, expires_at: datetime
) -> None:
    session.add(
        RefreshTokenRow(
            jti=jti,
            family=family,
            user_id=user_id,
            expires_at=expires_at,
            revoked_at=None,
            created_at=datetime.now(UTC),
        )
    )
    await session.flush()


async def find_refresh_token(session: AsyncSession, jti: str) -> RefreshTokenRow | None:
    return await session.get(RefreshTokenRow, jti)


async def revoke_refresh_token(session: AsyncSession, jti: str, *, now: datetime) -> bool:
    """Revoke one token if it is still active. A conditional UPDATE, so of two concurrent
    rotations of the same token exactly one sees ``True``; the other is treated as reuse."""
    result: Any = await session.execute(
        update(RefreshTokenRow)
        .where(RefreshTokenRow.jti == jti, RefreshTokenRow.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return bool(result.rowcount == 1)


async def revoke_family(session: AsyncSession, family: str, *, now: datetime) -> int:
    """Revoke every still-active token of ``family``; returns how many were active."""
    result: Any = await session.execute(
        update(RefreshTokenRow)
        .where(RefreshTokenRow.family == family, RefreshTokenRow.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return int(result.rowcount or 0)


# -- seed ------------------------------------------------------------------------------------------

#: (id, email, name, role, password) of the development and test accounts; the contract every
#: subgraph's seed data refers to.
SEED_USERS: tuple[tuple[str, str, str, Role, str], ...] = (
    ("user-1", "admin@example.com", "Ada Admin", Role.ADMIN, "admin-password-1"),
    ("user-2", "alice@example.com", "Alice Liddell", Role.CUSTOMER, "alice-password-1"),
    ("user-3", "bob@example.com", "Bob Builder", Role.CUSTOMER, "bob-password-1"),
    ("user-4", "carol@example.com", "Carol Danvers", Role.CUSTOMER, "carol-password-1"),
)
_SEED_CREATED_AT = datetime(2024, 1, 1, tzinfo=UTC)


async def seed(session: AsyncSession, settings: SubgraphSettings) -> None:
    """Insert the seed accounts when the table is empty (idempotent; deterministic apart from the
    random Argon2 salts). Hashing runs in worker threads so start-up does not block the loop."""
    from .accounts import Passwords

    if await session.scalar(select(func.count()).select_from(UserRow)):
        return
    passwords: Passwords = Passwords.from_settings(settings)
    hashes = await asyncio.gather(*(passwords.hash(password) for *_, password in SEED_USERS))
    for (user_id, email, name, role, _), password_hash in zip(SEED_USERS, hashes, strict=True):
        session.add(
            UserRow(
                id=user_id,
                email=email,
                name=name,
                role=role.value,
                password_hash=password_hash,
                created_at=_SEED_CREATED_AT.replace(day=int(user_id.rsplit("-", 1)[1])),
            )
        )
    await session.commit()

"""Events the users subgraph publishes (through the transactional outbox).
Payload schemas: ``subgraphs.common.events``."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.common import UserRegistered, record_event

__all__ = ["user_registered"]

SOURCE = "users"


async def user_registered(session: AsyncSession, *, user_id: str, name: str) -> None:
    await record_event(session, UserRegistered(user_id=user_id, name=name), source=SOURCE)

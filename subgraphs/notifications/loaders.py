"""Per-request DataLoaders of the notifications subgraph: N lookups in one request are one SELECT."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from aiodataloader import DataLoader

from .models import NotificationRow, notifications_by_seqs, unread_counts

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

__all__ = ["NotificationLoader", "UnreadCountLoader"]


class NotificationLoader(DataLoader[int, NotificationRow | None]):
    """Notifications by seq (``_entities`` of ``Notification``); unknown ones load as None."""

    def __init__(self, session: AsyncSession) -> None:
        super().__init__()
        self._session = session

    async def batch_load_fn(self, keys: Sequence[int]) -> list[NotificationRow | None]:
        rows = await notifications_by_seqs(self._session, keys)
        return [rows.get(key) for key in keys]


class UnreadCountLoader(DataLoader[str, int]):
    """Unread notification count by user id (0 for users without any)."""

    def __init__(self, session: AsyncSession) -> None:
        super().__init__()
        self._session = session

    async def batch_load_fn(self, keys: Sequence[str]) -> list[int]:
        counts = await unread_counts(self._session, keys)
        return [counts.get(key, 0) for key in keys]

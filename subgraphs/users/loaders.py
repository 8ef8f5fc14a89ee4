"""Per-request DataLoaders of the users subgraph: N user lookups in one request are one SELECT."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from aiodataloader import DataLoader

from .models import UserRow, users_by_ids

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

__all__ = ["UserLoader"]


class UserLoader(DataLoader[str, UserRow | None]):
    """Users by id; unknown ids load as ``None`` (an ``_entities`` slot of null, not an error)."""

    def __init__(self, session: AsyncSession) -> None:
        super().__init__()
        self._session = session

    async def batch_load_fn(self, keys: Sequence[str]) -> list[UserRow | None]:
        rows = await users_by_ids(self._session, keys)
        return [rows.get(key) for key in keys]

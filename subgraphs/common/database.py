"""One async SQLAlchemy engine per subgraph: SQLite file by default, PostgreSQL via asyncpg."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, event, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

__all__ = ["Database", "session_lock"]


class Database:
    """Engine + session factory of one subgraph's own database."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        kwargs: dict[str, Any] = {"echo": echo}
        if self.is_sqlite:
            _ensure_sqlite_dir(url)
            kwargs["connect_args"] = {"timeout": 30}
        else:
            kwargs.update(pool_size=10, max_overflow=20, pool_pre_ping=True)
        self.engine: AsyncEngine = create_async_engine(url, **kwargs)
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    async def create_schema(self, metadata: MetaData) -> None:
        """Create missing tables (schema creation runs on start)."""
        async with self.engine.begin() as conn:
            await conn.run_sync(metadata.create_all)

    async def drop_schema(self, metadata: MetaData) -> None:
        async with self.engine.begin() as conn:
            await conn.run_sync(metadata.drop_all)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self.sessions() as session:
            yield session

    async def ping(self) -> bool:
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception:
            return False
        return True

    async def dispose(self) -> None:
        await self.engine.dispose()


def session_lock(session: AsyncSession) -> asyncio.Lock:
    """The lock that serialises statements on one request's session.

    GraphQL resolves sibling fields concurrently, so two DataLoaders of one request dispatch their
    batches in the same event-loop tick; an ``AsyncSession`` refuses concurrent operations ("This
    session is provisioning a new connection; concurrent operations are not permitted"). Loaders and
    read paths wrap their ``execute`` in ``async with session_lock(session):`` to take turns.
    """
    lock = session.info.get("subgraphs.lock")
    if lock is None:
        lock = session.info["subgraphs.lock"] = asyncio.Lock()
    return lock


def _ensure_sqlite_dir(url: str) -> None:
    path = url.split(":///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # WAL lets readers run beside the one writer; the busy timeout makes writers queue instead of
    # failing with "database is locked" under concurrent requests.
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()

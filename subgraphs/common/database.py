"""One async SQLAlchemy engine per subgraph: SQLite file by default, PostgreSQL via asyncpg."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from sqlalchemy import DateTime, Dialect, MetaData, TypeDecorator, event, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

__all__ = ["Database", "SerialSession", "UTCDateTime", "seed_database", "session_lock"]

_Method = TypeVar("_Method", bound=Callable[..., Any])


def _serialized(method: _Method) -> _Method:
    @functools.wraps(method)
    async def wrapper(self: SerialSession, *args: Any, **kwargs: Any) -> Any:
        async with self._turn():
            return await method(self, *args, **kwargs)

    return cast("_Method", wrapper)


class SerialSession(AsyncSession):
    """An ``AsyncSession`` whose database calls take turns instead of failing when they overlap.

    One session serves a whole GraphQL request, and graphql-core resolves sibling fields
    concurrently while aiodataloader dispatches each loader's batch in its own task, so two
    resolvers can await the session at once; a plain ``AsyncSession`` then raises "concurrent
    operations are not permitted". Every session the :class:`Database` makes is one of these, so
    no call site has to remember a lock. A call made while the same task already holds the turn
    (``scalars`` awaits ``execute``) goes straight through. (:func:`session_lock` remains for
    code that wants to hold one turn across several statements.)
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._lock = asyncio.Lock()
        self._holder: asyncio.Task[Any] | None = None

    @asynccontextmanager
    async def _turn(self) -> AsyncIterator[None]:
        task = asyncio.current_task()
        if task is not None and self._holder is task:
            yield
            return
        async with self._lock:
            self._holder = task
            try:
                yield
            finally:
                self._holder = None

    # Hidden from type checkers so callers keep AsyncSession's precise (overloaded) signatures.
    if not TYPE_CHECKING:
        execute = _serialized(AsyncSession.execute)
        scalar = _serialized(AsyncSession.scalar)
        scalars = _serialized(AsyncSession.scalars)
        get = _serialized(AsyncSession.get)
        get_one = _serialized(AsyncSession.get_one)
        refresh = _serialized(AsyncSession.refresh)
        merge = _serialized(AsyncSession.merge)
        delete = _serialized(AsyncSession.delete)
        flush = _serialized(AsyncSession.flush)
        run_sync = _serialized(AsyncSession.run_sync)
        connection = _serialized(AsyncSession.connection)
        commit = _serialized(AsyncSession.commit)
        rollback = _serialized(AsyncSession.rollback)
        close = _serialized(AsyncSession.close)


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
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False, class_=SerialSession)

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


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend.

    PostgreSQL keeps the offset (``timestamptz``); SQLite has no such type and would hand back naive
    values, so they are stored as naive UTC and made aware again when read.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


async def seed_database(spec: Any, settings: Any, *, reset: bool = False) -> str:
    """Create a subgraph's tables (dropping them first with ``reset``) and load its seed data;
    returns the database URL. ``spec`` is the subgraph's ``SubgraphSpec``."""
    from .settings import database_url_for

    database = Database(database_url_for(spec.name, settings))
    try:
        if reset:
            await database.drop_schema(spec.metadata)
        await database.create_schema(spec.metadata)
        if spec.seed is not None:
            async with database.session() as session:
                await spec.seed(session, settings)
    finally:
        await database.dispose()
    return database.url

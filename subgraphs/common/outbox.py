"""Transactional outbox: an event is stored in the same transaction as the change it describes,
and a relay publishes stored events to the event bus afterwards.

Why: publishing straight to RabbitMQ from a resolver either loses the event (commit succeeded,
publish failed) or announces a change that never happened (publish succeeded, commit failed). With
the outbox both are one local transaction; the relay then delivers at least once, and consumers
deduplicate by event id, which together is effectively exactly once.

Wiring, per subgraph:

    # models.py - the table joins the subgraph's own metadata, so create_schema creates it
    EVENT_OUTBOX = outbox_table(Base.metadata)

    # in the transaction that makes the change, before its commit
    await record_event(session, OrderPlaced(...), source="orders")

    # app.py - the relay runs in the subgraph's process while the app runs
    SPEC = SubgraphSpec(..., background=(outbox_relay,))

    # or alone (another process, any number of them on PostgreSQL)
    await run_relay("orders")

Concurrency: on PostgreSQL each relay locks its batch with ``SELECT ... FOR UPDATE SKIP LOCKED``
and holds the lock while it publishes and marks the rows sent, so several relays share the work
and never publish one row twice. SQLite has no row locks: run a single relay per database file
(the in-process one is that relay; do not also run ``run_relay`` against the same file).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import orjson
from opentelemetry.trace import SpanKind, Status, StatusCode
from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Engine,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    column,
    delete,
    event,
    func,
    insert,
    select,
    table,
    text,
    update,
)
from sqlalchemy.orm import Session

from .bus import OutgoingMessage, PublishFailed, RetryPolicy, open_event_bus
from .database import Database
from .events import Event, EventPayload, new_event
from .tracing import context_of, current_traceparent, subgraph_tracer, traceparent_of

if TYPE_CHECKING:
    from fastapi import FastAPI
    from opentelemetry.trace import Span, Tracer
    from sqlalchemy.ext.asyncio import AsyncSession

    from .bus import EventBus
    from .metrics import SubgraphMetrics
    from .settings import SubgraphSettings

__all__ = [
    "OUTBOX_TABLE",
    "OutboxBacklog",
    "OutboxRelay",
    "outbox_relay",
    "outbox_table",
    "read_backlog",
    "record_event",
    "run_relay",
]

log = logging.getLogger("subgraphs.events")

OUTBOX_TABLE = "event_outbox"

#: The outbox as a lightweight table clause: what record_event and the relay write through, so
#: they need no reference to the subgraph's own ``Table`` object (see :func:`outbox_table`).
_outbox = table(
    OUTBOX_TABLE,
    column("seq", Integer()),
    column("event_id", String()),
    column("event_type", String()),
    column("body", Text()),
    column("created_at", DateTime(timezone=True)),
    column("sent_at", DateTime(timezone=True)),
    column("attempts", Integer()),
    column("last_error", Text()),
)

_PENDING = "subgraphs.outbox.pending"


def outbox_table(metadata: MetaData) -> Table:
    """Add the ``event_outbox`` table to a subgraph's metadata (idempotent) and return it.

    ``seq`` orders events as they were recorded; the partial index covers only unsent rows, so
    the relay's scan stays small however many sent rows are kept.
    """
    existing = metadata.tables.get(OUTBOX_TABLE)
    if existing is not None:
        return existing
    return Table(
        OUTBOX_TABLE,
        metadata,
        # BIGINT on PostgreSQL; SQLite only auto-increments a column declared exactly INTEGER.
        Column("seq", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True),
        Column("event_id", String(64), nullable=False, unique=True),
        Column("event_type", String(64), nullable=False),
        Column("body", Text(), nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("sent_at", DateTime(timezone=True), nullable=True),
        Column("attempts", Integer(), nullable=False, server_default=text("0")),
        Column("last_error", Text(), nullable=True),
        Index(
            "ix_event_outbox_unsent",
            "seq",
            postgresql_where=text("sent_at IS NULL"),
            sqlite_where=text("sent_at IS NULL"),
        ),
    )


async def record_event(session: AsyncSession, event: EventPayload | Event, *, source: str = "") -> Event:
    """Store ``event`` in the caller's transaction; it is published only if that transaction commits.

    Pass a payload (``OrderPlaced(...)``) to get a fresh envelope (random id, now), or a ready
    :class:`Event`. Returns the envelope, e.g. to log its id. Call it before ``session.commit()``;
    it does not commit.
    """
    envelope = event if isinstance(event, Event) else new_event(event, source=source)
    if envelope.traceparent is None and (traceparent := current_traceparent()) is not None:
        # The relay continues this request's trace when it publishes (tracing on only).
        envelope = envelope.model_copy(update={"traceparent": traceparent})
    await session.execute(
        insert(_outbox).values(
            event_id=envelope.id,
            event_type=envelope.type,
            body=envelope.to_json().decode(),
            created_at=envelope.occurred_at,
            attempts=0,
        )
    )
    # Lets the commit wake this process's relay at once instead of at its next poll.
    session.sync_session.info[_PENDING] = True
    return envelope


# -- the backlog, for metrics ---------------------------------------------------------------------

#: :func:`read_backlog` counts unsent rows up to this many: enough to tell a stuck relay from a busy
#: one, while a huge backlog never makes a scrape scan all of it.
BACKLOG_COUNT_CAP = 10_000


@dataclass(frozen=True, slots=True, kw_only=True)
class OutboxBacklog:
    """What waits in an outbox: unsent rows (at most :data:`BACKLOG_COUNT_CAP`), and how long the
    oldest of them has waited (0 when none waits)."""

    unsent: int
    oldest_age_seconds: float


async def read_backlog(database: Database, *, cap: int = BACKLOG_COUNT_CAP) -> OutboxBacklog:
    """Two small queries, both on the partial index of unsent rows: a count bounded by ``cap``, and
    the first unsent row by ``seq`` (recording order, so it is the oldest)."""
    unsent = select(_outbox.c.seq).where(_outbox.c.sent_at.is_(None))
    async with database.engine.connect() as conn:
        count = await conn.scalar(select(func.count()).select_from(unsent.limit(cap).subquery()))
        oldest = await conn.scalar(
            select(_outbox.c.created_at).where(_outbox.c.sent_at.is_(None)).order_by(_outbox.c.seq).limit(1)
        )
    age = 0.0
    if oldest is not None:
        if oldest.tzinfo is None:  # SQLite keeps no offset; recorded times are UTC (new_event)
            oldest = oldest.replace(tzinfo=UTC)
        age = max(0.0, (datetime.now(UTC) - oldest).total_seconds())
    return OutboxBacklog(unsent=int(count or 0), oldest_age_seconds=age)


# -- waking relays on commit ----------------------------------------------------------------------

_wakers: weakref.WeakKeyDictionary[Engine, set[asyncio.Event]] = weakref.WeakKeyDictionary()


@event.listens_for(Session, "after_commit")
def _wake_relays(session: Session) -> None:
    if not session.info.pop(_PENDING, False):
        return
    try:
        bind = session.get_bind()
    except Exception:  # an unbound session: nobody to wake, and a commit hook must never fail
        return
    engine = bind if isinstance(bind, Engine) else bind.engine
    for wake in _wakers.get(engine, ()):
        wake.set()


@event.listens_for(Session, "after_rollback")
def _forget_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)


# -- the relay ------------------------------------------------------------------------------------


class OutboxRelay:
    """Publishes unsent outbox rows in ``seq`` order, in batches, and marks them sent.

    It wakes when a transaction of this process that recorded an event commits, and polls every
    ``poll_interval`` seconds for rows other processes wrote. When publishing fails (broker down)
    the rows stay unsent and the relay backs off exponentially up to ``max_backoff``; nothing is
    dropped. Rows sent more than ``retention`` ago are deleted now and then.
    """

    def __init__(
        self,
        *,
        database: Database,
        bus: EventBus,
        name: str = "",
        batch_size: int = 100,
        poll_interval: float = 1.0,
        max_backoff: float = 30.0,
        retention: timedelta = timedelta(days=1),
        tracer: Tracer | None = None,
        metrics: SubgraphMetrics | None = None,
    ) -> None:
        self._database = database
        self._tracer = tracer
        self._metrics = metrics
        self._bus = bus
        self._name = name or "outbox"
        self._batch_size = batch_size
        self._poll_interval = poll_interval
        self._max_backoff = max_backoff
        self._retention = retention
        self._lock_rows = database.engine.dialect.name == "postgresql"
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._last_purge = 0.0
        #: Events this relay has published (tests and the benchmark read it).
        self.published = 0

    def wake(self) -> None:
        self._wake.set()

    async def check_table(self) -> None:
        """Fail at start-up, saying what to change, when the database has no outbox table."""
        try:
            async with self._database.engine.connect() as conn:
                await conn.execute(select(_outbox.c.seq).limit(1))
        except Exception as exc:
            raise RuntimeError(
                f"{self._name}: the {OUTBOX_TABLE} table is missing ({type(exc).__name__}) - call "
                "outbox_table(Base.metadata) in the subgraph's models.py so create_schema creates it"
            ) from exc

    async def publish_pending(self) -> int:
        """Publish one batch; returns how many were published. Rows whose publish failed stay
        unsent (with ``attempts`` and ``last_error`` updated) and :class:`PublishFailed` is raised
        after the successful ones are marked sent."""
        async with self._database.engine.connect() as conn, conn.begin():
            query = (
                select(_outbox.c.seq, _outbox.c.event_id, _outbox.c.event_type, _outbox.c.body)
                .where(_outbox.c.sent_at.is_(None))
                .order_by(_outbox.c.seq)
                .limit(self._batch_size)
            )
            if self._lock_rows:
                query = query.with_for_update(skip_locked=True)
            rows = (await conn.execute(query)).all()
            if not rows:
                return 0
            spans = [self._publish_span(row) for row in rows] if self._tracer is not None else []
            messages = [
                OutgoingMessage(
                    event_id=row.event_id,
                    event_type=row.event_type,
                    body=row.body.encode(),
                    traceparent=traceparent_of(spans[i]) if spans else None,
                )
                for i, row in enumerate(rows)
            ]
            # The first publish probes the bus, so a broker that is down costs one attempt per
            # batch, not one per row; the rest go out together and are confirmed together.
            results: list[BaseException | None] = [await _attempt(self._bus.publish(messages[0]))]
            if results[0] is None and len(messages) > 1:
                results += await asyncio.gather(*(_attempt(self._bus.publish(m)) for m in messages[1:]))
            else:
                results += [results[0]] * (len(messages) - 1)
            for span, error in zip(spans, results, strict=False):
                if error is not None:
                    span.record_exception(error)
                    span.set_status(Status(StatusCode.ERROR))
                span.end()
            sent = [row.seq for row, error in zip(rows, results, strict=True) if error is None]
            failed = [row.seq for row, error in zip(rows, results, strict=True) if error is not None]
            now = datetime.now(UTC)
            if sent:
                await conn.execute(update(_outbox).where(_outbox.c.seq.in_(sent)).values(sent_at=now))
            first_error = next((error for error in results if error is not None), None)
            if failed:
                await conn.execute(
                    update(_outbox)
                    .where(_outbox.c.seq.in_(failed))
                    .values(attempts=_outbox.c.attempts + 1, last_error=repr(first_error)[:1000])
                )
        self.published += len(sent)
        if self._metrics is not None:
            # After the commit: a row counts as published once it is marked sent.
            self._metrics.events_published(
                row.event_type for row, error in zip(rows, results, strict=True) if error is None
            )
            self._metrics.events_not_published(
                row.event_type for row, error in zip(rows, results, strict=True) if error is not None
            )
        if first_error is not None:
            raise PublishFailed(
                f"{len(failed)} of {len(rows)} events not published: {first_error}"
            ) from first_error
        return len(sent)

    def _publish_span(self, row: Any) -> Span:
        """A producer span ``publish <EventType>``, child of the request that recorded the event."""
        assert self._tracer is not None
        try:
            traceparent = orjson.loads(row.body).get("traceparent")
        except (orjson.JSONDecodeError, AttributeError):
            traceparent = None
        return self._tracer.start_span(
            f"publish {row.event_type}",
            context=context_of(traceparent if isinstance(traceparent, str) else None),
            kind=SpanKind.PRODUCER,
            attributes={"messaging.message.id": row.event_id, "messaging.destination.name": row.event_type},
        )

    async def purge_sent(self, *, older_than: timedelta) -> int:
        """Delete rows sent before ``now - older_than``; returns how many."""
        cutoff = datetime.now(UTC) - older_than
        async with self._database.engine.begin() as conn:
            result: Any = await conn.execute(
                delete(_outbox).where(_outbox.c.sent_at.is_not(None), _outbox.c.sent_at < cutoff)
            )
        return int(result.rowcount or 0)

    async def run(self) -> None:
        """Relay until :meth:`stop`; a batch in progress is finished, never cut in half."""
        engine = self._database.engine.sync_engine
        _wakers.setdefault(engine, set()).add(self._wake)
        failures = 0
        try:
            while not self._stopping.is_set():
                self._wake.clear()
                try:
                    count = await self.publish_pending()
                except Exception as exc:
                    failures += 1
                    delay = min(self._max_backoff, self._poll_interval * 2 ** min(failures - 1, 16))
                    level = logging.WARNING if failures == 1 or failures % 10 == 0 else logging.DEBUG
                    log.log(
                        level,
                        "%s relay: publishing failed %d time(s), retrying in %.1fs: %s",
                        self._name,
                        failures,
                        delay,
                        exc,
                    )
                    await self._sleep(delay, wakeable=False)
                    continue
                if failures:
                    log.info("%s relay: publishing again after %d failed attempt(s)", self._name, failures)
                    failures = 0
                if count >= self._batch_size:
                    continue
                await self._maybe_purge()
                await self._sleep(self._poll_interval, wakeable=True)
        finally:
            waiting = _wakers.get(engine)
            if waiting is not None:
                waiting.discard(self._wake)

    async def stop(self) -> None:
        """Ask :meth:`run` to return after the batch in progress (await the run task to wait)."""
        self._stopping.set()
        self._wake.set()

    async def _sleep(self, seconds: float, *, wakeable: bool) -> None:
        # While backing off, commits must not wake the relay into hammering a broker that is down.
        waiters = [asyncio.ensure_future(self._stopping.wait())]
        if wakeable:
            waiters.append(asyncio.ensure_future(self._wake.wait()))
        try:
            await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()

    async def _maybe_purge(self) -> None:
        loop = asyncio.get_running_loop()
        if loop.time() - self._last_purge < 300:
            return
        self._last_purge = loop.time()
        try:
            removed = await self.purge_sent(older_than=self._retention)
        except Exception as exc:  # housekeeping must never stop the relay
            log.warning("%s relay: purging sent events failed: %r", self._name, exc)
            return
        if removed:
            log.info("%s relay: purged %d sent events", self._name, removed)


async def _attempt(operation: Any) -> BaseException | None:
    try:
        await operation
    except PublishFailed as exc:
        return exc
    return None


def _retry_policy(settings: SubgraphSettings) -> RetryPolicy:
    return RetryPolicy(
        max_attempts=settings.event_max_attempts, first_delay=settings.event_retry_delay_seconds
    )


@asynccontextmanager
async def _relay_running(
    database: Database, settings: SubgraphSettings, name: str, metrics: SubgraphMetrics | None = None
) -> AsyncIterator[OutboxRelay]:
    async with open_event_bus(
        settings.event_bus_url,
        exchange=settings.event_exchange,
        retry=_retry_policy(settings),
        connection_name=f"{name}-relay",
    ) as bus:
        relay = OutboxRelay(
            database=database,
            bus=bus,
            name=name,
            batch_size=settings.event_relay_batch_size,
            poll_interval=settings.event_relay_interval_seconds,
            tracer=subgraph_tracer(settings, service_name=name),
            metrics=metrics,
        )
        await relay.check_table()
        task = asyncio.create_task(relay.run(), name=f"{name}-outbox-relay")
        try:
            yield relay
        finally:
            await relay.stop()
            with contextlib.suppress(asyncio.CancelledError):
                await task


@asynccontextmanager
async def outbox_relay(app: FastAPI) -> AsyncIterator[None]:
    """``SubgraphSpec.background`` entry: this subgraph's relay runs while the app runs
    (``app.state.outbox_relay``), on the bus ``EVENT_BUS_URL`` names."""
    state = app.state
    async with _relay_running(state.database, state.settings, state.name, state.metrics) as relay:
        app.state.outbox_relay = relay
        yield


async def run_relay(
    name: str,
    *,
    settings: SubgraphSettings | None = None,
    database_url: str | None = None,
    stop: asyncio.Event | None = None,
) -> None:
    """Run subgraph ``name``'s relay on its own until ``stop`` is set (or the task is cancelled).

    It reads the same settings as the subgraph (``DATABASE_URL`` / ``<NAME>_DATABASE_URL``,
    ``EVENT_BUS_URL``) and creates the outbox table if the subgraph has not yet. Needs RabbitMQ:
    the in-process bus reaches only consumers inside the same process.
    """
    # Imported here: a schema import (``supergraph compose``) reaches this module for
    # ``outbox_table`` and must not pay for pydantic-settings.
    from .settings import SubgraphSettings, database_url_for

    settings = settings or SubgraphSettings()
    if not settings.event_bus_url or settings.event_bus_url == "memory://":
        raise RuntimeError(
            f"the {name} relay on its own needs EVENT_BUS_URL=amqp://user:password@host:5672/ - "
            "the in-process bus only reaches consumers in the same process"
        )
    database = Database(database_url or database_url_for(name, settings))
    try:
        metadata = MetaData()
        outbox_table(metadata)
        await database.create_schema(metadata)
        async with _relay_running(database, settings, name):
            log.info("%s relay running on %s", name, settings.event_exchange)
            await (stop or asyncio.Event()).wait()
    finally:
        await database.dispose()

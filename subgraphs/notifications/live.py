"""Live notifications: every stored notification, broadcast to the subscribers of every API process.

The consumer (in an API process, or in ``supergraph worker``) commits a notification, then
broadcasts it on the bus under :data:`NOTIFICATION_CREATED` (:func:`announce`). Each notifications
API process listens for that routing key (:func:`live_notifications`, RabbitMQ: an exclusive
auto-delete queue of its own; in-process: a local listener) and fans each message out to the
``notificationAdded`` subscriptions of its owner through a :class:`NotificationFeed`.

The fan-out never waits for a subscriber: each has a bounded queue, and one that falls
``queue_size`` notifications behind is dropped (its subscription ends with an error) instead of
holding memory or the listener. Live delivery is at most once; the inbox (``User.notifications``)
is the record a client catches up from.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from typing import TYPE_CHECKING

import orjson
from pydantic import BaseModel, ConfigDict, ValidationError

from .models import notification_id

if TYPE_CHECKING:
    from fastapi import FastAPI

    from subgraphs.common import EventBus, SubgraphSettings

    from .models import NotificationRow

__all__ = [
    "NOTIFICATION_CREATED",
    "LiveNotification",
    "NotificationFeed",
    "SubscriberTooSlow",
    "announce",
    "live_notifications",
]

log = logging.getLogger("subgraphs.notifications")

#: The broadcast routing key of a stored notification (not an event type: no durable queue binds it).
NOTIFICATION_CREATED = "notification.created"
#: Notifications one subscriber may have waiting before it is dropped.
DEFAULT_QUEUE_SIZE = 100


class LiveNotification(BaseModel):
    """The broadcast body: a stored notification, as its owner's subscription shows it."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str
    user_id: str
    kind: str
    message: str
    created_at: datetime

    @classmethod
    def from_row(cls, row: NotificationRow) -> LiveNotification:
        return cls(
            id=notification_id(row.seq),
            user_id=row.user_id,
            kind=row.kind,
            message=row.message,
            created_at=row.created_at,
        )


class SubscriberTooSlow(Exception):
    """A subscriber fell too far behind and was dropped."""


_DROPPED = object()


class NotificationFeed:
    """Fans live notifications out to the subscriptions of their owner, in this process."""

    def __init__(self, *, queue_size: int = DEFAULT_QUEUE_SIZE) -> None:
        self._queue_size = queue_size
        self._subscribers: dict[str, set[asyncio.Queue[object]]] = {}
        #: Subscribers dropped for being too slow since start (read by tests and logs).
        self.dropped = 0

    def subscriber_count(self, user_id: str | None = None) -> int:
        if user_id is not None:
            return len(self._subscribers.get(user_id, ()))
        return sum(len(queues) for queues in self._subscribers.values())

    def publish(self, notification: LiveNotification) -> None:
        """Queue ``notification`` for each subscription of its owner; never waits."""
        for queue in list(self._subscribers.get(notification.user_id, ())):
            try:
                queue.put_nowait(notification)
            except asyncio.QueueFull:
                self._drop(notification.user_id, queue)

    def _drop(self, user_id: str, queue: asyncio.Queue[object]) -> None:
        self._unsubscribe(user_id, queue)
        while not queue.empty():
            queue.get_nowait()
        queue.put_nowait(_DROPPED)
        self.dropped += 1
        log.warning(
            "dropped a notificationAdded subscriber of %s: %d notifications behind", user_id, self._queue_size
        )

    def _unsubscribe(self, user_id: str, queue: asyncio.Queue[object]) -> None:
        queues = self._subscribers.get(user_id)
        if queues is not None:
            queues.discard(queue)
            if not queues:
                del self._subscribers[user_id]

    async def stream(self, user_id: str) -> AsyncIterator[LiveNotification]:
        """``user_id``'s notifications from now on, until the caller stops iterating (or is
        dropped: :class:`SubscriberTooSlow`)."""
        queue: asyncio.Queue[object] = asyncio.Queue(self._queue_size)
        self._subscribers.setdefault(user_id, set()).add(queue)
        try:
            while True:
                item = await queue.get()
                if item is _DROPPED:
                    raise SubscriberTooSlow(
                        f"Too many notifications were waiting for this subscription ({self._queue_size}); "
                        "subscribe again and read the inbox for what was missed."
                    )
                assert isinstance(item, LiveNotification)
                yield item
        finally:
            self._unsubscribe(user_id, queue)

    async def receive(self, _routing_key: str, body: bytes) -> None:
        """The bus listener: one broadcast in, fanned out (a malformed body is logged, skipped)."""
        try:
            notifications = [LiveNotification.model_validate(item) for item in orjson.loads(body)]
        except (orjson.JSONDecodeError, ValidationError, TypeError) as exc:
            log.warning("ignoring a malformed %s broadcast: %s", NOTIFICATION_CREATED, exc)
            return
        for notification in notifications:
            self.publish(notification)


async def announce(bus: EventBus, rows: Sequence[NotificationRow]) -> None:
    """Broadcast committed notifications to the live subscribers of every API process. Best
    effort: a failure is logged and the notifications stay in the inbox."""
    if not rows:
        return
    body = orjson.dumps([LiveNotification.from_row(row).model_dump(mode="json") for row in rows])
    try:
        await bus.broadcast(NOTIFICATION_CREATED, body)
    except Exception as exc:
        log.warning("live notifications not broadcast (%d stay in the inbox): %r", len(rows), exc)


@asynccontextmanager
async def live_notifications(app: FastAPI) -> AsyncIterator[None]:
    """``SubgraphSpec.serving`` entry (runs also with ``BACKGROUND_TASKS=false``): listen for
    broadcasts into this app's ``app.state.notification_feed`` while the app serves."""
    from subgraphs.common import open_event_bus

    settings: SubgraphSettings = app.state.settings
    feed = app.state.notification_feed = NotificationFeed()
    async with open_event_bus(
        settings.event_bus_url, exchange=settings.event_exchange, connection_name="notifications-live"
    ) as bus:
        listener = await bus.listen((NOTIFICATION_CREATED,), feed.receive)
        app.state.live_listener = listener
        try:
            yield
        finally:
            await listener.stop()

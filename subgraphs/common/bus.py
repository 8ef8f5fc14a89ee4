"""The event bus: one interface, two transports (in-process for the embedded default, RabbitMQ).

Publishers are outbox relays (:mod:`subgraphs.common.outbox`): they hand over the stored JSON body
of an event and treat any :class:`PublishFailed` as "not published, try again later". Consumers
subscribe a handler under a consumer name; the bus acknowledges a delivery only after the handler
returned (the handler commits its own transaction first), so a crash between commit and
acknowledgement means redelivery, never loss - handlers are therefore idempotent by event id.

What a handler's outcome means, on both transports:

    returns                  -> acknowledged (outcome ``processed``, or what it returned:
                                ``Outcome.DUPLICATE`` / ``Outcome.IGNORED``)
    raises PoisonMessage /   -> dead-lettered at once, with a log line (retrying cannot help)
      InvalidEvent
    raises anything else     -> retried after a back-off (first delay, doubling, capped); after
                                ``max_attempts`` deliveries it is dead-lettered like poison

RabbitMQ topology (``exchange`` defaults to ``supergraph.events``; ``<c>`` is the consumer name)::

    supergraph.events               topic, durable   routing key = event type
      └─ supergraph.events.<c>      durable queue    bound to the consumer's event types;
                                                     x-dead-letter-exchange -> supergraph.events.dlx
    supergraph.events.<c>.retry     durable queue    holds retries until their per-message TTL
                                                     expires, then dead-letters them back into
                                                     supergraph.events.<c> (default exchange)
    supergraph.events.dlx           direct, durable
      └─ supergraph.events.<c>.dead durable queue    poison and exhausted messages, for a human

Messages are persistent, carry ``message_id = event id`` and ``type = event type``, are published
``mandatory`` with publisher confirms (an unroutable message - no consumer queue bound yet - is a
failed publish, so the outbox keeps it), and the attempt number travels in the ``x-attempt`` header.
A retry is a confirmed copy into the retry queue followed by the ack of the original: a crash in
between gives a duplicate, which idempotent handlers absorb. One retry queue with per-message TTLs
means a long delay at its head holds back shorter ones behind it; acceptable because delays only
grow with the attempt number and retries are the exception.

The in-process bus keeps the same contract inside one event loop (``supergraph dev`` runs every
subgraph in one loop): one bus per loop and exchange name, queues that outlive their subscriptions,
the same retry and dead-letter rules. It is not durable: a process crash loses what is queued in
memory, which is the embedded default's trade-off (the outbox row is already marked sent).

Broadcasts are the other kind of message: a fact every *process* should hear now, not work one
consumer must do (the notifications API's live subscribers hear each notification as it is stored).
``broadcast`` publishes it transient, without ``mandatory`` (nobody listening is fine: it is
dropped), and ``listen`` receives it: on RabbitMQ through a server-named, exclusive, auto-delete,
non-durable queue of the listening process, bound to the routing keys and consumed without acks,
so it disappears with the process and never holds messages for a listener that is gone; in-process,
by calling the loop's local listeners. Broadcasts are at most once: a listener that is down misses them.

A subscription's ``observe`` callback hears how each delivery ended (:class:`Outcome`) and how long
its handler ran, after the ack, retry or dead-lettering: that is what the consumer metrics count
(subgraphs/common/metrics.py). Both transports report the same outcomes for the same handler result.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import weakref
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

from .events import InvalidEvent

if TYPE_CHECKING:
    from aio_pika.abc import (
        AbstractChannel,
        AbstractExchange,
        AbstractIncomingMessage,
        AbstractQueue,
        AbstractRobustConnection,
    )

__all__ = [
    "DEFAULT_EXCHANGE",
    "Delivery",
    "DeliveryObserver",
    "EventBus",
    "Handler",
    "InProcessBus",
    "Listener",
    "Outcome",
    "OutgoingMessage",
    "PoisonMessage",
    "PublishFailed",
    "RabbitMQBus",
    "RetryPolicy",
    "Subscription",
    "open_event_bus",
]

log = logging.getLogger("subgraphs.events")

DEFAULT_EXCHANGE = "supergraph.events"
ATTEMPT_HEADER = "x-attempt"
ERROR_HEADER = "x-last-error"
#: W3C trace context of the publish span (subgraphs/common/tracing.py); absent when not tracing.
TRACEPARENT_HEADER = "traceparent"
#: How long a stopping subscription waits for handlers already running before it gives up on them
#: (their deliveries are then redelivered, which idempotent handlers absorb).
STOP_GRACE_SECONDS = 10.0


class PublishFailed(Exception):
    """The bus did not confirm the message (broker down, unroutable, nacked, timed out)."""


class PoisonMessage(Exception):
    """Raised by a handler for a message no retry can fix: it is dead-lettered immediately."""


_POISON = (PoisonMessage, InvalidEvent)


@dataclass(frozen=True, slots=True, kw_only=True)
class OutgoingMessage:
    """One event as a relay publishes it: the stored body, unchanged, plus its id and type."""

    event_id: str
    event_type: str
    body: bytes
    #: W3C trace context of the publish span, sent as the ``traceparent`` message header.
    traceparent: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Delivery:
    """One delivery of a message to a handler. ``attempt`` counts deliveries by the bus's retry
    rule (1 = first); ``redelivered`` is true when a previous delivery was never acknowledged."""

    event_id: str
    event_type: str
    body: bytes
    attempt: int = 1
    redelivered: bool = False
    #: The message's ``traceparent`` header (None: the publisher did not trace).
    traceparent: str | None = None


class Outcome(StrEnum):
    """How one delivery ended: the ``outcome`` label of ``subgraph_event_deliveries_total``."""

    PROCESSED = "processed"
    #: The handler returned it: the event was processed before (a redelivery); acknowledged.
    DUPLICATE = "duplicate"
    #: The handler returned it: acknowledged without its work done (e.g. a cache invalidation
    #: given up after its last attempt, whose entries expire by TTL instead).
    IGNORED = "ignored"
    RETRIED = "retried"
    DEAD_LETTERED = "dead_lettered"


#: A handler returns None when it processed the delivery, or the :class:`Outcome` it ended in.
Handler = Callable[[Delivery], Awaitable[Outcome | None]]
#: Told each delivery's outcome and its handler's duration in seconds; must not raise or block.
DeliveryObserver = Callable[[Delivery, Outcome, float], None]


def _report(observe: DeliveryObserver | None, delivery: Delivery, outcome: Outcome, seconds: float) -> None:
    if observe is None:
        return
    try:
        observe(delivery, outcome, seconds)
    except Exception:  # counting must never stop consuming
        log.exception("observing the delivery of %s failed", delivery.event_id)


@dataclass(frozen=True, slots=True, kw_only=True)
class RetryPolicy:
    """Exponential back-off between deliveries of a failing message, and when to give up."""

    max_attempts: int = 5
    first_delay: float = 1.0
    max_delay: float = 60.0

    def delay(self, attempt: int) -> float:
        """Seconds to wait before delivery ``attempt + 1`` after delivery ``attempt`` failed."""
        return float(min(self.max_delay, self.first_delay * 2 ** max(attempt - 1, 0)))


#: A broadcast listener: told each broadcast's routing key and body. It runs on the bus's delivery
#: path, so it must return quickly (hand the message on, never wait for a slow reader).
Listener = Callable[[str, bytes], Awaitable[None]]


class Subscription(Protocol):
    #: Set once the subscription receives (RabbitMQ: queue declared, bound and consumed).
    ready: asyncio.Event

    async def stop(self) -> None:
        """Stop receiving; wait for handlers already running (their acks), bounded in time."""


class EventBus(Protocol):
    """What relays and consumers need from a transport (see the module docstring)."""

    async def publish(self, message: OutgoingMessage) -> None:
        """Return once the bus holds the message (confirmed); else raise :class:`PublishFailed`."""

    async def subscribe(
        self,
        consumer: str,
        handler: Handler,
        *,
        routing_keys: Sequence[str],
        prefetch: int,
        observe: DeliveryObserver | None = None,
    ) -> Subscription:
        """Deliver messages whose routing key matches ``routing_keys`` (topic patterns) to
        ``handler``, at most ``prefetch`` unacknowledged at a time; ``observe`` hears how each
        delivery ended."""

    async def broadcast(self, routing_key: str, body: bytes) -> None:
        """Hand ``body`` to every process listening on ``routing_key`` now (none: dropped);
        :class:`PublishFailed` when the broker did not take it."""

    async def listen(self, routing_keys: Sequence[str], listener: Listener) -> Subscription:
        """Call ``listener`` for every broadcast matching ``routing_keys`` (topic patterns) from
        now until the returned subscription stops."""

    async def close(self) -> None: ...


# -- in-process -----------------------------------------------------------------------------------


def topic_matches(pattern: str, routing_key: str) -> bool:
    """AMQP topic matching: words split on ``.``, ``*`` is exactly one word, ``#`` zero or more."""
    return _match(pattern.split("."), routing_key.split("."))


def _match(pattern: list[str], words: list[str]) -> bool:
    if not pattern:
        return not words
    head, rest = pattern[0], pattern[1:]
    if head == "#":
        return any(_match(rest, words[i:]) for i in range(len(words) + 1))
    if not words:
        return False
    return (head == "*" or head == words[0]) and _match(rest, words[1:])


@dataclass(slots=True)
class _MemoryQueue:
    name: str
    patterns: set[str] = field(default_factory=set)
    messages: asyncio.Queue[Delivery] = field(default_factory=asyncio.Queue)

    def matches(self, routing_key: str) -> bool:
        return any(topic_matches(pattern, routing_key) for pattern in self.patterns)


class InProcessBus:
    """The embedded default: the RabbitMQ contract inside one event loop (no broker needed)."""

    #: Dead letters kept per consumer for inspection; older ones are dropped (the log has them all).
    DEAD_LETTER_LIMIT = 1000

    def __init__(self, *, exchange: str = DEFAULT_EXCHANGE, retry: RetryPolicy | None = None) -> None:
        self.exchange = exchange
        self._retry = retry or RetryPolicy()
        self._queues: dict[str, _MemoryQueue] = {}
        self._dead: dict[str, deque[Delivery]] = {}
        self._timers: set[asyncio.TimerHandle] = set()
        self._listeners: list[_MemoryListener] = []

    _per_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, InProcessBus]] = (
        weakref.WeakKeyDictionary()
    )

    @classmethod
    def for_running_loop(
        cls, *, exchange: str = DEFAULT_EXCHANGE, retry: RetryPolicy | None = None
    ) -> InProcessBus:
        """The bus shared by every subgraph app in this event loop (one per exchange name), so the
        orders relay and the notifications consumer of ``supergraph dev`` meet. A new loop (each
        test) gets a fresh bus. The first caller's retry policy wins."""
        buses = cls._per_loop.setdefault(asyncio.get_running_loop(), {})
        bus = buses.get(exchange)
        if bus is None:
            bus = buses[exchange] = cls(exchange=exchange, retry=retry)
        return bus

    def dead_letters(self, consumer: str) -> list[Delivery]:
        return list(self._dead.get(consumer, ()))

    def pending(self, consumer: str) -> int:
        queue = self._queues.get(consumer)
        return 0 if queue is None else queue.messages.qsize()

    async def publish(self, message: OutgoingMessage) -> None:
        targets = [queue for queue in self._queues.values() if queue.matches(message.event_type)]
        if not targets:
            # Like a mandatory publish RabbitMQ returns: nobody would get it, so it stays in the outbox.
            raise PublishFailed(f"no queue is bound for {message.event_type} on {self.exchange}")
        for queue in targets:
            queue.messages.put_nowait(
                Delivery(
                    event_id=message.event_id,
                    event_type=message.event_type,
                    body=message.body,
                    traceparent=message.traceparent,
                )
            )

    async def subscribe(
        self,
        consumer: str,
        handler: Handler,
        *,
        routing_keys: Sequence[str],
        prefetch: int,
        observe: DeliveryObserver | None = None,
    ) -> Subscription:
        queue = self._queues.get(consumer)
        if queue is None:
            queue = self._queues[consumer] = _MemoryQueue(consumer)
        queue.patterns.update(routing_keys)
        return _MemorySubscription(self, queue, handler, prefetch=prefetch, observe=observe)

    async def broadcast(self, routing_key: str, body: bytes) -> None:
        for listener in list(self._listeners):
            if any(topic_matches(pattern, routing_key) for pattern in listener.patterns):
                try:
                    await listener.listener(routing_key, body)
                except Exception:  # one listener's failure is not the broadcaster's
                    log.exception("broadcast listener failed on %s", routing_key)

    async def listen(self, routing_keys: Sequence[str], listener: Listener) -> Subscription:
        subscription = _MemoryListener(self, tuple(routing_keys), listener)
        self._listeners.append(subscription)
        return subscription

    async def close(self) -> None:
        """Nothing to release: the bus belongs to the loop, and other apps may still use it."""

    async def _settle(
        self,
        queue: _MemoryQueue,
        delivery: Delivery,
        handler: Handler,
        observe: DeliveryObserver | None = None,
    ) -> None:
        started = time.perf_counter()
        try:
            try:
                result = await handler(delivery)
            finally:
                seconds = time.perf_counter() - started  # the handler's time, not the broker's
        except _POISON as exc:
            self._dead_letter(queue, delivery, f"poison: {exc}")
            _report(observe, delivery, Outcome.DEAD_LETTERED, seconds)
        except Exception as exc:
            if delivery.attempt >= self._retry.max_attempts:
                self._dead_letter(queue, delivery, f"failed {delivery.attempt} times, last: {exc!r}")
                _report(observe, delivery, Outcome.DEAD_LETTERED, seconds)
                return
            delay = self._retry.delay(delivery.attempt)
            log.warning(
                "event %s (%s) failed on attempt %d in %s, retrying in %.1fs: %r",
                delivery.event_id,
                delivery.event_type,
                delivery.attempt,
                queue.name,
                delay,
                exc,
            )
            retry = Delivery(
                event_id=delivery.event_id,
                event_type=delivery.event_type,
                body=delivery.body,
                attempt=delivery.attempt + 1,
                traceparent=delivery.traceparent,
            )
            loop = asyncio.get_running_loop()
            timer: asyncio.TimerHandle

            def requeue() -> None:
                self._timers.discard(timer)
                queue.messages.put_nowait(retry)

            timer = loop.call_later(delay, requeue)
            self._timers.add(timer)
            _report(observe, delivery, Outcome.RETRIED, seconds)
        else:
            _report(observe, delivery, result or Outcome.PROCESSED, seconds)

    def _dead_letter(self, queue: _MemoryQueue, delivery: Delivery, reason: str) -> None:
        log.error(
            "dead-lettered event %s (%s) from %s: %s",
            delivery.event_id,
            delivery.event_type,
            queue.name,
            reason,
        )
        self._dead.setdefault(queue.name, deque(maxlen=self.DEAD_LETTER_LIMIT)).append(delivery)


class _MemorySubscription:
    """``prefetch`` workers taking turns on one in-memory queue (the in-process "unacked" bound)."""

    def __init__(
        self,
        bus: InProcessBus,
        queue: _MemoryQueue,
        handler: Handler,
        *,
        prefetch: int,
        observe: DeliveryObserver | None = None,
    ) -> None:
        self._bus = bus
        self._queue = queue
        self._handler = handler
        self._observe = observe
        self._busy: set[asyncio.Task[None]] = set()
        self.ready = asyncio.Event()
        self.ready.set()
        self._stopping = False
        self._workers = [asyncio.create_task(self._work()) for _ in range(max(prefetch, 1))]

    async def _work(self) -> None:
        while not self._stopping:
            delivery = await self._queue.messages.get()
            task = asyncio.current_task()
            assert task is not None
            self._busy.add(task)
            try:
                # Shielded so stop() lets a running handler finish (and settle) instead of
                # cancelling it half-way.
                await asyncio.shield(self._bus._settle(self._queue, delivery, self._handler, self._observe))
            finally:
                self._busy.discard(task)

    async def stop(self) -> None:
        self._stopping = True
        idle = [worker for worker in self._workers if worker not in self._busy]
        busy = [worker for worker in self._workers if worker in self._busy]
        for worker in idle:
            worker.cancel()
        if busy:
            # A busy worker stops right after its handler settles: its next ``get`` is cancelled.
            await asyncio.wait(busy, timeout=STOP_GRACE_SECONDS)
        for worker in self._workers:
            worker.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)


class _MemoryListener:
    """A local broadcast listener of the in-process bus."""

    def __init__(self, bus: InProcessBus, patterns: tuple[str, ...], listener: Listener) -> None:
        self._bus = bus
        self.patterns = patterns
        self.listener = listener
        self.ready = asyncio.Event()
        self.ready.set()

    async def stop(self) -> None:
        with contextlib.suppress(ValueError):
            self._bus._listeners.remove(self)


# -- RabbitMQ -------------------------------------------------------------------------------------


class RabbitMQBus:
    """The bus on a RabbitMQ broker through aio-pika (see the module docstring for the topology).

    The connection is opened lazily and is "robust": once connected, aio-pika reconnects and
    restores channels, queues and consumers by itself; before the first success each publish or
    subscription keeps trying, so a subgraph starts (and records events) while the broker is down.
    """

    def __init__(
        self,
        *,
        url: str,
        exchange: str = DEFAULT_EXCHANGE,
        retry: RetryPolicy | None = None,
        publish_timeout: float = 5.0,
        connect_timeout: float = 5.0,
        reconnect_interval: float = 1.0,
        connection_name: str = "supergraph",
    ) -> None:
        self._url = url
        self.exchange_name = exchange
        self._retry = retry or RetryPolicy()
        self._publish_timeout = publish_timeout
        self._connect_timeout = connect_timeout
        self._reconnect_interval = reconnect_interval
        self._connection_name = connection_name
        self._connection: AbstractRobustConnection | None = None
        self._exchange: AbstractExchange | None = None
        self._lock = asyncio.Lock()
        self._subscriptions: set[_RabbitSubscription | _RabbitListener] = set()
        self._closed = False

    @property
    def connection(self) -> AbstractRobustConnection | None:
        """The live connection (tests close its transport to simulate a dying consumer)."""
        return self._connection

    def queue_names(self, consumer: str) -> tuple[str, str, str]:
        """(main, retry, dead-letter) queue names of ``consumer``."""
        main = f"{self.exchange_name}.{consumer}"
        return main, f"{main}.retry", f"{main}.dead"

    async def connect(self) -> AbstractRobustConnection:
        """The connection, opened on first use; ``PublishFailed`` when the broker is unreachable."""
        import aio_pika

        if self._closed:
            raise PublishFailed("the bus is closed")
        if self._connection is not None:
            return self._connection
        async with self._lock:
            if self._connection is None:
                try:
                    self._connection = await aio_pika.connect_robust(
                        self._url,
                        timeout=self._connect_timeout,
                        reconnect_interval=self._reconnect_interval,
                        client_properties={"connection_name": self._connection_name},
                    )
                except Exception as exc:  # aio-pika raises OSError, AMQP and timeout errors here
                    raise PublishFailed(f"cannot connect to RabbitMQ: {exc!r}") from exc
            return self._connection

    async def _declare_exchange(self, channel: AbstractChannel) -> AbstractExchange:
        import aio_pika

        return await channel.declare_exchange(self.exchange_name, aio_pika.ExchangeType.TOPIC, durable=True)

    async def publish(self, message: OutgoingMessage) -> None:
        import aio_pika

        try:
            exchange = await self._publisher()
            await asyncio.wait_for(
                exchange.publish(
                    aio_pika.Message(
                        message.body,
                        message_id=message.event_id,
                        type=message.event_type,
                        content_type="application/json",
                        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                        headers=_headers(message),
                    ),
                    routing_key=message.event_type,
                    mandatory=True,
                ),
                self._publish_timeout,
            )
        except PublishFailed:
            raise
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            # Returned (unroutable), nacked, timed out, channel or connection gone: not published.
            raise PublishFailed(f"{message.event_type} {message.event_id}: {exc!r}") from exc

    async def _publisher(self) -> AbstractExchange:
        exchange = self._exchange
        if exchange is None:
            connection = await self.connect()
            async with self._lock:
                if self._exchange is None:
                    channel = await connection.channel(publisher_confirms=True, on_return_raises=True)
                    self._exchange = await self._declare_exchange(channel)
                exchange = self._exchange
        return exchange

    async def broadcast(self, routing_key: str, body: bytes) -> None:
        import aio_pika

        try:
            exchange = await self._publisher()
            # Transient and not mandatory: a broadcast nobody listens to is simply dropped.
            await asyncio.wait_for(
                exchange.publish(
                    aio_pika.Message(
                        body,
                        content_type="application/json",
                        delivery_mode=aio_pika.DeliveryMode.NOT_PERSISTENT,
                    ),
                    routing_key=routing_key,
                    mandatory=False,
                ),
                self._publish_timeout,
            )
        except PublishFailed:
            raise
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            raise PublishFailed(f"broadcast {routing_key}: {exc!r}") from exc

    async def listen(self, routing_keys: Sequence[str], listener: Listener) -> Subscription:
        subscription = _RabbitListener(self, tuple(routing_keys), listener)
        self._subscriptions.add(subscription)
        subscription.start()
        return subscription

    async def subscribe(
        self,
        consumer: str,
        handler: Handler,
        *,
        routing_keys: Sequence[str],
        prefetch: int,
        observe: DeliveryObserver | None = None,
    ) -> Subscription:
        subscription = _RabbitSubscription(
            self, consumer, handler, routing_keys=tuple(routing_keys), prefetch=prefetch, observe=observe
        )
        self._subscriptions.add(subscription)
        subscription.start()
        return subscription

    async def close(self) -> None:
        """Stop every subscription (handlers in flight finish and ack), then close the connection."""
        self._closed = True
        for subscription in list(self._subscriptions):
            await subscription.stop()
        if self._connection is not None:
            with contextlib.suppress(Exception):
                await self._connection.close()
        self._connection = None
        self._exchange = None

    async def declare_consumer(
        self, channel: AbstractChannel, consumer: str, routing_keys: Sequence[str]
    ) -> AbstractQueue:
        """Declare (idempotently) the exchange, the consumer's queue, its retry queue, the DLX and
        the dead-letter queue, and bind the main queue; returns the main queue."""
        import aio_pika

        main, retry, dead = self.queue_names(consumer)
        dlx_name = f"{self.exchange_name}.dlx"
        exchange = await self._declare_exchange(channel)
        dlx = await channel.declare_exchange(dlx_name, aio_pika.ExchangeType.DIRECT, durable=True)
        dead_queue = await channel.declare_queue(dead, durable=True)
        await dead_queue.bind(dlx, routing_key=consumer)
        await channel.declare_queue(
            retry, durable=True, arguments={"x-dead-letter-exchange": "", "x-dead-letter-routing-key": main}
        )
        queue = await channel.declare_queue(
            main,
            durable=True,
            arguments={"x-dead-letter-exchange": dlx_name, "x-dead-letter-routing-key": consumer},
        )
        for key in routing_keys:
            await queue.bind(exchange, routing_key=key)
        return queue

    async def delete_topology(self, consumers: Sequence[str]) -> None:
        """Delete the exchange, DLX and the consumers' queues (tests and benchmarks clean up)."""
        connection = await self.connect()
        channel = await connection.channel()
        try:
            for consumer in consumers:
                for name in self.queue_names(consumer):
                    await channel.queue_delete(name)
            await channel.exchange_delete(self.exchange_name)
            await channel.exchange_delete(f"{self.exchange_name}.dlx")
        finally:
            await channel.close()


class _RabbitSubscription:
    """One consumer on its own channel: bounded prefetch, manual acks, retry and dead-lettering."""

    def __init__(
        self,
        bus: RabbitMQBus,
        consumer: str,
        handler: Handler,
        *,
        routing_keys: tuple[str, ...],
        prefetch: int,
        observe: DeliveryObserver | None = None,
    ) -> None:
        self._bus = bus
        self._consumer = consumer
        self._handler = handler
        self._observe = observe
        self._routing_keys = routing_keys
        self._prefetch = max(prefetch, 1)
        self._main, self._retry_queue, _ = bus.queue_names(consumer)
        self._channel: AbstractChannel | None = None
        self._queue: AbstractQueue | None = None
        self._tag: str | None = None
        self._starter: asyncio.Task[None] | None = None
        self._inflight: set[asyncio.Task[Any]] = set()
        self._stopping = False
        self.ready = asyncio.Event()

    def start(self) -> None:
        self._starter = asyncio.create_task(self._start())

    async def _start(self) -> None:
        """Connect, declare and consume; until the broker first answers, retry with back-off."""

        async def consume() -> None:
            connection = await self._bus.connect()
            channel = await connection.channel(publisher_confirms=True)
            await channel.set_qos(prefetch_count=self._prefetch)
            queue = await self._bus.declare_consumer(channel, self._consumer, self._routing_keys)
            self._channel, self._queue = channel, queue
            self._tag = await queue.consume(self._on_message)

        if await _start_with_backoff(f"consumer {self._consumer}", consume, lambda: self._stopping):
            log.info("consumer %s listening on %s (prefetch %d)", self._consumer, self._main, self._prefetch)
            self.ready.set()

    def _usable(self) -> bool:
        connection = self._bus.connection
        return (
            self._channel is not None
            and not self._channel.is_closed
            and connection is not None
            and not connection.is_closed
        )

    async def _on_message(self, message: AbstractIncomingMessage) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._inflight.add(task)
        try:
            await self._settle(message)
        finally:
            if task is not None:
                self._inflight.discard(task)

    async def _settle(self, message: AbstractIncomingMessage) -> None:
        raw_attempt = (message.headers or {}).get(ATTEMPT_HEADER)
        # A message without our header (published by hand, or by another producer) is a first delivery.
        attempt = raw_attempt if isinstance(raw_attempt, int) and raw_attempt >= 1 else 1
        traceparent = (message.headers or {}).get(TRACEPARENT_HEADER)
        delivery = Delivery(
            event_id=message.message_id or "",
            event_type=message.type or message.routing_key or "",
            body=message.body,
            attempt=attempt,
            redelivered=bool(message.redelivered),
            traceparent=traceparent if isinstance(traceparent, str) else None,
        )
        started = time.perf_counter()
        try:
            try:
                result = await self._handler(delivery)
            finally:
                seconds = time.perf_counter() - started  # the handler's time, not the broker's
        except _POISON as exc:
            await self._dead_letter(message, delivery, f"poison: {exc}")
            _report(self._observe, delivery, Outcome.DEAD_LETTERED, seconds)
            return
        except Exception as exc:
            if attempt >= self._bus._retry.max_attempts:
                await self._dead_letter(message, delivery, f"failed {attempt} times, last: {exc!r}")
                _report(self._observe, delivery, Outcome.DEAD_LETTERED, seconds)
                return
            await self._schedule_retry(message, delivery, exc)
            _report(self._observe, delivery, Outcome.RETRIED, seconds)
            return
        await _quietly(message.ack(), f"ack of {delivery.event_id}")
        _report(self._observe, delivery, result or Outcome.PROCESSED, seconds)

    async def _schedule_retry(
        self, message: AbstractIncomingMessage, delivery: Delivery, exc: Exception
    ) -> None:
        import aio_pika

        delay = self._bus._retry.delay(delivery.attempt)
        log.warning(
            "event %s (%s) failed on attempt %d in %s, retrying in %.1fs: %r",
            delivery.event_id,
            delivery.event_type,
            delivery.attempt,
            self._main,
            delay,
            exc,
        )
        assert self._channel is not None
        copy = aio_pika.Message(
            message.body,
            message_id=message.message_id,
            type=message.type,
            content_type=message.content_type,
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            headers={
                ATTEMPT_HEADER: delivery.attempt + 1,
                ERROR_HEADER: repr(exc)[:500],
                **({TRACEPARENT_HEADER: delivery.traceparent} if delivery.traceparent else {}),
            },
            expiration=delay,
        )
        try:
            await asyncio.wait_for(
                self._channel.default_exchange.publish(copy, routing_key=self._retry_queue),
                self._bus._publish_timeout,
            )
        except Exception as publish_error:
            # The copy is not safely parked: hand the original back for an immediate redelivery.
            log.warning("could not park retry of %s (%r); requeueing it", delivery.event_id, publish_error)
            await _quietly(message.nack(requeue=True), f"nack of {delivery.event_id}")
            return
        await _quietly(message.ack(), f"ack of {delivery.event_id}")

    async def _dead_letter(self, message: AbstractIncomingMessage, delivery: Delivery, reason: str) -> None:
        log.error(
            "dead-lettered event %s (%s) from %s: %s",
            delivery.event_id or "<no id>",
            delivery.event_type,
            self._main,
            reason,
        )
        # reject without requeue: the queue's x-dead-letter-exchange moves it to the .dead queue.
        await _quietly(message.reject(requeue=False), f"reject of {delivery.event_id}")

    async def stop(self) -> None:
        """Cancel the consumer first (no new deliveries), let running handlers finish and ack,
        then close the channel; whatever is still unacked goes back to the queue."""
        self._stopping = True
        if self._starter is not None and not self._starter.done():
            self._starter.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._starter
        # On a channel that is already gone (connection closed) these would wait for a reconnect.
        if self._queue is not None and self._tag is not None and self._usable():
            await _quietly(self._queue.cancel(self._tag), f"cancel of consumer {self._consumer}")
        # Deliveries that arrived before the broker confirmed the cancel may not have started their
        # handler yet: let them, then wait until none runs (each acks as it finishes).
        await asyncio.sleep(0)
        deadline = asyncio.get_running_loop().time() + STOP_GRACE_SECONDS
        while self._inflight and (left := deadline - asyncio.get_running_loop().time()) > 0:
            await asyncio.wait(list(self._inflight), timeout=left)
        if self._channel is not None and self._usable():
            await _quietly(self._channel.close(), f"close of {self._consumer}'s channel")
        self._bus._subscriptions.discard(self)


class _RabbitListener:
    """Broadcasts for this process: a server-named exclusive, auto-delete, non-durable queue on a
    channel of its own, bound to the routing keys and consumed without acks (at most once)."""

    def __init__(self, bus: RabbitMQBus, routing_keys: tuple[str, ...], listener: Listener) -> None:
        self._bus = bus
        self._routing_keys = routing_keys
        self._listener = listener
        self._channel: AbstractChannel | None = None
        self._starter: asyncio.Task[None] | None = None
        self._stopping = False
        self.ready = asyncio.Event()
        #: The broker-named queue, once declared.
        self.queue_name: str | None = None

    def start(self) -> None:
        self._starter = asyncio.create_task(self._start())

    async def _start(self) -> None:
        async def listen() -> None:
            connection = await self._bus.connect()
            channel = await connection.channel()
            exchange = await self._bus._declare_exchange(channel)
            queue = await channel.declare_queue(exclusive=True, auto_delete=True, durable=False)
            for key in self._routing_keys:
                await queue.bind(exchange, routing_key=key)
            self._channel, self.queue_name = channel, queue.name
            await queue.consume(self._on_message, no_ack=True)

        if await _start_with_backoff("broadcast listener", listen, lambda: self._stopping):
            log.info("listening for broadcasts %s on %s", ",".join(self._routing_keys), self.queue_name)
            self.ready.set()

    async def _on_message(self, message: AbstractIncomingMessage) -> None:
        try:
            await self._listener(message.routing_key or "", message.body)
        except Exception:  # a broken listener must not close the channel
            log.exception("broadcast listener failed on %s", message.routing_key)

    async def stop(self) -> None:
        """Close the channel: the broker deletes the exclusive queue with it."""
        self._stopping = True
        if self._starter is not None and not self._starter.done():
            self._starter.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._starter
        channel, self._channel = self._channel, None
        if channel is not None and not channel.is_closed:
            await _quietly(channel.close(), "close of the broadcast channel")
        self._bus._subscriptions.discard(self)


async def _start_with_backoff(
    what: str, start: Callable[[], Awaitable[None]], stopping: Callable[[], bool]
) -> bool:
    """Run ``start`` until the broker first accepts it, retrying with a doubling back-off (0.5 s to
    10 s) and a log line per failure; False when ``stopping()`` turned true first."""
    delay = 0.5
    while not stopping():
        try:
            await start()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("%s cannot start yet (%r); retrying in %.1fs", what, exc, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10.0)
            continue
        return True
    return False


def _headers(message: OutgoingMessage) -> dict[str, Any]:
    if message.traceparent is None:
        return {ATTEMPT_HEADER: 1}
    return {ATTEMPT_HEADER: 1, TRACEPARENT_HEADER: message.traceparent}


async def _quietly(operation: Awaitable[Any], what: str, *, timeout: float = 5.0) -> None:
    """Run a broker operation whose failure only means the broker will redeliver (e.g. an ack on a
    connection that just dropped): log it, never let it kill the consumer or hang it (bounded)."""
    try:
        await asyncio.wait_for(operation, timeout)
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        log.info("%s did not reach the broker (%r); it will be redelivered if needed", what, exc)


# -- choosing a transport ------------------------------------------------------------------------


@asynccontextmanager
async def open_event_bus(
    url: str | None,
    *,
    exchange: str = DEFAULT_EXCHANGE,
    retry: RetryPolicy | None = None,
    connection_name: str = "supergraph",
) -> AsyncIterator[EventBus]:
    """The bus ``EVENT_BUS_URL`` names: unset or ``memory://`` = this loop's in-process bus,
    ``amqp://`` / ``amqps://`` = RabbitMQ (connected lazily, closed on exit)."""
    if url is None or url in {"", "memory://"}:
        yield InProcessBus.for_running_loop(exchange=exchange, retry=retry)
        return
    if not url.startswith(("amqp://", "amqps://")):
        raise ValueError(
            f"EVENT_BUS_URL must be unset, memory:// or amqp://user:password@host:5672/ - got {url!r}"
        )
    bus = RabbitMQBus(url=url, exchange=exchange, retry=retry, connection_name=connection_name)
    try:
        yield bus
    finally:
        await bus.close()

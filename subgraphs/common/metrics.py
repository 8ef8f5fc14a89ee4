"""Prometheus metrics of one subgraph app, in a registry of its own (not the process-global one), so
that several apps in one process (tests, ``supergraph dev``, ``supergraph worker``) never share counters.

Requests are labelled by the matched route's path template (``/graphql``, ``/internal/v1/orders/{id}``),
never by the raw path, so label cardinality stays bounded; requests no route matched share ``(unmatched)``.

Events: the relay counts what it published and what failed to publish (by event type); each consumer's
deliveries are counted by outcome (``processed``, ``duplicate``, ``ignored``, ``retried``,
``dead_lettered``: subgraphs/common/bus.py) and its handler timed. Event types outside the registered
ones (a message published by hand) share the label ``(other)``, so every label stays bounded. The
outbox backlog is read from the outbox table when scraped (:meth:`SubgraphMetrics.watch_outbox`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from .events import EVENT_TYPES

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

    from .bus import Delivery, DeliveryObserver, Outcome
    from .outbox import OutboxBacklog

__all__ = ["MetricsMiddleware", "SubgraphMetrics", "combined_exposition"]

log = logging.getLogger("subgraphs")

_LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
_HANDLER_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_UNMATCHED = "(unmatched)"
_OTHER_TYPE = "(other)"
_KNOWN_TYPES = frozenset(EVENT_TYPES)
#: A scrape waits at most this long for the outbox query; a slower database leaves the gauges out.
_BACKLOG_READ_TIMEOUT = 2.0


class SubgraphMetrics:
    """The subgraph's request counter and latency histogram (``registry`` is what /metrics renders)."""

    def __init__(self, subgraph: str) -> None:
        self.subgraph = subgraph
        self.registry = CollectorRegistry(auto_describe=False)
        self.requests = Counter(
            "subgraph_requests",
            "HTTP requests by route, method and status.",
            ["subgraph", "route", "method", "status"],
            registry=self.registry,
        )
        self.request_duration = Histogram(
            "subgraph_request_duration_seconds",
            "Time to answer an HTTP request, by route.",
            ["subgraph", "route"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )

        self.outbox_published = Counter(
            "subgraph_outbox_published",
            "Outbox events the relay published (confirmed by the bus), by event type.",
            ["subgraph", "type"],
            registry=self.registry,
        )
        self.outbox_publish_failures = Counter(
            "subgraph_outbox_publish_failures",
            "Outbox events whose publish failed (the row stays unsent and is retried), by event type.",
            ["subgraph", "type"],
            registry=self.registry,
        )
        self.event_deliveries = Counter(
            "subgraph_event_deliveries",
            "Event deliveries a consumer handled, by consumer, event type and outcome.",
            ["subgraph", "consumer", "type", "outcome"],
            registry=self.registry,
        )
        self.event_handler_duration = Histogram(
            "subgraph_event_handler_duration_seconds",
            "Time a consumer's handler took for one delivery, by consumer and event type.",
            ["subgraph", "consumer", "type"],
            buckets=_HANDLER_BUCKETS,
            registry=self.registry,
        )
        self._before_scrape: list[Callable[[], Awaitable[None]]] = []

    def request_finished(self, route: str, method: str, status: int, seconds: float) -> None:
        self.requests.labels(self.subgraph, route, method, str(status)).inc()
        self.request_duration.labels(self.subgraph, route).observe(seconds)

    def events_published(self, event_types: Iterable[str]) -> None:
        for event_type in event_types:
            self.outbox_published.labels(self.subgraph, _bounded(event_type)).inc()

    def events_not_published(self, event_types: Iterable[str]) -> None:
        for event_type in event_types:
            self.outbox_publish_failures.labels(self.subgraph, _bounded(event_type)).inc()

    def delivery_observer(self, consumer: str) -> DeliveryObserver:
        """What consumer ``consumer`` passes to ``EventBus.subscribe(observe=...)``."""

        def observe(delivery: Delivery, outcome: Outcome, seconds: float) -> None:
            event_type = _bounded(delivery.event_type)
            self.event_deliveries.labels(self.subgraph, consumer, event_type, outcome.value).inc()
            self.event_handler_duration.labels(self.subgraph, consumer, event_type).observe(seconds)

        return observe

    def watch_outbox(self, read: Callable[[], Awaitable[OutboxBacklog]]) -> None:
        """Expose ``subgraph_outbox_backlog`` and ``subgraph_outbox_oldest_unsent_seconds``, which
        ``read`` (a query of the outbox table) refreshes before each scrape.

        Read from the table, not tracked by the relay: the backlog matters most when no relay runs
        (stuck, crashed, or the worker is down while the APIs keep recording events), and only the
        table knows it then. An API replica with BACKGROUND_TASKS=false reports it too; every
        replica reports the same database, so dashboards take ``max`` per subgraph, not ``sum``.
        """
        collector = _OutboxBacklogCollector(self.subgraph)
        self.registry.register(collector)

        async def refresh() -> None:
            try:
                collector.backlog = await asyncio.wait_for(read(), _BACKLOG_READ_TIMEOUT)
            except Exception as exc:  # a scrape never fails for it: the gauges are left out
                collector.backlog = None
                log.warning("%s: reading the outbox backlog failed: %r", self.subgraph, exc)

        self._before_scrape.append(refresh)

    async def refresh(self) -> None:
        """Bring the values read at scrape time up to date (call before rendering ``registry``)."""
        await asyncio.gather(*(refresh() for refresh in self._before_scrape))

    async def exposition(self) -> bytes:
        """The Prometheus text of this app's metrics, as /metrics serves it."""
        await self.refresh()
        return generate_latest(self.registry)


async def combined_exposition(metrics: Sequence[SubgraphMetrics]) -> bytes:
    """The metrics of several apps as one exposition (``supergraph worker``): each family once,
    with every app's samples (their ``subgraph`` label keeps them apart)."""
    await asyncio.gather(*(m.refresh() for m in metrics))
    return generate_latest(_MergedRegistries([m.registry for m in metrics]))


def _bounded(event_type: str) -> str:
    return event_type if event_type in _KNOWN_TYPES else _OTHER_TYPE


class _OutboxBacklogCollector(Collector):
    """The last backlog read (None: not read yet, or the read failed: no samples)."""

    def __init__(self, subgraph: str) -> None:
        self._subgraph = subgraph
        self.backlog: OutboxBacklog | None = None

    def collect(self) -> Iterator[Metric]:
        backlog = GaugeMetricFamily(
            "subgraph_outbox_backlog",
            "Unsent rows in the outbox table (counted up to a cap, see OutboxBacklog).",
            labels=["subgraph"],
        )
        oldest = GaugeMetricFamily(
            "subgraph_outbox_oldest_unsent_seconds",
            "Age of the oldest unsent outbox event (0 when none waits).",
            labels=["subgraph"],
        )
        if self.backlog is not None:
            backlog.add_metric([self._subgraph], self.backlog.unsent)
            oldest.add_metric([self._subgraph], self.backlog.oldest_age_seconds)
        yield backlog
        yield oldest


class _MergedRegistries(Collector):
    """Several registries as one: families of the same name merged into one family."""

    def __init__(self, registries: Sequence[CollectorRegistry]) -> None:
        self._registries = registries

    def collect(self) -> Iterator[Metric]:
        merged: dict[str, Metric] = {}
        for registry in self._registries:
            for family in registry.collect():
                into = merged.get(family.name)
                if into is None:
                    into = merged[family.name] = Metric(
                        family.name, family.documentation, family.type, family.unit
                    )
                elif into.type != family.type:
                    raise ValueError(f"metric {family.name} is a {into.type} and a {family.type}")
                into.samples.extend(family.samples)
        yield from merged.values()


class MetricsMiddleware:
    """Counts and times every HTTP request but the scrapes themselves (pure ASGI: no extra task)."""

    def __init__(self, app: ASGIApp, *, metrics: SubgraphMetrics) -> None:
        self._app = app
        self._metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] == "/metrics":
            await self._app(scope, receive, send)
            return
        status = 500
        started = time.perf_counter()

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self._app(scope, receive, send_status)
        finally:
            self._metrics.request_finished(
                _route_template(scope), scope["method"], status, time.perf_counter() - started
            )


def _route_template(scope: Scope) -> str:
    """The matched route's path template, which routing leaves on the (shared) scope. A route at its
    included router's prefix (GraphQL's ``""`` under ``/graphql``) has an empty template: its path
    is then exactly the prefix, so the path is the label."""
    route = scope.get("route")
    if route is None:
        return _UNMATCHED
    return getattr(route, "path", "") or str(scope["path"])

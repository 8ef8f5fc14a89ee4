"""Prometheus request metrics of one subgraph app, in a registry of its own (not the process-global
one), so that several apps in one process (tests, ``supergraph dev``) never share counters.

Requests are labelled by the matched route's path template (``/graphql``, ``/internal/v1/orders/{id}``),
never by the raw path, so label cardinality stays bounded; requests no route matched share ``(unmatched)``.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Histogram

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["MetricsMiddleware", "SubgraphMetrics"]

_LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
_UNMATCHED = "(unmatched)"


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

    def request_finished(self, route: str, method: str, status: int, seconds: float) -> None:
        self.requests.labels(self.subgraph, route, method, str(status)).inc()
        self.request_duration.labels(self.subgraph, route).observe(seconds)


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

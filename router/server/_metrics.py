"""Prometheus metrics of one router app, in a registry of its own (not the process-global one), so
two apps in one process (tests, ``supergraph dev``) never share or clash on counters.

Requests are labelled by operation name, which clients choose: to keep label cardinality bounded,
only the first ``max_operation_names`` distinct names get their own series, later ones share
``(other)``; requests whose document did not validate are ``(invalid)``, unnamed ones
``(anonymous)``. Subgraph fetch metrics come from the executor through the ``FetchObserver`` hook.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from router.executor import BreakerState, FetchObserver

if TYPE_CHECKING:
    from router.executor import SubgraphError

__all__ = ["CONTENT_TYPE_LATEST", "RouterMetrics"]

_LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
_COST_BUCKETS = (1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 50_000, 100_000)
_BREAKER_VALUES = {BreakerState.CLOSED: 0, BreakerState.HALF_OPEN: 1, BreakerState.OPEN: 2}
OTHER = "(other)"


class RouterMetrics(FetchObserver):
    """The router's counters, histograms and gauges, and the fetch observer that feeds them."""

    def __init__(self, *, max_operation_names: int = 500) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self._max_names = max_operation_names
        self._names: set[str] = set()
        r = self.registry
        self.requests = Counter(
            "router_requests",
            "GraphQL requests by operation and HTTP status.",
            ["operation_name", "status"],
            registry=r,
        )
        self.request_errors = Counter(
            "router_request_errors",
            "GraphQL responses that carry errors, by operation.",
            ["operation_name"],
            registry=r,
        )
        self.request_duration = Histogram(
            "router_request_duration_seconds",
            "Time to answer a GraphQL request, by operation.",
            ["operation_name"],
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.fetch_duration = Histogram(
            "router_subgraph_fetch_duration_seconds",
            "Time of one subgraph HTTP attempt.",
            ["subgraph", "outcome"],
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.fetch_errors = Counter(
            "router_subgraph_fetch_errors",
            "Failed subgraph HTTP attempts by error code.",
            ["subgraph", "code"],
            registry=r,
        )
        self.fetch_retries = Counter(
            "router_subgraph_fetch_retries",
            "Retries of idempotent subgraph fetches.",
            ["subgraph"],
            registry=r,
        )
        self.breaker_state = Gauge(
            "router_circuit_breaker_state",
            "Circuit breaker state: 0 closed, 1 half-open, 2 open.",
            ["subgraph"],
            registry=r,
        )
        self.breaker_opened = Counter(
            "router_circuit_breaker_opened",
            "Times a subgraph's circuit breaker opened.",
            ["subgraph"],
            registry=r,
        )
        self.estimated_cost = Histogram(
            "router_operation_estimated_cost",
            "Static estimated cost of operations (demand control), by operation.",
            ["operation_name"],
            buckets=_COST_BUCKETS,
            registry=r,
        )
        self.response_cache_hits = Counter(
            "router_response_cache_hits", "Public queries answered from the response cache.", registry=r
        )
        self.response_cache_misses = Counter(
            "router_response_cache_misses", "Cacheable public queries not in the response cache.", registry=r
        )
        self.unknown_operations = Counter(
            "router_unknown_operations",
            "Documents sent as text that the persisted query manifest lacks, by outcome (ran, rejected).",
            ["outcome"],
            registry=r,
        )
        self.plan_warmup_duration = Histogram(
            "router_plan_warmup_duration_seconds",
            "Time spent re-planning cached operations on a new supergraph before swapping it in.",
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.plan_warmup_operations = Counter(
            "router_plan_warmup_operations",
            "Operations considered by plan warm-up, by outcome (warmed, invalid, out_of_time).",
            ["outcome"],
            registry=r,
        )
        self._cache_lookups = [0, 0]  # hits, misses: the ratio below without reading counter internals
        Gauge(
            "router_response_cache_hit_ratio",
            "Response cache hits / lookups since the router started.",
            registry=r,
        ).set_function(self._response_cache_hit_ratio)

    def operation_label(self, name: str | None, *, valid: bool) -> str:
        """The bounded label for an operation name (see the module docstring)."""
        if not valid:
            return "(invalid)"
        if name is None:
            return "(anonymous)"
        if name in self._names:
            return name
        if len(self._names) >= self._max_names:
            return OTHER
        self._names.add(name)
        return name

    def request_finished(self, operation: str, status: int, seconds: float, *, has_errors: bool) -> None:
        self.requests.labels(operation, str(status)).inc()
        self.request_duration.labels(operation).observe(seconds)
        if has_errors:
            self.request_errors.labels(operation).inc()

    def cost_estimated(self, cost: int, operation_name: str | None) -> None:
        """Demand control's observer: one estimate per operation the router ran or rejected."""
        self.estimated_cost.labels(self.operation_label(operation_name, valid=True)).observe(cost)

    def unknown_operation(self, rejected: bool) -> None:
        self.unknown_operations.labels("rejected" if rejected else "ran").inc()

    def plan_warmed_up(self, seconds: float, *, warmed: int, invalid: int, out_of_time: int) -> None:
        self.plan_warmup_duration.observe(seconds)
        for outcome, count in (("warmed", warmed), ("invalid", invalid), ("out_of_time", out_of_time)):
            if count:
                self.plan_warmup_operations.labels(outcome).inc(count)

    def response_cache_lookup(self, *, hit: bool) -> None:
        (self.response_cache_hits if hit else self.response_cache_misses).inc()
        self._cache_lookups[0 if hit else 1] += 1

    def _response_cache_hit_ratio(self) -> float:
        hits, misses = self._cache_lookups
        return hits / (hits + misses) if hits + misses else 0.0

    def render(self) -> bytes:
        return generate_latest(self.registry)

    # FetchObserver

    def fetch_finished(self, service_name: str, seconds: float, error: SubgraphError | None) -> None:
        self.fetch_duration.labels(service_name, "success" if error is None else "error").observe(seconds)
        if error is not None:
            self.fetch_errors.labels(service_name, error.code).inc()

    def fetch_retried(self, service_name: str, retry: int, error: SubgraphError) -> None:
        self.fetch_retries.labels(service_name).inc()

    def breaker_changed(self, service_name: str, state: BreakerState) -> None:
        self.breaker_state.labels(service_name).set(_BREAKER_VALUES[state])
        if state is BreakerState.OPEN:
            self.breaker_opened.labels(service_name).inc()

"""The Grafana dashboard asks Prometheus only for metrics the router and the subgraphs expose
(orders for the outbox and its relay, notifications for an event consumer)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry

from router.server import RouterSettings, create_app
from subgraphs.notifications.app import create_app as create_notifications_app
from subgraphs.orders.app import create_app as create_orders_app

from ..subgraphs.harness import make_settings

ROOT = Path(__file__).parents[2]
DASHBOARD = ROOT / "deploy" / "grafana" / "supergraph-dashboard.json"
#: What a metric family of each type is queried as (the exposition format's sample names).
_SUFFIXES = {
    "counter": ("_total",),
    "histogram": ("_bucket", "_sum", "_count"),
    "gauge": ("",),
    "summary": ("", "_sum", "_count"),
}
_METRIC = re.compile(r"\b(?:router|subgraph)_[a-z0-9_]+\b")


def _exposed(registry: CollectorRegistry) -> set[str]:
    names = set()
    for family in registry.collect():
        names.update(family.name + suffix for suffix in _SUFFIXES.get(family.type, ("",)))
        names.update(sample.name for sample in family.samples)
    return names


def _exposed_by_the_services(tmp_path: Path) -> set[str]:
    router = create_app(supergraph_path=ROOT / "schema" / "supergraph.graphql", settings=RouterSettings())
    orders = create_orders_app(
        settings=make_settings(), database_url=f"sqlite+aiosqlite:///{tmp_path / 'orders.db'}"
    )
    notifications = create_notifications_app(
        settings=make_settings(), database_url=f"sqlite+aiosqlite:///{tmp_path / 'notifications.db'}"
    )
    return (
        _exposed(router.state.metrics.registry)
        | _exposed(orders.state.metrics.registry)
        | _exposed(notifications.state.metrics.registry)
    )


def _panels(dashboard: dict[str, Any]) -> list[dict[str, Any]]:
    panels = []
    for panel in dashboard["panels"]:
        panels.append(panel)
        panels.extend(panel.get("panels", ()))
    return [panel for panel in panels if panel["type"] != "row"]


def test_every_panel_queries_metrics_the_services_expose(tmp_path: Path) -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    exposed = _exposed_by_the_services(tmp_path)

    panels = _panels(dashboard)
    assert panels
    for panel in panels:
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            used = set(_METRIC.findall(target["expr"]))
            assert used, (panel["title"], target["expr"])
            assert used <= exposed, (panel["title"], sorted(used - exposed))


def test_the_dashboard_covers_the_router_its_fetches_and_the_subgraphs() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    exprs = " ".join(target["expr"] for panel in _panels(dashboard) for target in panel["targets"])

    for metric in (
        "router_requests_total",
        "router_request_errors_total",
        "router_request_duration_seconds_bucket",
        "router_subgraph_fetch_duration_seconds_bucket",
        "router_subgraph_fetch_errors_total",
        "router_circuit_breaker_state",
        "subgraph_requests_total",
        "subgraph_request_duration_seconds_bucket",
        "subgraph_outbox_backlog",
        "subgraph_outbox_oldest_unsent_seconds",
        "subgraph_outbox_published_total",
        "subgraph_outbox_publish_failures_total",
        "subgraph_event_deliveries_total",
        "subgraph_event_handler_duration_seconds_bucket",
    ):
        assert metric in exprs, metric
    assert "histogram_quantile(0.5," in exprs and "histogram_quantile(0.99," in exprs
    assert 'outcome="dead_lettered"' in exprs  # dead letters stand apart from the other outcomes
    [datasource] = [v for v in dashboard["templating"]["list"] if v["type"] == "datasource"]
    assert datasource["query"] == "prometheus"
    assert all(panel["datasource"]["uid"] == "${datasource}" for panel in _panels(dashboard))
    assert len({panel["id"] for panel in dashboard["panels"]}) == len(dashboard["panels"])

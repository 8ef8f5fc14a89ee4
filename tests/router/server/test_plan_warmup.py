"""Plan-cache warm-up: before a reloaded supergraph is swapped in, the operations the old Gateway
served most recently (and the manifest's) are planned on the new one, within a time bound."""

from __future__ import annotations

import json
import logging
import os
import time
from pathlib import Path
from typing import Any

import httpx

from router.executor import Gateway, WarmUpOperation
from router.server import ReloadOutcome

from ..e2e.testkit import supergraph_sdl
from ..executor.testkit import FakeSupergraph, StaticPlanner, Subgraphs, fetch

FULL = supergraph_sdl("shop")
USERNAME = "  username: String! @join__field(graph: USERS)\n"
assert USERNAME in FULL
WITHOUT_USERNAME = FULL.replace(USERNAME, "")
TOP = "query TopProducts { topProducts(first: 2) { name } }"
ME_USERNAME = "query MeUsername { me { name username } }"
JSON = {"accept": "application/json"}


def _write(path: Path, text: str) -> None:
    path.write_text(text)
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def _sample(metrics: str, line_start: str) -> float | None:
    for line in metrics.splitlines():
        if line.startswith(line_start):
            return float(line.rsplit(" ", 1)[1])
    return None


async def test_after_a_reload_a_recently_used_operation_is_a_plan_cache_hit(app, tmp_path: Path) -> None:
    path = tmp_path / "supergraph.graphql"
    _write(path, FULL)
    async with app(supergraph_path=path) as running:
        await running.client.post(
            "/graphql", json={"query": TOP, "operationName": "TopProducts"}, headers=JSON
        )
        old = running.app.state.runtime.gateway
        _write(path, WITHOUT_USERNAME)
        assert await running.app.state.reloader.check() is ReloadOutcome.RELOADED
        new = running.app.state.runtime.gateway
        warmed = new.cached_plan(TOP, "TopProducts")
        metrics = (await running.client.get("/metrics")).text
    assert new is not old
    assert warmed is not None and warmed.node is not None
    assert _sample(metrics, 'router_plan_warmup_operations_total{outcome="warmed"}') == 1
    assert _sample(metrics, "router_plan_warmup_duration_seconds_count") == 1


async def test_an_operation_the_new_supergraph_rejects_is_skipped_and_logged(
    app, tmp_path: Path, caplog: Any
) -> None:
    path = tmp_path / "supergraph.graphql"
    _write(path, FULL)
    async with app(supergraph_path=path) as running:
        await running.client.post(
            "/graphql", json={"query": ME_USERNAME, "operationName": "MeUsername"}, headers=JSON
        )
        await running.client.post(
            "/graphql", json={"query": TOP, "operationName": "TopProducts"}, headers=JSON
        )
        _write(path, WITHOUT_USERNAME)
        with caplog.at_level(logging.INFO, logger="router"):
            assert await running.app.state.reloader.check() is ReloadOutcome.RELOADED
        new = running.app.state.runtime.gateway
        after = await running.client.post(
            "/graphql", json={"query": ME_USERNAME, "operationName": "MeUsername"}, headers=JSON
        )
        metrics = (await running.client.get("/metrics")).text
    assert new.cached_plan(TOP, "TopProducts") is not None
    assert new.cached_plan(ME_USERNAME, "MeUsername") is None
    skipped = [r for r in caplog.records if r.getMessage().startswith("plan warm-up skipped")]
    assert len(skipped) == 1
    assert "MeUsername" in skipped[0].getMessage()
    assert skipped[0].code == "GRAPHQL_VALIDATION_FAILED"
    assert after.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert _sample(metrics, 'router_plan_warmup_operations_total{outcome="invalid"}') == 1
    assert _sample(metrics, 'router_plan_warmup_operations_total{outcome="warmed"}') == 1


async def test_manifest_operations_are_planned_at_start_up_and_on_reload(app, tmp_path: Path) -> None:
    path = tmp_path / "supergraph.graphql"
    _write(path, FULL)
    manifest = tmp_path / "manifest.json"
    manifest.write_text(
        json.dumps(
            {
                "format": "apollo-persisted-query-manifest",
                "version": 1,
                "operations": [{"id": "top", "name": "TopProducts", "type": "query", "body": TOP}],
            }
        )
    )
    async with app(supergraph_path=path, persisted_queries_manifest=manifest) as running:
        at_start = running.app.state.runtime.gateway.cached_plan(TOP, "TopProducts")
        _write(path, WITHOUT_USERNAME)
        assert await running.app.state.reloader.check() is ReloadOutcome.RELOADED
        after_reload = running.app.state.runtime.gateway.cached_plan(TOP, "TopProducts")
    assert at_start is not None
    assert after_reload is not None


async def test_warm_up_count_zero_warms_nothing_from_traffic(app, tmp_path: Path) -> None:
    path = tmp_path / "supergraph.graphql"
    _write(path, FULL)
    async with app(supergraph_path=path, plan_warmup_count=0) as running:
        await running.client.post(
            "/graphql", json={"query": TOP, "operationName": "TopProducts"}, headers=JSON
        )
        _write(path, WITHOUT_USERNAME)
        assert await running.app.state.reloader.check() is ReloadOutcome.RELOADED
        assert running.app.state.runtime.gateway.cached_plan(TOP, "TopProducts") is None


class SlowPlanner(StaticPlanner):
    def __init__(self, seconds: float) -> None:
        super().__init__(fetch("products", "{ topProducts { name } }"))
        self.seconds = seconds

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        time.sleep(self.seconds)
        return super().__call__(*args, **kwargs)


def test_warm_up_stops_at_its_time_bound_and_counts_what_it_left() -> None:
    planner = SlowPlanner(0.05)
    gateway = Gateway(
        FakeSupergraph(), http=httpx.AsyncClient(transport=Subgraphs().transport), planner=planner
    )
    operations = [
        WarmUpOperation(query=f"query Q{n} {{ topProducts(first: {n}) {{ name }} }}") for n in range(10)
    ]

    report = gateway.warm_up(operations, seconds=0.12)

    assert report.warmed == len(planner.calls)
    assert 1 <= report.warmed <= 4
    assert report.warmed + report.out_of_time == 10
    assert report.seconds < 0.12 + 0.05 + 0.05  # at most one plan past the bound, plus slack


def test_warmed_operations_are_not_planned_again_by_their_requests() -> None:
    planner = SlowPlanner(0)
    gateway = Gateway(
        FakeSupergraph(), http=httpx.AsyncClient(transport=Subgraphs().transport), planner=planner
    )
    query = "query Top { topProducts { name } }"

    report = gateway.warm_up([WarmUpOperation(query=query, operation_name="Top")])
    gateway.operation_type(query, "Top")

    assert report.warmed == 1
    assert len(planner.calls) == 1


def test_recent_operations_come_most_recently_used_first() -> None:
    gateway = Gateway(
        FakeSupergraph(),
        http=httpx.AsyncClient(transport=Subgraphs().transport),
        planner=SlowPlanner(0),
    )
    first, second = "query A { me { name } }", "query B { users { name } }"
    gateway.warm_up(
        [WarmUpOperation(query=first, operation_name="A"), WarmUpOperation(query=second, operation_name="B")]
    )
    assert [op.operation_name for op in gateway.recent_operations(10)] == ["B", "A"]

    gateway.cached_plan(first, "A")  # a lookup, as a request's, makes A the most recently used

    assert [op.operation_name for op in gateway.recent_operations(1)] == ["A"]

"""Request ids, structured logs, Prometheus metrics and readiness."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import httpx
import pytest

from router.server import JsonFormatter

TOP = {"query": "query Top { topProducts(first: 2) { name reviews { body } } }"}
JSON = {"accept": "application/json"}


def _spy(subgraphs: Any) -> list[dict[str, str]]:
    seen: list[dict[str, str]] = []
    original = subgraphs.handle_async_request

    async def spy(request: httpx.Request) -> httpx.Response:
        seen.append(dict(request.headers))
        return await original(request)

    subgraphs.handle_async_request = spy
    return seen


async def test_a_safe_client_request_id_is_returned_and_sent_to_every_subgraph(router) -> None:
    async with router() as (client, subgraphs):
        seen = _spy(subgraphs)
        response = await client.post("/graphql", json=TOP, headers={"x-request-id": "abc-123:X.y_z"})
    assert response.headers["x-request-id"] == "abc-123:X.y_z"
    assert len(seen) == 2
    assert {headers["x-request-id"] for headers in seen} == {"abc-123:X.y_z"}


@pytest.mark.parametrize("supplied", [None, "", "a" * 129, "bad id", "x\u00e9", "a;b", "<script>"])
async def test_a_missing_or_unsafe_request_id_is_replaced_by_a_generated_one(
    router, supplied: str | None
) -> None:
    headers = {} if supplied is None else {"x-request-id": supplied.encode("utf-8")}
    async with router() as (client, subgraphs):
        seen = _spy(subgraphs)
        response = await client.post("/graphql", json=TOP, headers=headers)
    generated = response.headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", generated)
    assert {headers["x-request-id"] for headers in seen} == {generated}


async def test_every_route_answers_with_a_request_id(router) -> None:
    async with router() as (client, _):
        live = await client.get("/health/live", headers={"x-request-id": "probe-1"})
        missing = await client.get("/nope")
    assert live.headers["x-request-id"] == "probe-1"
    assert "x-request-id" in missing.headers


async def test_one_json_log_line_per_request_with_id_operation_status_and_duration(
    router, caplog: Any
) -> None:
    with caplog.at_level(logging.INFO, logger="router.access"):
        async with router() as (client, _):
            await client.post("/graphql", json=TOP, headers={"x-request-id": "log-1"})
    records = [r for r in caplog.records if r.name == "router.access"]
    assert len(records) == 1
    line = json.loads(JsonFormatter().format(records[0]))
    assert line["message"] == "request"
    assert line["level"] == "info"
    assert line["request_id"] == "log-1"
    assert line["operation_name"] == "Top"
    assert line["status"] == 200
    assert line["method"] == "POST" and line["path"] == "/graphql"
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] > 0
    assert line["errors"] == 0
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", line["ts"])


def test_the_json_formatter_writes_exceptions_and_non_json_values_as_text() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord("router", logging.ERROR, __file__, 1, "failed %s", ("x",), exc_info=True)
        import sys

        record.exc_info = sys.exc_info()
    record.thing = object()
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "failed x"
    assert "ValueError: boom" in line["exc_info"]
    assert line["thing"].startswith("<object object")


def _sample(metrics: str, name: str, **labels: str) -> float | None:
    for line in metrics.splitlines():
        if line.startswith("#"):
            continue
        series, _, value = line.rpartition(" ")
        metric, _, label_text = series.partition("{")
        found = dict(re.findall(r'(\w+)="([^"]*)"', label_text))
        if metric == name and found == labels:
            return float(value)
    return None


async def test_metrics_count_requests_errors_and_latency_per_operation_and_subgraph(router) -> None:
    async with router() as (client, subgraphs):
        await client.post("/graphql", json=TOP)
        await client.post("/graphql", json=TOP)
        await client.post("/graphql", json={"query": "query Bad { nope }"}, headers=JSON)
        subgraphs.down.add("reviews")
        await client.post("/graphql", json=TOP, headers=JSON)
        response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    text = response.text
    assert _sample(text, "router_requests_total", operation_name="Top", status="200") == 3
    assert _sample(text, "router_requests_total", operation_name="(invalid)", status="200") == 1
    assert _sample(text, "router_request_errors_total", operation_name="Top") == 1
    assert _sample(text, "router_request_duration_seconds_count", operation_name="Top") == 3
    assert (
        _sample(text, "router_subgraph_fetch_duration_seconds_count", subgraph="products", outcome="success")
        == 3
    )
    assert (
        _sample(text, "router_subgraph_fetch_duration_seconds_count", subgraph="reviews", outcome="success")
        == 2
    )
    # Connection refused is retried (a query), so 3 attempts failed.
    assert (
        _sample(
            text, "router_subgraph_fetch_errors_total", subgraph="reviews", code="SUBGRAPH_REQUEST_FAILED"
        )
        == 3
    )
    assert _sample(text, "router_subgraph_fetch_retries_total", subgraph="reviews") == 2


async def test_each_app_has_its_own_metrics_registry(router) -> None:
    async with router() as (first, _):
        await first.post("/graphql", json=TOP)
    async with router() as (second, _):
        text = (await second.get("/metrics")).text
    assert _sample(text, "router_requests_total", operation_name="Top", status="200") is None


async def test_operation_name_labels_are_bounded(router) -> None:
    async with router(metrics_max_operation_names=1) as (client, _):
        for name in ("One", "Two", "Three"):
            await client.post("/graphql", json={"query": f"query {name} {{ me {{ name }} }}"})
        text = (await client.get("/metrics")).text
    assert _sample(text, "router_requests_total", operation_name="One", status="200") == 1
    assert _sample(text, "router_requests_total", operation_name="(other)", status="200") == 2


async def test_metrics_can_be_switched_off(router) -> None:
    async with router(metrics=False) as (client, _):
        response = await client.get("/metrics")
    assert response.status_code == 404


async def test_ready_is_200_when_every_subgraph_answers(router) -> None:
    async with router() as (client, subgraphs):
        response = await client.get("/health/ready")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "subgraphs": {"products": "up", "reviews": "up", "users": "up"},
        "down": [],
    }
    assert subgraphs.counts() == {"products": 1, "reviews": 1, "users": 1}


async def test_ready_is_503_naming_the_subgraphs_that_are_down(router) -> None:
    async with router(ready_cache_seconds=0) as (client, subgraphs):
        subgraphs.down.add("reviews")
        subgraphs.failing["users"] = 503
        response = await client.get("/health/ready")
        subgraphs.down.clear()
        subgraphs.failing.clear()
        recovered = await client.get("/health/ready")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "subgraphs": {"products": "up", "reviews": "down", "users": "down"},
        "down": ["reviews", "users"],
    }
    assert recovered.status_code == 200


async def test_ready_reuses_its_verdict_within_the_cache_time(router) -> None:
    async with router(ready_cache_seconds=60) as (client, subgraphs):
        for _ in range(3):
            await client.get("/health/ready")
        subgraphs.down.add("reviews")
        still_cached = await client.get("/health/ready")
    assert subgraphs.counts() == {"products": 1, "reviews": 1, "users": 1}
    assert still_cached.status_code == 200


async def test_a_slow_subgraph_is_down_after_the_probe_timeout(app) -> None:
    import asyncio

    class Slow(httpx.AsyncBaseTransport):
        def __init__(self, inner: Any) -> None:
            self.inner = inner

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            if request.url.host == "users":
                await asyncio.sleep(5)
            return await self.inner.handle_async_request(request)

    async with app(transport=Slow, ready_probe_timeout_seconds=0.05) as running:
        response = await running.client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["down"] == ["users"]


def test_configure_logging_sends_router_records_as_json_lines_to_stderr(capsys: Any) -> None:
    from router.server import configure_logging

    logger = logging.getLogger("router")
    saved = (logger.handlers[:], logger.level, logger.propagate)
    try:
        configure_logging("info")
        configure_logging("info")  # idempotent: still one handler
        logging.getLogger("router.access").info("request", extra={"request_id": "r-9", "status": 200})
        lines = capsys.readouterr().err.strip().splitlines()
    finally:
        logger.handlers, logger.level, logger.propagate = saved[0], saved[1], saved[2]
    assert len(lines) == 1
    assert json.loads(lines[0])["request_id"] == "r-9"

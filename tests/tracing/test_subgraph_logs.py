"""A subgraph's log lines are JSON objects carrying the request's id (the router's, when it sent one)
and, with tracing on, the trace id; see subgraphs/common/logs.py."""

from __future__ import annotations

import io
import json
import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from router.server import JsonFormatter as RouterJsonFormatter
from subgraphs.common import configure_logging
from subgraphs.common.logs import JsonFormatter

from ..subgraphs.harness import start_system
from .conftest import by_name, running_platform

BAD_LOGIN = 'mutation { login(email: "nobody@example.com", password: "wrong-password") { accessToken } }'
PLACE_ORDER = 'mutation PlaceOrder { placeOrder(items: [{productId: "product-2", quantity: 1}]) { id } }'


class Lines:
    """What ``configure_logging`` wrote to stderr, one parsed JSON object per line."""

    def __init__(self, stream: io.StringIO) -> None:
        self._stream = stream

    def all(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self._stream.getvalue().splitlines()]

    def access(self, path: str = "/graphql") -> list[dict[str, Any]]:
        return [line for line in self.all() if line["logger"] == "subgraphs.access" and line["path"] == path]


@pytest.fixture
def log_lines(monkeypatch: pytest.MonkeyPatch) -> Iterator[Lines]:
    """The ``subgraphs`` loggers configured as in ``supergraph dev``, writing into a buffer; restored
    afterwards (other tests rely on propagation to pytest's capture)."""
    stream = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    logger = logging.getLogger("subgraphs")
    saved = (list(logger.handlers), logger.level, logger.propagate)
    configure_logging("debug", log_format="json")
    try:
        yield Lines(stream)
    finally:
        logger.handlers, logger.level, logger.propagate = saved


async def test_every_line_logged_while_handling_a_request_is_json_with_the_callers_request_id(
    log_lines: Lines, tmp_path: Path
) -> None:
    async with (
        start_system(["users"], backend="sqlite", tmp_path=tmp_path) as system,
        system.client("users") as client,
    ):
        response = await client.post(
            "/graphql", json={"query": BAD_LOGIN}, headers={"X-Request-ID": "router-id-1"}
        )

    assert response.headers["x-request-id"] == "router-id-1"
    during = [line for line in log_lines.all() if line.get("request_id") == "router-id-1"]
    assert {line["logger"] for line in during} == {"subgraphs", "subgraphs.access"}  # the client error too
    [access] = log_lines.access()
    assert access["message"] == "request"
    assert access["method"] == "POST"
    assert access["status"] == 200
    assert access["duration_ms"] > 0
    assert {"ts", "level"} <= access.keys()
    assert "trace_id" not in access  # tracing is off


async def test_a_request_without_a_usable_id_gets_a_fresh_one_in_the_response_and_the_log(
    log_lines: Lines, tmp_path: Path
) -> None:
    async with (
        start_system(["users"], backend="sqlite", tmp_path=tmp_path) as system,
        system.client("users") as client,
    ):
        plain = await client.post("/graphql", json={"query": "{ __typename }"})
        injected = await client.post(
            "/graphql", json={"query": "{ __typename }"}, headers={"X-Request-ID": 'x" "level":"error'}
        )

    ids = [plain.headers["x-request-id"], injected.headers["x-request-id"]]
    assert all(len(request_id) == 32 for request_id in ids)
    assert ids[0] != ids[1]
    assert [line["request_id"] for line in log_lines.access()] == ids


async def test_one_request_id_follows_an_order_from_the_router_through_every_subgraph(
    log_lines: Lines, spans: InMemorySpanExporter, tmp_path: Path
) -> None:
    async with running_platform(tmp_path, tracing=True) as platform:
        placed = await platform.graphql(PLACE_ORDER, user="user-3", **{"X-Request-ID": "client-order-7"})
    assert "errors" not in placed, placed

    lines = [line for line in log_lines.all() if line["logger"] == "subgraphs.access"]
    served = [line for line in lines if line["request_id"] == "client-order-7"]
    # The router's fetch to orders, and orders' internal calls on the request's behalf.
    assert any(line["path"] == "/graphql" for line in served), lines
    assert any(line["path"].startswith("/internal/") for line in served), lines
    [request] = by_name(spans.get_finished_spans(), "graphql PlaceOrder")
    assert {line["trace_id"] for line in served} == {format(request.context.trace_id, "032x")}
    assert all(len(line["span_id"]) == 16 for line in served)


def test_the_subgraphs_and_the_routers_formatters_write_the_same_line() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord(
            "subgraphs.x", logging.WARNING, __file__, 1, "hi %s", ("there",), sys.exc_info()
        )
    record.request_id = "r-1"
    record.color_message = "\x1b[36mhi\x1b[0m"

    line = JsonFormatter().format(record)

    assert line == RouterJsonFormatter().format(record)
    parsed = json.loads(line)
    assert parsed["message"] == "hi there"
    assert parsed["request_id"] == "r-1"
    assert "ValueError: boom" in parsed["exc_info"]
    assert "color_message" not in parsed


async def test_the_text_format_keeps_the_request_id(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    stream = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    logger = logging.getLogger("subgraphs")
    saved = (list(logger.handlers), logger.level, logger.propagate)
    configure_logging("info", log_format="text")
    try:
        async with (
            start_system(["users"], backend="sqlite", tmp_path=tmp_path) as system,
            system.client("users") as client,
        ):
            await client.post("/graphql", json={"query": "{ __typename }"}, headers={"X-Request-ID": "t-1"})
    finally:
        logger.handlers, logger.level, logger.propagate = saved

    [line] = [line for line in stream.getvalue().splitlines() if "subgraphs.access" in line]
    assert line.endswith("request request_id=t-1")

"""One order placed through the router is one trace: router request -> subgraph fetches -> each
subgraph's request -> its SQL statements -> the event's publish -> the notification's consume."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path

import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from router.server import JsonFormatter

from .conftest import Platform, by_name, running_platform

PLACE_ORDER = """
mutation PlaceOrder {
  placeOrder(items: [{productId: "product-2", quantity: 1}]) {
    id
    user { name }
    items { quantity product { name inStock } }
  }
}
"""


async def _wait_for(
    spans: InMemorySpanExporter, name: str, timeout: float = 10.0
) -> tuple[ReadableSpan, ...]:
    """The finished spans once one named ``name`` is among them (events are consumed after the response)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        finished = spans.get_finished_spans()
        if by_name(finished, name) or asyncio.get_running_loop().time() > deadline:
            return finished
        await asyncio.sleep(0.02)


def _parent_chain(span: ReadableSpan, by_id: dict[int, ReadableSpan]) -> list[str]:
    chain = []
    while span.parent is not None and span.parent.span_id in by_id:
        span = by_id[span.parent.span_id]
        chain.append(span.name)
    return chain


async def _place_order(platform: Platform) -> str:
    placed = await platform.graphql(PLACE_ORDER, user="user-3")
    assert "errors" not in placed, placed
    order_id: str = placed["data"]["placeOrder"]["id"]
    return order_id


async def test_an_order_placement_is_one_trace_from_the_router_to_the_notification(
    spans: InMemorySpanExporter, tmp_path: Path
) -> None:
    async with running_platform(tmp_path, tracing=True) as platform:
        await _place_order(platform)
        finished = await _wait_for(spans, "consume OrderPlaced")

    [request] = by_name(finished, "graphql PlaceOrder")
    trace_id = request.context.trace_id
    in_trace = [span for span in finished if span.context.trace_id == trace_id]
    names = {span.name for span in in_trace}
    by_id = {span.context.span_id: span for span in in_trace}

    assert request.kind is SpanKind.SERVER
    assert request.parent is None
    assert request.attributes is not None
    assert request.attributes["graphql.operation.name"] == "PlaceOrder"
    assert request.attributes["graphql.operation.type"] == "mutation"
    assert request.attributes["request.id"]
    # The orders subgraph's request, its statements, and its calls to the subgraphs it depends on.
    for subgraph in ("orders", "products", "inventory"):
        assert f"{subgraph} POST /graphql" in names or any(
            name.startswith(f"{subgraph} POST /internal") for name in names
        ), (subgraph, sorted(names))
    inserts = [span for span in by_name(in_trace, "orders db INSERT")]
    assert inserts, sorted(names)
    assert any("event_outbox" in str((span.attributes or {})["db.statement"]) for span in inserts)
    assert all("orders POST /graphql" in _parent_chain(span, by_id) for span in inserts)
    [publish] = by_name(in_trace, "publish OrderPlaced")
    [consume] = by_name(in_trace, "consume OrderPlaced")
    assert publish.kind is SpanKind.PRODUCER
    assert consume.kind is SpanKind.CONSUMER
    assert _parent_chain(consume, by_id) == [
        "publish OrderPlaced",
        "orders POST /graphql",
        "subgraph orders",
        "graphql PlaceOrder",
    ]
    assert by_name(in_trace, "notifications db INSERT"), sorted(names)


async def test_every_subgraph_request_carries_the_fetch_spans_traceparent(
    spans: InMemorySpanExporter, tmp_path: Path
) -> None:
    async with running_platform(tmp_path, tracing=True) as platform:
        await _place_order(platform)
        requests = [r for r in platform.system.transport.requests if r.url.path == "/graphql"]

    fetches = {
        format(span.context.span_id, "016x") for span in by_name(spans.get_finished_spans(), "subgraph ")
    }
    assert requests
    for request in requests:
        _version, _trace_id, parent_id, _flags = request.headers["traceparent"].split("-")
        if request.url.host == "orders":  # the router's fetch (internal REST calls have their own parents)
            assert parent_id in fetches


async def test_the_routers_trace_continues_the_clients_traceparent(
    spans: InMemorySpanExporter, tmp_path: Path
) -> None:
    client_trace = "4bf92f3577b34da6a3ce929d0e0e4736"
    async with running_platform(tmp_path, tracing=True) as platform:
        await platform.graphql(
            "query Me { me { name } }", user="user-1", traceparent=f"00-{client_trace}-00f067aa0ba902b7-01"
        )
    [request] = by_name(spans.get_finished_spans(), "graphql Me")
    assert format(request.context.trace_id, "032x") == client_trace


async def test_with_tracing_off_there_are_no_spans_and_no_traceparent(
    spans: InMemorySpanExporter, tmp_path: Path
) -> None:
    async with running_platform(tmp_path, tracing=False) as platform:
        await _place_order(platform)
        await asyncio.sleep(0.2)  # the event is consumed meanwhile
        requests = list(platform.system.transport.requests)

    assert spans.get_finished_spans() == ()
    assert requests
    assert all("traceparent" not in request.headers for request in requests)


async def test_the_access_log_line_carries_the_trace_id_and_the_request_id(
    spans: InMemorySpanExporter, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    lines: list[dict[str, object]] = []

    class Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(json.loads(JsonFormatter().format(record)))

    handler = Capture()
    logger = logging.getLogger("router.access")
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    try:
        async with running_platform(tmp_path, tracing=True) as platform:
            await platform.graphql("query Me { me { name } }", user="user-1")
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)

    [request] = by_name(spans.get_finished_spans(), "graphql Me")
    [line] = [line for line in lines if line.get("operation_name") == "Me"]
    assert line["trace_id"] == format(request.context.trace_id, "032x")
    assert line["span_id"] == format(request.context.span_id, "016x")
    assert line["request_id"] == (request.attributes or {})["request.id"]

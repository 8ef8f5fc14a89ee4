"""GraphiQL works offline in a real browser: the page loads from local assets only, a query runs,
the result and the query plan show, and a ``@defer`` query streams its parts into the result pane.
Runs headless Debian Chromium through Playwright."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import uvicorn

from router.server import RouterSettings, create_app

from ..e2e.compose_fixtures import subgraph_schemas, subgraph_url
from ..e2e.testkit import SubgraphTransport, supergraph_sdl

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PART_HEAD = "\r\n---\r\ncontent-type: application/json; charset=utf-8\r\n\r\n"


def _need_chromium() -> None:
    if os.path.exists(CHROMIUM):
        return
    message = "Debian chromium is not installed (apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class HeldSubgraph(httpx.AsyncBaseTransport):
    """Holds every request to one subgraph until the test releases it: a slow deferred part."""

    def __init__(self, inner: httpx.AsyncBaseTransport, host: str) -> None:
        self._inner = inner
        self._host = host
        self.released = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == self._host:
            await self.released.wait()
        return await self._inner.handle_async_request(request)


@dataclass
class Browser:
    page: Any
    url: str
    errors: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)

    async def run(self, query: str) -> Any:
        """Open GraphiQL with ``query`` in the editor, run it, and return the result pane."""
        await self.page.goto(f"{self.url}/?query={quote(query)}")
        await self.page.wait_for_selector(".graphiql-execute-button", timeout=20_000)
        await self.page.click(".graphiql-execute-button")
        return self.page.locator(".result-window")

    @staticmethod
    async def result_json(result: Any) -> Any:
        """The result pane's text as JSON (the editor indents with non-breaking spaces)."""
        return json.loads((await result.inner_text()).replace("\xa0", " "))

    async def show_plan(self) -> Any:
        await self.page.click("button[aria-label='Show Query plan']")
        return self.page.get_by_test_id("query-plan")


@asynccontextmanager
async def graphiql_in_chromium(
    transport: httpx.AsyncBaseTransport | None = None,
) -> AsyncIterator[Browser]:
    """The shop router on a real port, serving GraphiQL to a headless Chromium page."""
    _need_chromium()
    from playwright.async_api import async_playwright

    schemas = subgraph_schemas("shop")
    app = create_app(
        supergraph_sdl=supergraph_sdl("shop"),
        settings=RouterSettings(),
        http_transport=transport or SubgraphTransport(schemas),
        subgraph_urls={name: subgraph_url(name) for name in schemas},
    )
    port = _free_port()
    origin = f"http://127.0.0.1:{port}"
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    serving = asyncio.create_task(server.serve())
    try:
        while not server.started:
            await asyncio.sleep(0.05)
        async with async_playwright() as pw:
            chromium = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            try:
                browser = Browser(await chromium.new_page(), origin)
                browser.page.on(
                    "request",
                    lambda request: (
                        None
                        if request.url.startswith(f"{origin}/") or request.url.startswith("data:")
                        else browser.outside_requests.append(request.url)
                    ),
                )
                browser.page.on("pageerror", lambda exc: browser.errors.append(str(exc)))
                yield browser
            finally:
                await chromium.close()
    finally:
        server.should_exit = True
        await serving


async def test_graphiql_loads_offline_runs_a_query_and_shows_the_plan(tmp_path) -> None:
    async with graphiql_in_chromium() as browser:
        result = await browser.run("{ topProducts(first: 2) { name reviews { body } } }")
        await result.get_by_text("Couch").wait_for(timeout=20_000)
        text = await result.inner_text()
        plan = await browser.show_plan()
        await plan.get_by_text('Fetch(service: "reviews")').wait_for(timeout=10_000)
        plan_text = await plan.inner_text()
        await browser.page.screenshot(path=str(tmp_path / "graphiql.png"))
    assert '"name": "Table"' in text and '"name": "Couch"' in text
    assert 'Fetch(service: "products")' in plan_text
    assert browser.errors == []
    assert browser.outside_requests == []


async def test_a_deferred_query_shows_the_primary_data_first_then_the_merged_result() -> None:
    reviews = HeldSubgraph(SubgraphTransport(subgraph_schemas("shop")), "reviews")
    async with graphiql_in_chromium(reviews) as browser:
        result = await browser.run("{ topProducts(first: 2) { name ... @defer { reviews { body } } } }")
        await result.get_by_text("Couch").wait_for(timeout=20_000)
        before = await browser.result_json(result)
        reviews.released.set()
        await result.get_by_text("Could be better.").wait_for(timeout=20_000)
        after = await browser.result_json(result)
        plan = await browser.show_plan()
        await plan.get_by_text("Deferred(").wait_for(timeout=10_000)
    assert before["data"] == {"topProducts": [{"name": "Table"}, {"name": "Couch"}]}
    assert after["data"] == {
        "topProducts": [
            {"name": "Table", "reviews": [{"body": "Love it!"}, {"body": "Too expensive."}]},
            {"name": "Couch", "reviews": [{"body": "Could be better."}]},
        ]
    }
    assert "errors" not in after and "hasNext" not in after
    assert "queryPlan" not in after.get("extensions", {})
    assert browser.errors == []


async def test_stopping_a_deferred_query_keeps_what_arrived_and_drops_the_rest() -> None:
    reviews = HeldSubgraph(SubgraphTransport(subgraph_schemas("shop")), "reviews")
    async with graphiql_in_chromium(reviews) as browser:
        result = await browser.run("{ topProducts(first: 2) { name ... @defer { reviews { body } } } }")
        await result.get_by_text("Couch").wait_for(timeout=20_000)
        await browser.page.click("button[aria-label^='Stop query']")
        await browser.page.wait_for_selector("button[aria-label^='Execute query']", timeout=10_000)
        reviews.released.set()
        await asyncio.sleep(0.5)  # time for a deferred part that should not show up anyway
        shown = await browser.result_json(result)
    assert shown["data"] == {"topProducts": [{"name": "Table"}, {"name": "Couch"}]}
    assert browser.errors == []


async def test_a_query_without_defer_still_gets_json() -> None:
    async with graphiql_in_chromium() as browser:
        responses: list[Any] = []
        browser.page.on("response", lambda response: responses.append(response))
        result = await browser.run("{ topProducts(first: 1) { name } }")
        await result.get_by_text("Table").wait_for(timeout=20_000)
        [graphql] = [r for r in responses if "topProducts" in (r.request.post_data or "")]
        content_type = await graphql.header_value("content-type")
        accept = await graphql.request.header_value("accept")
        shown = await browser.result_json(result)
    assert accept.startswith("multipart/mixed;deferSpec=20220824, application/graphql-response+json")
    assert content_type == "application/graphql-response+json"
    assert shown["data"] == {"topProducts": [{"name": "Table"}]}


# The page's multipart reader and merge, fed by hand: chunk boundaries anywhere, payloads as the
# deferSpec=20220824 format defines them.
BODY = (
    PART_HEAD
    + '{"data":{"me":{"name":"Ada","reviews":[{"id":"1"},{"id":"2"}]}},"hasNext":true}'
    + PART_HEAD
    + '{"incremental":[{"data":{"reviews":[{"body":"a"},{"body":"b"}]},"path":["me"],"label":"r"}],'
    + '"hasNext":true}'
    + PART_HEAD
    + '{"incremental":[{"data":{"x":1},"path":["missing"],"errors":[{"message":"no"}]},'
    + '{"data":{"stars":5},"path":["me","reviews",1]}],"hasNext":false}'
    + "\r\n-----\r\n"
)
MERGED = {
    "data": {
        "me": {"name": "Ada", "reviews": [{"id": "1", "body": "a"}, {"id": "2", "body": "b", "stars": 5}]}
    },
    "errors": [{"message": "no"}],
}


async def test_the_multipart_reader_finds_every_part_wherever_the_chunks_split() -> None:
    async with graphiql_in_chromium() as browser:
        await browser.page.goto(browser.url)
        outcomes = await browser.page.evaluate(
            """(body) => {
                const outcomes = [];
                for (let size = 1; size <= body.length; size += 7) {
                    const parser = multipartParser("-");
                    const payloads = [];
                    for (let at = 0; at < body.length; at += size) payloads.push(...parser.push(body.slice(at, at + size)));
                    outcomes.push([payloads, parser.isClosed()]);
                }
                return outcomes;
            }""",
            BODY,
        )
    payloads = [json.loads(part) for part in BODY.removesuffix("\r\n-----\r\n").split(PART_HEAD)[1:]]
    assert len(outcomes) > 10
    assert all(outcome == [payloads, True] for outcome in outcomes)


async def test_a_part_is_read_before_the_next_delimiter_arrives() -> None:
    async with graphiql_in_chromium() as browser:
        await browser.page.goto(browser.url)
        first, rest = await browser.page.evaluate(
            """() => {
                const parser = multipartParser("-");
                const first = parser.push('\\r\\n---\\r\\ncontent-type: application/json\\r\\n\\r\\n{"data":{"a":{"b":1}');
                first.push(...parser.push('},"hasNext":true}'));
                return [first, parser.push('\\r\\n---\\r\\n\\r\\n{"hasNext":false}\\r\\n-----\\r\\n')];
            }"""
        )
    assert first == [{"data": {"a": {"b": 1}}, "hasNext": True}]
    assert rest == [{"hasNext": False}]


async def test_incremental_entries_merge_at_their_path_and_append_their_errors() -> None:
    async with graphiql_in_chromium() as browser:
        await browser.page.goto(browser.url)
        merged = await browser.page.evaluate(
            """(body) => {
                const result = {};
                for (const payload of multipartParser("-").push(body)) mergePayload(result, payload);
                return result;
            }""",
            BODY,
        )
    assert merged == MERGED


async def test_a_stream_that_ends_early_shows_what_arrived_and_says_so() -> None:
    truncated = BODY[: BODY.index(PART_HEAD, len(PART_HEAD))]
    async with graphiql_in_chromium() as browser:
        await browser.page.goto(browser.url)
        shown = await browser.page.evaluate(
            """async (body) => {
                const shown = [];
                const response = new Response(body);
                for await (const result of incrementalResults(response, 'multipart/mixed; boundary="-"')) shown.push(result);
                return shown;
            }""",
            truncated,
        )
    data = {"me": {"name": "Ada", "reviews": [{"id": "1"}, {"id": "2"}]}}
    assert shown == [
        {"data": data},
        {"data": data, "errors": [{"message": "The response ended before its last part arrived."}]},
    ]

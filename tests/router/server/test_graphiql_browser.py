"""GraphiQL works offline in a real browser: the page loads from local assets only, a query runs,
the result and the query plan show. Runs headless Debian Chromium through Playwright."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
from urllib.parse import quote

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


async def test_graphiql_loads_offline_runs_a_query_and_shows_the_plan(tmp_path) -> None:
    _need_chromium()
    from playwright.async_api import async_playwright

    schemas = subgraph_schemas("shop")
    app = create_app(
        supergraph_sdl=supergraph_sdl("shop"),
        settings=RouterSettings(),
        http_transport=SubgraphTransport(schemas),
        subgraph_urls={name: subgraph_url(name) for name in schemas},
    )
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    serving = asyncio.create_task(server.serve())
    try:
        while not server.started:
            await asyncio.sleep(0.05)
        outside_requests: list[str] = []
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            try:
                page = await browser.new_page()
                page.on(
                    "request",
                    lambda request: (
                        None
                        if request.url.startswith(f"http://127.0.0.1:{port}/")
                        or request.url.startswith("data:")
                        else outside_requests.append(request.url)
                    ),
                )
                errors: list[str] = []
                page.on("pageerror", lambda exc: errors.append(str(exc)))
                query = "{ topProducts(first: 2) { name reviews { body } } }"
                await page.goto(f"http://127.0.0.1:{port}/?query={quote(query)}")
                await page.wait_for_selector(".graphiql-execute-button", timeout=20_000)
                await page.click(".graphiql-execute-button")
                result = page.locator(".result-window")
                await result.get_by_text("Couch").wait_for(timeout=20_000)
                text = await result.inner_text()
                await page.click("button[aria-label='Show Query plan']")
                plan = page.get_by_test_id("query-plan")
                await plan.get_by_text('Fetch(service: "reviews")').wait_for(timeout=10_000)
                plan_text = await plan.inner_text()
                await page.screenshot(path=str(tmp_path / "graphiql.png"))
            finally:
                await browser.close()
    finally:
        server.should_exit = True
        await serving
    assert '"name": "Table"' in text and '"name": "Couch"' in text
    assert 'Fetch(service: "products")' in plan_text
    assert errors == []
    assert outside_requests == []

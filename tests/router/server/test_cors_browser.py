"""A frontend on another origin queries the router with `fetch` from a real browser when CORS allows
its origin, and the browser blocks the answer when it does not (headless Debian Chromium)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route

from router.server import RouterSettings, create_app

from ..e2e.compose_fixtures import subgraph_schemas, subgraph_url
from ..e2e.testkit import SubgraphTransport, supergraph_sdl
from .test_graphiql_browser import CHROMIUM, CHROMIUM_FLAGS, _free_port, _need_chromium

FRONTEND_PAGE = """<!DOCTYPE html><html><body><pre id="out">waiting</pre><script>
fetch("%(router)s/graphql", {
  method: "POST",
  headers: {"Content-Type": "application/json"},
  body: JSON.stringify({query: "{ topProducts(first: 2) { name } }"}),
}).then((r) => r.json())
  .then((body) => { document.getElementById("out").textContent = "ok " + JSON.stringify(body); })
  .catch((err) => { document.getElementById("out").textContent = "blocked " + err; });
</script></body></html>"""


@asynccontextmanager
async def _serve(app: Any, port: int) -> AsyncIterator[None]:
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            await asyncio.sleep(0.02)
        yield
    finally:
        server.should_exit = True
        await task


async def _run_frontend(allowed_origins: tuple[str, ...], *, router_port: int, page_port: int) -> str:
    from playwright.async_api import async_playwright

    schemas = subgraph_schemas("shop")
    router = create_app(
        supergraph_sdl=supergraph_sdl("shop"),
        settings=RouterSettings(cors_origins=allowed_origins),
        http_transport=SubgraphTransport(schemas),
        subgraph_urls={name: subgraph_url(name) for name in schemas},
    )
    page_html = FRONTEND_PAGE % {"router": f"http://127.0.0.1:{router_port}"}
    frontend = Starlette(routes=[Route("/", lambda _request: HTMLResponse(page_html))])
    # Different ports are different origins: the page is cross-origin to the router.
    async with _serve(router, router_port), _serve(frontend, page_port), async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            page = await browser.new_page()
            await page.goto(f"http://localhost:{page_port}/")
            out = page.locator("#out")
            await page.wait_for_function(
                "document.getElementById('out').textContent !== 'waiting'", timeout=15_000
            )
            return await out.inner_text()
        finally:
            await browser.close()


async def test_a_page_on_an_allowed_origin_gets_the_data() -> None:
    _need_chromium()
    router_port, page_port = _free_port(), _free_port()
    text = await _run_frontend(
        (f"http://localhost:{page_port}",), router_port=router_port, page_port=page_port
    )
    assert text == 'ok {"data":{"topProducts":[{"name":"Table"},{"name":"Couch"}]}}'


async def test_a_page_on_another_origin_is_blocked_by_the_browser() -> None:
    _need_chromium()
    router_port, page_port = _free_port(), _free_port()
    text = await _run_frontend(("https://shop.example",), router_port=router_port, page_port=page_port)
    assert text.startswith("blocked TypeError")

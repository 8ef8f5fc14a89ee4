"""``SecurityHeadersMiddleware`` on a tiny app: the headers, the HTML policy, HSTS only when asked."""

from __future__ import annotations

import httpx
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from router.server._security_headers import SecurityHeadersMiddleware


async def api(_request: Request) -> Response:
    return JSONResponse({"data": {}})


async def page(_request: Request) -> Response:
    return HTMLResponse("<html></html>")


async def cached(_request: Request) -> Response:
    return JSONResponse({}, headers={"Cache-Control": "public, max-age=60"})


def client(**options: bool) -> httpx.AsyncClient:
    app = Starlette(
        routes=[Route("/graphql", api), Route("/", page), Route("/cached", cached)],
        middleware=[Middleware(SecurityHeadersMiddleware, **options)],
    )
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://router")


async def test_api_responses_get_the_strict_headers() -> None:
    async with client() as http:
        response = await http.get("/graphql")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["content-security-policy"].startswith("default-src 'none'")
    assert response.headers["cache-control"] == "no-store"
    assert "strict-transport-security" not in response.headers


async def test_html_gets_a_policy_graphiql_can_run_under() -> None:
    async with client() as http:
        response = await http.get("/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self' 'unsafe-inline'" in policy and "frame-ancestors 'none'" in policy


async def test_hsts_when_asked_and_handler_headers_win() -> None:
    async with client(hsts=True) as http:
        response = await http.get("/cached")
    assert response.headers["strict-transport-security"].startswith("max-age=31536000")
    assert response.headers["cache-control"] == "public, max-age=60"

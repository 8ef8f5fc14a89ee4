"""The router serves the built storefront at /shop: files with their content types, index.html for
the app's client-side routes, long caching only for content-hashed assets, nothing outside dist.
And ``ensure_storefront_built`` finds, or explains why it cannot make, the build."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, MutableMapping
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from router.server._storefront import ensure_storefront_built, storefront_routes

INDEX = '<!doctype html><div id="root"></div><script type="module" src="/shop/assets/index-B9RdiWUr.js">'


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    root = tmp_path / "storefront" / "dist"
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text(INDEX)
    (root / "assets" / "index-B9RdiWUr.js").write_text("console.log('shop')")
    (root / "assets" / "index-CdtqHx5b.css").write_text("body{}")
    (root / "favicon.svg").write_text("<svg/>")
    (tmp_path / "secret.txt").write_text("not for the shop")
    return root


@pytest.fixture
async def client(dist: Path) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=Starlette(routes=storefront_routes(dist)))
    async with httpx.AsyncClient(transport=transport, base_url="http://router") as test_client:
        yield test_client


async def test_shop_without_a_slash_redirects_to_the_app_base(client: httpx.AsyncClient) -> None:
    response = await client.get("/shop")
    assert response.status_code == 308
    assert response.headers["location"] == "/shop/"


async def test_the_app_base_serves_index_html_revalidated_on_every_load(client: httpx.AsyncClient) -> None:
    response = await client.get("/shop/")
    assert response.status_code == 200
    assert response.text == INDEX
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["cache-control"] == "no-cache"


@pytest.mark.parametrize("route", ["/shop/products/product-1", "/shop/orders", "/shop/signin?next=/cart"])
async def test_client_side_routes_fall_back_to_index_html(client: httpx.AsyncClient, route: str) -> None:
    response = await client.get(route)
    assert response.status_code == 200
    assert response.text == INDEX
    assert response.headers["cache-control"] == "no-cache"


async def test_hashed_assets_are_served_with_their_type_and_cached_for_a_year(
    client: httpx.AsyncClient,
) -> None:
    script = await client.get("/shop/assets/index-B9RdiWUr.js")
    assert script.status_code == 200
    assert script.headers["content-type"] == "text/javascript; charset=utf-8"
    assert script.headers["cache-control"] == "public, max-age=31536000, immutable"
    style = await client.get("/shop/assets/index-CdtqHx5b.css")
    assert style.headers["content-type"] == "text/css; charset=utf-8"
    assert style.headers["cache-control"] == "public, max-age=31536000, immutable"


async def test_unhashed_files_are_revalidated(client: httpx.AsyncClient) -> None:
    response = await client.get("/shop/favicon.svg")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/svg+xml"
    assert response.headers["cache-control"] == "no-cache"


async def test_a_missing_asset_is_a_404_not_index_html(client: httpx.AsyncClient) -> None:
    """A stale page asking for an old bundle must not get HTML back as its script."""
    response = await client.get("/shop/assets/index-OLDHASH1.js")
    assert response.status_code == 404
    assert "root" not in response.text


@pytest.mark.parametrize(
    "path", ["/shop/../secret.txt", "/shop/assets/../../secret.txt", "/shop//etc/passwd"]
)
async def test_nothing_outside_dist_is_served(dist: Path, path: str) -> None:
    """Sent as raw ASGI paths: a client library would fold the dots before they reach the app
    (uvicorn passes ``%2e%2e`` through as ``..``)."""
    status, body = await raw_get(Starlette(routes=storefront_routes(dist)), path)
    assert b"not for the shop" not in body
    assert b"root:" not in body
    assert status in (200, 404)  # 200 only as the SPA's index.html


async def raw_get(app: Starlette, path: str) -> tuple[int, bytes]:
    """One GET straight through ASGI, with ``path`` exactly as given."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"router")],
        "client": ("127.0.0.1", 1),
        "server": ("router", 80),
    }
    sent: list[MutableMapping[str, Any]] = []
    requested = False
    done = asyncio.Event()

    async def receive() -> MutableMapping[str, Any]:
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await done.wait()  # as a server would: the client leaves once the response is complete
        return {"type": "http.disconnect"}

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)
        if message["type"] == "http.response.body" and not message.get("more_body", False):
            done.set()

    await app(scope, receive, send)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, body


async def test_head_requests_are_answered(client: httpx.AsyncClient) -> None:
    response = await client.head("/shop/assets/index-B9RdiWUr.js")
    assert response.status_code == 200
    assert response.content == b""


def test_routes_refuse_a_dist_without_index_html(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="npm ci && npm run build"):
        storefront_routes(tmp_path)


def test_an_existing_build_is_used_as_is(dist: Path) -> None:
    assert ensure_storefront_built(dist.parent.parent) == dist


def test_no_storefront_directory_means_no_shop(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="router.storefront"):
        assert ensure_storefront_built(tmp_path) is None
    assert "no storefront" in caplog.text


def test_without_npm_the_reason_is_logged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "storefront").mkdir()
    (tmp_path / "storefront" / "package.json").write_text("{}")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with caplog.at_level(logging.WARNING, logger="router.storefront"):
        assert ensure_storefront_built(tmp_path) is None
    assert "npm is not installed" in caplog.text
    assert "npm ci && npm run build" in caplog.text


def test_a_failing_build_is_logged_with_its_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A stand-in ``npm`` that fails: the router starts without /shop and says why."""
    app = tmp_path / "storefront"
    (app / "node_modules").mkdir(parents=True)
    (app / "package.json").write_text("{}")
    (app / "package-lock.json").write_text("{}")
    (app / "node_modules" / ".package-lock.json").write_text("{}")  # installed: only the build runs
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    npm = bin_dir / "npm"
    npm.write_text('#!/bin/sh\necho "npm $*" >> "${0%/*}/calls"\necho "vite: boom" >&2\nexit 1\n')
    npm.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")  # the stand-in npm comes first
    with caplog.at_level(logging.WARNING, logger="router.storefront"):
        assert ensure_storefront_built(tmp_path) is None
    assert (bin_dir / "calls").read_text() == "npm run build\n"
    assert "npm run exited 1" in caplog.text
    assert "vite: boom" in caplog.text


def test_a_build_installs_first_when_node_modules_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = tmp_path / "storefront"
    app.mkdir()
    (app / "package.json").write_text("{}")
    (app / "package-lock.json").write_text("{}")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    npm = bin_dir / "npm"
    # `npm run build` writes dist/index.html as vite would.
    npm.write_text(
        '#!/bin/sh\necho "npm $1" >> "${0%/*}/calls"\n'
        'if [ "$1" = run ]; then mkdir -p dist && echo "<html>" > dist/index.html; fi\n'
    )
    npm.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")  # the stand-in npm comes first
    assert ensure_storefront_built(tmp_path) == app / "dist"
    assert (bin_dir / "calls").read_text() == "npm ci\nnpm run\n"

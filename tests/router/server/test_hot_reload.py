"""Supergraph hot reload: a new valid supergraph replaces the Gateway atomically (requests in flight
finish on the old one); a bad one is rejected with a log line and the old one keeps serving."""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path
from typing import Any

import httpx

from router.server import ReloadOutcome

from ..e2e.testkit import SubgraphTransport, supergraph_sdl

FULL = supergraph_sdl("shop")
USERNAME = "  username: String! @join__field(graph: USERS)\n"
assert USERNAME in FULL
WITHOUT_USERNAME = FULL.replace(USERNAME, "")
ME_USERNAME = {"query": "{ me { name username } }"}
JSON = {"accept": "application/json"}


def _write(path: Path, text: str) -> None:
    """Write and move the mtime on, so a reload never depends on the clock's resolution."""
    path.write_text(text)
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def _code(response: httpx.Response) -> str | None:
    errors = response.json().get("errors")
    return errors[0]["extensions"]["code"] if errors else None


async def test_a_changed_valid_supergraph_file_is_swapped_in(app, tmp_path: Path) -> None:
    path = tmp_path / "supergraph.graphql"
    _write(path, WITHOUT_USERNAME)
    async with app(supergraph_path=path) as running:
        before = await running.client.post("/graphql", json=ME_USERNAME, headers=JSON)
        assert await running.app.state.reloader.check() is ReloadOutcome.UNCHANGED
        _write(path, FULL)
        assert await running.app.state.reloader.check() is ReloadOutcome.RELOADED
        after = await running.client.post("/graphql", json=ME_USERNAME, headers=JSON)
    assert _code(before) == "GRAPHQL_VALIDATION_FAILED"
    assert _code(after) is None
    assert set(after.json()["data"]["me"]) == {"name", "username"}


async def test_the_poller_reloads_on_its_interval(app, tmp_path: Path) -> None:
    path = tmp_path / "supergraph.graphql"
    _write(path, WITHOUT_USERNAME)
    async with app(supergraph_path=path, supergraph_poll_seconds=0.02) as running:
        first = running.app.state.runtime.gateway
        _write(path, FULL)
        for _ in range(200):
            if running.app.state.runtime.gateway is not first:
                break
            await asyncio.sleep(0.01)
        response = await running.client.post("/graphql", json=ME_USERNAME, headers=JSON)
    assert running.app.state.runtime.gateway is not first
    assert _code(response) is None


async def test_touching_the_file_without_changing_it_does_not_rebuild(app, tmp_path: Path) -> None:
    path = tmp_path / "supergraph.graphql"
    _write(path, FULL)
    async with app(supergraph_path=path) as running:
        gateway = running.app.state.runtime.gateway
        _write(path, FULL)
        assert await running.app.state.reloader.check() is ReloadOutcome.UNCHANGED
        assert running.app.state.runtime.gateway is gateway


async def test_a_bad_supergraph_is_rejected_with_a_log_line_and_the_old_one_keeps_serving(
    app, tmp_path: Path, caplog: Any
) -> None:
    path = tmp_path / "supergraph.graphql"
    _write(path, FULL)
    async with app(supergraph_path=path) as running:
        gateway = running.app.state.runtime.gateway
        _write(path, "type Query { this is not a supergraph")
        with caplog.at_level(logging.ERROR, logger="router"):
            assert await running.app.state.reloader.check() is ReloadOutcome.REJECTED
            # The same bad content is not retried (nor logged) again on every poll.
            assert await running.app.state.reloader.check() is ReloadOutcome.UNCHANGED
        response = await running.client.post("/graphql", json=ME_USERNAME, headers=JSON)
        assert running.app.state.runtime.gateway is gateway
        _write(path, WITHOUT_USERNAME)
        assert await running.app.state.reloader.check() is ReloadOutcome.RELOADED
    rejected = [r for r in caplog.records if r.getMessage().startswith("supergraph reload rejected")]
    assert len(rejected) == 1
    assert "still serving the current supergraph" in rejected[0].getMessage()
    assert rejected[0].source == str(path)
    assert _code(response) is None


async def test_requests_in_flight_finish_on_the_gateway_they_started_with(app, tmp_path: Path) -> None:
    path = tmp_path / "supergraph.graphql"
    _write(path, FULL)
    entered, release = asyncio.Event(), asyncio.Event()

    class Gated(httpx.AsyncBaseTransport):
        def __init__(self, inner: SubgraphTransport) -> None:
            self.inner = inner

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            if request.url.host == "users" and not release.is_set():
                entered.set()
                await release.wait()
            return await self.inner.handle_async_request(request)

    async with app(supergraph_path=path, transport=Gated) as running:
        in_flight = asyncio.create_task(running.client.post("/graphql", json=ME_USERNAME, headers=JSON))
        await entered.wait()
        _write(path, WITHOUT_USERNAME)
        assert await running.app.state.reloader.check() is ReloadOutcome.RELOADED
        release.set()
        new = await running.client.post("/graphql", json=ME_USERNAME, headers=JSON)
        old = await in_flight
    assert _code(old) is None
    assert set(old.json()["data"]["me"]) == {"name", "username"}
    assert _code(new) == "GRAPHQL_VALIDATION_FAILED"


async def test_the_supergraph_can_come_from_a_url_and_is_polled_with_an_etag(app) -> None:
    served = {"sdl": WITHOUT_USERNAME, "etag": '"v1"'}
    conditional: list[str | None] = []

    class Registry(httpx.AsyncBaseTransport):
        def __init__(self, inner: SubgraphTransport) -> None:
            self.inner = inner

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            if request.url.host != "registry":
                return await self.inner.handle_async_request(request)
            conditional.append(request.headers.get("if-none-match"))
            if request.headers.get("if-none-match") == served["etag"]:
                return httpx.Response(304)
            return httpx.Response(200, text=served["sdl"], headers={"etag": served["etag"]})

    async with app(supergraph_url="http://registry/supergraph", transport=Registry) as running:
        before = await running.client.post("/graphql", json=ME_USERNAME, headers=JSON)
        assert await running.app.state.reloader.check() is ReloadOutcome.UNCHANGED
        served.update(sdl=FULL, etag='"v2"')
        assert await running.app.state.reloader.check() is ReloadOutcome.RELOADED
        after = await running.client.post("/graphql", json=ME_USERNAME, headers=JSON)
    assert conditional == [None, '"v1"', '"v1"']
    assert _code(before) == "GRAPHQL_VALIDATION_FAILED"
    assert _code(after) is None

"""Fetches sent straight to the pooled transport (``transport=``) behave as fetches through the
``httpx.AsyncClient`` do, minus the client's per-request machinery (bench/README.md)."""

from __future__ import annotations

import asyncio
import gzip

import httpx
import orjson
import pytest

from router.executor import SubgraphClient, SubgraphHttpError, SubgraphTimeout

URLS = {"products": "http://products:4002/graphql"}


def _answer(request: httpx.Request) -> httpx.Response:
    body = orjson.dumps({"data": {"seen": dict(request.headers), "url": str(request.url)}})
    return httpx.Response(200, content=body, headers={"set-cookie": "session=abc; Path=/"})


async def test_a_direct_fetch_sends_the_clients_default_headers_and_the_fetch_headers() -> None:
    transport = httpx.MockTransport(_answer)
    async with httpx.AsyncClient(transport=transport, headers={"user-agent": "router-test"}) as http:
        client = SubgraphClient(http, URLS, transport=transport)
        response = await client.fetch("products", query="{ a }", headers={"x-request-id": "r-1"})
    assert response.data is not None
    seen = response.data["seen"]
    assert response.data["url"] == URLS["products"]
    assert seen["user-agent"] == "router-test"
    assert seen["x-request-id"] == "r-1"
    assert seen["content-type"] == "application/json"
    assert seen["host"] == "products:4002"


async def test_a_subgraphs_cookie_never_reaches_the_next_fetch() -> None:
    transport = httpx.MockTransport(_answer)
    async with httpx.AsyncClient(transport=transport) as http:
        client = SubgraphClient(http, URLS, transport=transport)
        await client.fetch("products", query="{ a }")
        second = await client.fetch("products", query="{ a }")
    assert second.data is not None
    assert "cookie" not in second.data["seen"]


async def test_a_compressed_answer_is_decoded_and_an_error_status_is_a_subgraph_error() -> None:
    def compressed(request: httpx.Request) -> httpx.Response:
        body = gzip.compress(orjson.dumps({"data": {"ok": True}}))
        return httpx.Response(200, content=body, headers={"content-encoding": "gzip"})

    transport = httpx.MockTransport(compressed)
    async with httpx.AsyncClient(transport=transport) as http:
        response = await SubgraphClient(http, URLS, transport=transport).fetch("products", query="{ ok }")
    assert response.data == {"ok": True}

    failing = httpx.MockTransport(lambda request: httpx.Response(503))
    async with httpx.AsyncClient(transport=failing) as http:
        with pytest.raises(SubgraphHttpError, match="503"):
            await SubgraphClient(http, URLS, transport=failing).fetch("products", query="{ ok }")


async def test_a_direct_fetch_is_bounded_by_the_subgraph_timeout() -> None:
    async def slow(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(1)
        return httpx.Response(200, content=b"{}")

    transport = httpx.MockTransport(slow)
    async with httpx.AsyncClient(transport=transport) as http:
        client = SubgraphClient(http, URLS, transport=transport, timeout=0.05)
        with pytest.raises(SubgraphTimeout):
            await client.fetch("products", query="{ ok }")

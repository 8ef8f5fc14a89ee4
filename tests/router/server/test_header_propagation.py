"""Header propagation rules: an allow-list from settings, hop-by-hop headers never, the router's
request id always."""

from __future__ import annotations

from typing import Any

import httpx

from router.server import RouterSettings

from ...security.tokens_for_tests import BEARER

TOP = {"query": "{ topProducts(first: 1) { name } }"}


async def _subgraph_headers(router: Any, headers: dict[str, str], **settings: Any) -> dict[str, str]:
    seen: list[dict[str, str]] = []
    async with router(**settings) as (client, subgraphs):
        original = subgraphs.handle_async_request

        async def spy(request: httpx.Request) -> httpx.Response:
            seen.append(dict(request.headers))
            return await original(request)

        subgraphs.handle_async_request = spy
        await client.post("/graphql", json=TOP, headers=headers)
    assert len(seen) == 1
    return seen[0]


async def test_only_configured_headers_are_propagated(router) -> None:
    sent = await _subgraph_headers(
        router,
        {"authorization": BEARER, "x-tenant": "acme", "cookie": "s=1", "x-other": "no"},
        propagate_headers=("authorization", "X-Tenant"),
    )
    assert sent["authorization"] == BEARER
    assert sent["x-tenant"] == "acme"
    assert "cookie" not in sent and "x-other" not in sent


async def test_hop_by_hop_and_framing_headers_are_never_propagated_even_when_configured(router) -> None:
    sent = await _subgraph_headers(
        router,
        {
            "te": "trailers",
            "upgrade": "h2c",
            "proxy-authorization": "Basic x",
            "content-type": "application/json",
        },
        propagate_headers=("te", "upgrade", "proxy-authorization", "content-length", "host"),
    )
    assert "te" not in sent and "upgrade" not in sent and "proxy-authorization" not in sent
    assert sent["host"] == "products"
    assert sent["content-type"] == "application/json"


async def test_headers_named_in_the_connection_header_are_hop_by_hop(router) -> None:
    sent = await _subgraph_headers(
        router,
        {"connection": "x-tenant", "x-tenant": "acme", "authorization": BEARER},
        propagate_headers=("authorization", "x-tenant"),
    )
    assert "x-tenant" not in sent
    assert sent["authorization"] == BEARER


async def test_the_router_request_id_is_sent_even_when_not_configured(router) -> None:
    sent = await _subgraph_headers(router, {"x-request-id": "r-1"}, propagate_headers=())
    assert sent["x-request-id"] == "r-1"


def test_propagated_headers_are_read_from_the_environment_as_json(monkeypatch) -> None:
    monkeypatch.setenv("ROUTER_PROPAGATE_HEADERS", '["authorization","x-request-id"]')
    monkeypatch.setenv("ROUTER_SUBGRAPH_TIMEOUTS", '{"reviews": 2.5}')
    settings = RouterSettings()
    assert settings.propagate_headers == ("authorization", "x-request-id")
    assert settings.subgraph_timeouts == {"reviews": 2.5}

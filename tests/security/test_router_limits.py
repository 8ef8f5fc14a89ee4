"""Abusive requests at the router's HTTP edge (already wired: body size, document limits, the
introspection switch, production error messages): each is a clear error and nothing leaks."""

from __future__ import annotations

from typing import Any

import orjson

from ..router.server.conftest import running_app
from .tokens_for_tests import TEST_SECRETS

JSON = {"content-type": "application/json"}


def code(body: dict[str, Any]) -> str:
    return str(body["errors"][0]["extensions"]["code"])


async def test_oversized_body_is_413_before_it_is_read_whole() -> None:
    async with running_app(max_body_bytes=1000) as router:
        response = await router.client.post(
            "/graphql", content=b'{"query": "' + b" " * 5000 + b'{ topProducts { name } }"}', headers=JSON
        )
    assert response.status_code == 413
    assert "larger than 1000 bytes" in response.text
    assert router.subgraphs.counts() == {}


async def test_deep_query_is_refused_before_any_subgraph_is_called() -> None:
    deep = (
        "{ topProducts { " + "reviews { author { reviews { product { " * 6 + "name" + " } } } }" * 6 + " } }"
    )
    async with running_app(max_depth=10) as router:
        response = await router.client.post("/graphql", json={"query": deep})
    assert code(response.json()) == "MAX_DEPTH_EXCEEDED"
    assert router.subgraphs.counts() == {}


async def test_alias_bomb_is_refused() -> None:
    bomb = "{ " + " ".join(f"a{i}: topProducts {{ name }}" for i in range(200)) + " }"
    async with running_app() as router:
        response = await router.client.post("/graphql", json={"query": bomb})
    assert code(response.json()) == "MAX_ALIASES_EXCEEDED"
    assert router.subgraphs.counts() == {}


async def test_fragment_fan_out_counts_as_the_work_it_expands_to() -> None:
    query = (
        "query { ...F ...F } fragment F on Query { "
        + " ".join(f"x{i}: topProducts {{ name }}" for i in range(20))
        + " }"
    )
    async with running_app() as router:
        response = await router.client.post("/graphql", json={"query": query})
    assert code(response.json()) in {"MAX_ALIASES_EXCEEDED", "GRAPHQL_VALIDATION_FAILED"}
    assert router.subgraphs.counts() == {}


async def test_introspection_is_off_in_production_mode() -> None:
    async with running_app(mode="production", graphiql=False, **TEST_SECRETS) as router:
        response = await router.client.post("/graphql", json={"query": "{ __schema { types { name } } }"})
        typename = await router.client.post("/graphql", json={"query": "{ __typename }"})
    assert code(response.json()) == "INTROSPECTION_DISABLED"
    assert "types" not in response.text
    assert typename.json() == {"data": {"__typename": "Query"}}


async def test_production_errors_carry_no_internals() -> None:
    async with running_app(mode="production", graphiql=False, **TEST_SECRETS) as router:
        router.subgraphs.failing["products"] = 500
        failed = await router.client.post("/graphql", json={"query": "{ topProducts { name } }"})
        bad_json = await router.client.post("/graphql", content=b"{not json", headers=JSON)
    for response in (failed, bad_json):
        text = response.text
        assert "Traceback" not in text and 'File "' not in text and "/work/" not in text
        assert "upstream broke" not in text  # the subgraph's own body never reaches the client
    assert orjson.loads(failed.content)["data"] is None or "errors" in failed.json()


async def test_graphiql_is_not_served_in_production_when_turned_off() -> None:
    async with running_app(mode="production", graphiql=False, **TEST_SECRETS) as router:
        response = await router.client.get("/", headers={"accept": "text/html"})
    assert response.status_code == 404

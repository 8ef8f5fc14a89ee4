"""Operation limits and the introspection switch: each rejects with one exact error before any
subgraph is called, and is decided once per document."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import get_introspection_query

GQL_RESPONSE = {"accept": "application/graphql-response+json"}


async def _post(router: Any, query: str, **settings: Any) -> tuple[int, dict[str, Any], dict[str, int]]:
    async with router(**settings) as (client, subgraphs):
        response = await client.post("/graphql", json={"query": query}, headers=GQL_RESPONSE)
    return response.status_code, response.json(), subgraphs.counts()


async def test_a_query_deeper_than_max_depth_is_rejected_with_max_depth_exceeded(router) -> None:
    query = "query Deep { me { reviews { product { reviews { body } } } } }"
    status, body, calls = await _post(router, query, max_depth=4)
    assert status == 400
    assert body == {
        "errors": [
            {
                "message": "Operation 'Deep' is 5 levels deep; the limit is 4.",
                "extensions": {"code": "MAX_DEPTH_EXCEEDED"},
            }
        ]
    }
    assert calls == {}


async def test_depth_counts_through_fragments(router) -> None:
    query = "{ me { ...R } } fragment R on User { reviews { product { name } } }"
    status, body, _ = await _post(router, query, max_depth=3)
    assert body["errors"] == [
        {
            "message": "The operation is 4 levels deep; the limit is 3.",
            "extensions": {"code": "MAX_DEPTH_EXCEEDED"},
        }
    ]
    status, body, _ = await _post(router, query, max_depth=4)
    assert status == 200 and "errors" not in body


async def test_too_many_aliases_are_rejected_with_max_aliases_exceeded(router) -> None:
    query = "{ a: me { name } b: me { n: name } ...F } fragment F on Query { c: me { name } }"
    status, body, calls = await _post(router, query, max_aliases=3)
    assert status == 400
    assert body == {
        "errors": [
            {
                "message": "The operation has 4 aliases; the limit is 3.",
                "extensions": {"code": "MAX_ALIASES_EXCEEDED"},
            }
        ]
    }
    assert calls == {}


async def test_too_many_root_fields_are_rejected_with_max_root_fields_exceeded(router) -> None:
    query = 'query Wide { me { name } topProducts { name } ... on Query { product(upc: "1") { name } } }'
    status, body, calls = await _post(router, query, max_root_fields=2)
    assert status == 400
    assert body == {
        "errors": [
            {
                "message": "Operation 'Wide' selects 3 root fields; the limit is 2.",
                "extensions": {"code": "MAX_ROOT_FIELDS_EXCEEDED"},
            }
        ]
    }
    assert calls == {}


async def test_a_document_over_max_document_bytes_is_rejected_before_parsing(router) -> None:
    query = "{ me { name } }" + " " * 100
    status, body, calls = await _post(router, query, max_document_bytes=50)
    assert status == 400
    assert body == {
        "errors": [
            {
                "message": "The GraphQL document is 115 bytes; the limit is 50 bytes.",
                "extensions": {"code": "MAX_DOCUMENT_SIZE_EXCEEDED"},
            }
        ]
    }
    assert calls == {}


async def test_document_size_counts_utf8_bytes_not_characters(router) -> None:
    query = '{ product(upc: "' + "é" * 20 + '") { name } }'  # 20 characters, 40 bytes
    _, body, _ = await _post(router, query, max_document_bytes=len(query) + 10)
    assert body["errors"][0]["extensions"]["code"] == "MAX_DOCUMENT_SIZE_EXCEEDED"


async def test_limits_hold_under_legacy_json_with_status_200(router) -> None:
    async with router(max_depth=1) as (client, _):
        response = await client.post(
            "/graphql", json={"query": "{ me { name } }"}, headers={"accept": "application/json"}
        )
    assert response.status_code == 200
    assert response.json()["errors"][0]["extensions"]["code"] == "MAX_DEPTH_EXCEEDED"


async def test_introspection_is_disabled_by_default_in_production_mode(router) -> None:
    status, body, _ = await _post(router, "{ __schema { queryType { name } } }", mode="production")
    assert status == 400
    assert body == {
        "errors": [
            {
                "message": "GraphQL introspection is disabled on this router.",
                "locations": [{"line": 1, "column": 3}],
                "extensions": {"code": "INTROSPECTION_DISABLED"},
            }
        ]
    }


async def test_introspection_inside_a_fragment_is_disabled_too(router) -> None:
    query = '{ ...T } fragment T on Query { __type(name: "User") { name } }'
    _, body, _ = await _post(router, query, mode="production")
    assert body["errors"][0]["extensions"]["code"] == "INTROSPECTION_DISABLED"


async def test_typename_is_not_introspection(router) -> None:
    status, body, _ = await _post(router, "{ __typename }", mode="production")
    assert status == 200
    assert body == {"data": {"__typename": "Query"}}


async def test_introspection_is_on_in_development_and_can_be_switched_either_way(router) -> None:
    query = "{ __schema { queryType { name } } }"
    _, dev, _ = await _post(router, query)
    assert dev == {"data": {"__schema": {"queryType": {"name": "Query"}}}}
    _, prod_on, _ = await _post(router, query, mode="production", introspection=True)
    assert prod_on == dev
    _, dev_off, _ = await _post(router, query, introspection=False)
    assert dev_off["errors"][0]["extensions"]["code"] == "INTROSPECTION_DISABLED"


async def test_the_full_introspection_query_passes_the_default_limits(router) -> None:
    status, body, _ = await _post(router, get_introspection_query())
    assert status == 200
    assert "errors" not in body


@pytest.mark.parametrize("limit", ["max_depth", "max_aliases", "max_root_fields", "max_document_bytes"])
async def test_a_limit_set_to_none_is_off(router, limit: str) -> None:
    query = "{ " + " ".join(f"a{i}: me {{ name }}" for i in range(40)) + " }"
    status, body, _ = await _post(
        router, query, **{limit: None, "max_aliases": None, "max_root_fields": None}
    )
    assert status == 200 and "errors" not in body


async def test_a_limit_verdict_is_computed_once_per_document(app) -> None:
    async with app(max_depth=1) as running:
        client = running.client
        gateway = running.app.state.runtime.gateway
        calls = 0
        rules = gateway._document_rules

        def counting(document: Any) -> list[dict[str, Any]]:
            nonlocal calls
            calls += 1
            return [error for rule in rules for error in rule(document)]

        gateway._document_rules = (counting,)
        for _ in range(3):
            response = await client.post("/graphql", json={"query": "{ me { name } }"})
            assert response.json()["errors"][0]["extensions"]["code"] == "MAX_DEPTH_EXCEEDED"
    assert calls == 1

"""@defer over HTTP: ``multipart/mixed; boundary="-"; deferSpec=20220824`` as Apollo Router streams it,
406 ``DEFER_NOT_ACCEPTED`` for clients that do not accept multipart, no response caching."""

from __future__ import annotations

import json
from typing import Any

from .conftest import running_app

MULTIPART = "multipart/mixed;deferSpec=20220824, application/json"
QUERY = "{ me { name ... @defer { reviews { body } } } }"
PART_HEAD = "\r\n---\r\ncontent-type: application/json; charset=utf-8\r\n\r\n"


def parts(body: str) -> list[dict[str, Any]]:
    assert body.endswith("\r\n-----\r\n")
    chunks = body[: -len("\r\n-----\r\n")].split(PART_HEAD)
    assert chunks[0] == ""
    return [json.loads(chunk) for chunk in chunks[1:]]


EXPECTED = [
    {"data": {"me": {"name": "Ada Lovelace"}}, "hasNext": True},
    {
        "incremental": [
            {"data": {"reviews": [{"body": "Love it!"}, {"body": "Prefer something else."}]}, "path": ["me"]}
        ],
        "hasNext": False,
    },
]


async def test_post_with_multipart_accept_streams_the_payloads():
    async with running_app() as running:
        response = await running.client.post("/graphql", json={"query": QUERY}, headers={"accept": MULTIPART})
    assert response.status_code == 200
    assert response.headers["content-type"] == 'multipart/mixed; boundary="-"; deferSpec=20220824'
    assert parts(response.text) == EXPECTED


async def test_get_with_plain_multipart_accept_streams_the_payloads():
    async with running_app() as running:
        response = await running.client.get(
            "/graphql",
            params={"query": QUERY},
            headers={"accept": "multipart/mixed", "graphql-require-preflight": "1"},
        )
    assert response.status_code == 200
    assert parts(response.text) == EXPECTED


async def test_a_client_without_multipart_gets_406_defer_not_accepted():
    async with running_app() as running:
        response = await running.client.post(
            "/graphql", json={"query": QUERY}, headers={"accept": "application/graphql-response+json"}
        )
    assert response.status_code == 406
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "DEFER_NOT_ACCEPTED"


async def test_an_operation_without_defer_is_plain_json_even_when_multipart_is_accepted():
    async with running_app() as running:
        response = await running.client.post(
            "/graphql", json={"query": "{ me { name } }"}, headers={"accept": MULTIPART}
        )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {"data": {"me": {"name": "Ada Lovelace"}}}


async def test_deferred_operations_bypass_the_response_cache():
    async with running_app(response_cache=True) as running:
        for _ in range(2):
            response = await running.client.post(
                "/graphql", json={"query": QUERY}, headers={"accept": MULTIPART}
            )
            assert parts(response.text) == EXPECTED
        assert running.subgraphs.counts() == {"reviews": 2, "users": 2}


async def test_graphiql_plan_header_puts_the_plan_in_the_initial_payload():
    async with running_app(mode="development") as running:
        response = await running.client.post(
            "/graphql",
            json={"query": QUERY},
            headers={"accept": MULTIPART, "x-include-query-plan": "true"},
        )
    first = parts(response.text)[0]
    assert "Defer {" in first["extensions"]["queryPlan"]

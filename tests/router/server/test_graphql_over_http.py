"""GraphQL over HTTP (the GraphQL-over-HTTP spec draft): media types, status codes, GET, CSRF."""

from __future__ import annotations

import json

import pytest

from ...security.tokens_for_tests import BEARER

JSON = {"content-type": "application/json"}
GQL_RESPONSE = "application/graphql-response+json"
TOP = "{ topProducts(first: 2) { name } }"
TOP_DATA = {"data": {"topProducts": [{"name": "Table"}, {"name": "Couch"}]}}


async def test_post_json_runs_the_query_and_answers_graphql_response_json(router) -> None:
    async with router() as (client, subgraphs):
        response = await client.post("/graphql", json={"query": TOP}, headers={"accept": GQL_RESPONSE})
    assert response.status_code == 200
    assert response.headers["content-type"] == GQL_RESPONSE
    assert response.json() == TOP_DATA
    assert subgraphs.counts() == {"products": 1}


async def test_legacy_accept_json_gets_application_json(router) -> None:
    async with router() as (client, _):
        response = await client.post("/graphql", json={"query": TOP}, headers={"accept": "application/json"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == TOP_DATA


async def test_validation_error_is_400_with_graphql_response_json_and_calls_no_subgraph(router) -> None:
    async with router() as (client, subgraphs):
        response = await client.post(
            "/graphql", json={"query": "{ topProducts { nope } }"}, headers={"accept": GQL_RESPONSE}
        )
    assert response.status_code == 400
    body = response.json()
    assert "data" not in body
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "nope" in body["errors"][0]["message"]
    assert subgraphs.counts() == {}


async def test_validation_error_is_200_with_legacy_application_json(router) -> None:
    async with router() as (client, _):
        response = await client.post(
            "/graphql", json={"query": "{ topProducts { nope } }"}, headers={"accept": "application/json"}
        )
    assert response.status_code == 200
    assert response.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_syntax_error_reports_parse_failure(router) -> None:
    async with router() as (client, _):
        response = await client.post(
            "/graphql", json={"query": "{ topProducts {"}, headers={"accept": GQL_RESPONSE}
        )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"


async def test_get_runs_a_query_from_url_parameters(router) -> None:
    async with router() as (client, _):
        response = await client.get(
            "/graphql",
            params={
                "query": "query Top($n: Int!) { topProducts(first: $n) { name } }",
                "variables": json.dumps({"n": 2}),
            },
            headers={"graphql-require-preflight": "1"},
        )
    assert response.status_code == 200
    assert response.json() == TOP_DATA


async def test_get_refuses_a_mutation_with_405_and_allow_post(router) -> None:
    async with router("mutations") as (client, subgraphs):
        response = await client.get(
            "/graphql",
            params={"query": 'mutation { log(message: "x") { message } }'},
            headers={"graphql-require-preflight": "1"},
        )
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert "POST" in response.json()["errors"][0]["message"]
    assert subgraphs.counts() == {}


@pytest.mark.parametrize(
    ("content_type", "body"),
    [("text/plain", json.dumps({"query": TOP})), ("application/x-www-form-urlencoded", "query=x")],
)
async def test_simple_requests_are_blocked_as_csrf(router, content_type: str, body: str) -> None:
    async with router() as (client, subgraphs):
        response = await client.post("/graphql", content=body, headers={"content-type": content_type})
    assert response.status_code == 400
    assert "Cross-Site Request Forgery" in response.json()["errors"][0]["message"]
    assert subgraphs.counts() == {}


async def test_get_without_a_preflight_header_is_blocked_as_csrf(router) -> None:
    async with router() as (client, _):
        response = await client.get("/graphql", params={"query": TOP})
    assert response.status_code == 400
    assert "CSRF" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{not json", "not valid JSON"),
        (b'{"query": 5}', "'query' must be a non-empty string"),
        (b'{"query": "{ me { name } }", "variables": [1]}', "'variables' must be a JSON object"),
        (b'[{"query": "{ me { name } }"}]', "batched requests are not enabled"),
        (b'"just a string"', "must be a JSON object"),
    ],
)
async def test_malformed_requests_get_400_with_a_readable_message(router, body: bytes, message: str) -> None:
    async with router() as (client, _):
        response = await client.post("/graphql", content=body, headers=JSON)
    assert response.status_code == 400
    assert message in response.json()["errors"][0]["message"]


async def test_unsupported_accept_gets_406(router) -> None:
    async with router() as (client, _):
        response = await client.post("/graphql", json={"query": TOP}, headers={"accept": "text/csv"})
    assert response.status_code == 406


async def test_oversized_body_gets_413(router) -> None:
    async with router(max_body_bytes=100) as (client, _):
        response = await client.post("/graphql", json={"query": "{ " + "me { name } " * 20 + "}"})
    assert response.status_code == 413
    assert "larger than 100 bytes" in response.json()["errors"][0]["message"]


async def test_authorization_and_request_id_are_forwarded_to_subgraphs_but_other_headers_are_not(
    router,
) -> None:
    seen: list[dict[str, str]] = []
    async with router() as (client, subgraphs):
        original = subgraphs.handle_async_request

        async def spy(request):  # type: ignore[no-untyped-def]
            seen.append(dict(request.headers))
            return await original(request)

        subgraphs.handle_async_request = spy  # type: ignore[method-assign]
        await client.post(
            "/graphql",
            json={"query": TOP},
            headers={
                "authorization": BEARER,
                "x-request-id": "req-1",
                "cookie": "secret=1",
                "connection": "keep-alive",
            },
        )
    assert seen and seen[0]["authorization"] == BEARER
    assert seen[0]["x-request-id"] == "req-1"
    assert "cookie" not in seen[0]


async def test_query_plan_is_returned_only_when_asked_in_development(router) -> None:
    async with router() as (client, _):
        plain = await client.post("/graphql", json={"query": TOP})
        with_plan = await client.post(
            "/graphql", json={"query": TOP}, headers={"x-include-query-plan": "true"}
        )
    assert "extensions" not in plain.json()
    plan = with_plan.json()["extensions"]["queryPlan"]
    assert 'Fetch(service: "products")' in plan
    async with router(mode="production") as (client, _):
        production = await client.post(
            "/graphql", json={"query": TOP}, headers={"x-include-query-plan": "true"}
        )
    assert "extensions" not in production.json()


async def test_cors_preflight_allows_configured_origin_only(router) -> None:
    async with router(cors_origins=("https://shop.example",)) as (client, _):
        allowed = await client.options(
            "/graphql",
            headers={
                "origin": "https://shop.example",
                "access-control-request-method": "POST",
                "access-control-request-headers": "content-type",
            },
        )
        refused = await client.options(
            "/graphql",
            headers={"origin": "https://evil.example", "access-control-request-method": "POST"},
        )
        simple = await client.post(
            "/graphql", json={"query": TOP}, headers={"origin": "https://shop.example"}
        )
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://shop.example"
    assert refused.status_code == 400
    assert simple.headers["access-control-allow-origin"] == "https://shop.example"


async def test_health_live_answers_without_asking_subgraphs(router) -> None:
    async with router() as (client, subgraphs):
        live = await client.get("/health/live")
    assert live.json() == {"status": "ok"}
    assert subgraphs.counts() == {}


async def test_graphiql_is_served_in_development_and_off_by_default_in_production(router) -> None:
    async with router() as (client, _):
        dev_root = await client.get("/", headers={"accept": "text/html"})
        dev_graphql = await client.get("/graphql", headers={"accept": "text/html"})
    async with router(mode="production") as (client, _):
        prod_root = await client.get("/", headers={"accept": "text/html"})
    async with router(mode="production", graphiql=True) as (client, _):
        forced = await client.get("/", headers={"accept": "text/html"})
    assert dev_root.status_code == 200 and "GraphiQL" in dev_root.text
    assert dev_graphql.status_code == 200 and "GraphiQL" in dev_graphql.text
    assert prod_root.status_code == 404
    assert forced.status_code == 200

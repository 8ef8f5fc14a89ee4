"""Subgraph errors in the client's response, and failed subgraphs nulling only their part."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from router.planner import FieldSelection, FragmentSelection, Parallel, Sequence

from .testkit import Subgraphs, data, fetch, flatten, run

ENTITIES = "query($representations: [_Any!]!) { _entities(representations: $representations) { ... } }"
USER_KEY = (
    FragmentSelection(
        type_condition="User", selections=(FieldSelection(name="__typename"), FieldSelection(name="id"))
    ),
)

REVIEWS = {
    "topProducts": [
        {
            "upc": "1",
            "reviews": [
                {"body": "a", "author": {"__typename": "User", "id": "u1"}},
                {"body": "b", "author": {"__typename": "User", "id": "u2"}},
                {"body": "c", "author": {"__typename": "User", "id": "u1"}},
            ],
        }
    ]
}
AUTHORS_PLAN = Sequence(
    nodes=(
        fetch("products", "{ topProducts { upc reviews { body author { __typename id } } } }"),
        flatten("topProducts.@.reviews.@.author", fetch("accounts", ENTITIES, requires=USER_KEY)),
    )
)
AUTHORS_QUERY = "{ topProducts { upc reviews { body author { username } } } }"


def with_authors(*usernames: str | None) -> dict[str, Any]:
    names = iter(usernames)
    result: dict[str, Any] = {"topProducts": [{"upc": "1", "reviews": []}]}
    for review in REVIEWS["topProducts"][0]["reviews"]:
        result["topProducts"][0]["reviews"].append(
            {"body": review["body"], "author": {"username": next(names)}}
        )
    return result


async def test_entity_errors_are_repathed_to_every_position_of_their_representation() -> None:
    subgraphs = Subgraphs(
        products=data(REVIEWS),
        accounts=lambda body: {
            "data": {"_entities": [{"username": None}, {"username": "bob"}]},
            "errors": [
                {
                    "message": "username is private",
                    "locations": [{"line": 1, "column": 80}],
                    "path": ["_entities", 0, "username"],
                    "extensions": {"code": "FORBIDDEN", "reason": "privacy"},
                }
            ],
        },
    )

    response = await run(AUTHORS_QUERY, AUTHORS_PLAN, subgraphs)

    error = {
        "message": "username is private",
        "extensions": {"code": "FORBIDDEN", "reason": "privacy", "serviceName": "accounts"},
    }
    assert response == {
        "data": with_authors(None, "bob", None),
        "errors": [
            {**error, "path": ["topProducts", 0, "reviews", 0, "author", "username"]},
            {**error, "path": ["topProducts", 0, "reviews", 2, "author", "username"]},
        ],
    }


async def test_root_fetch_errors_keep_their_path_and_get_the_default_code() -> None:
    subgraphs = Subgraphs(
        accounts=lambda body: {
            "data": {"me": {"name": "Ada", "age": None}},
            "errors": [{"message": "age unavailable", "path": ["me", "age"]}],
        }
    )

    response = await run("{ me { name age } }", fetch("accounts", "{ me { name age } }"), subgraphs)

    assert response == {
        "data": {"me": {"name": "Ada", "age": None}},
        "errors": [
            {
                "message": "age unavailable",
                "path": ["me", "age"],
                "extensions": {"code": "DOWNSTREAM_SERVICE_ERROR", "serviceName": "accounts"},
            }
        ],
    }


async def test_an_entity_error_without_an_entities_path_is_kept_without_a_path() -> None:
    subgraphs = Subgraphs(
        products=data(REVIEWS),
        accounts=lambda body: {"data": None, "errors": [{"message": "resolver crashed"}]},
    )

    response = await run(AUTHORS_QUERY, AUTHORS_PLAN, subgraphs)

    assert response == {
        "data": with_authors(None, None, None),
        "errors": [
            {
                "message": "resolver crashed",
                "extensions": {"code": "DOWNSTREAM_SERVICE_ERROR", "serviceName": "accounts"},
            }
        ],
    }


async def test_a_subgraph_that_refuses_the_connection_nulls_only_its_entity_fields() -> None:
    def refuse(body: dict[str, Any]) -> Any:
        raise httpx.ConnectError("[Errno 111] Connection refused")

    subgraphs = Subgraphs(products=data(REVIEWS), accounts=refuse)

    response = await run(AUTHORS_QUERY, AUTHORS_PLAN, subgraphs)

    assert response == {
        "data": with_authors(None, None, None),
        "errors": [
            {
                "message": "HTTP fetch failed from subgraph 'accounts': [Errno 111] Connection refused",
                "path": ["topProducts"],
                "extensions": {"code": "SUBGRAPH_REQUEST_FAILED", "serviceName": "accounts"},
            }
        ],
    }


async def test_a_failed_root_fetch_nulls_its_root_fields_and_keeps_the_others() -> None:
    subgraphs = Subgraphs(
        accounts=lambda body: httpx.Response(500, text="boom"),
        products=data({"product": {"name": "Table"}}),
    )
    plan = Parallel(
        nodes=(
            fetch("accounts", "{ me { name } users { name } }"),
            fetch("products", '{ product(upc: "1") { name } }'),
        )
    )

    response = await run('{ me { name } users { name } product(upc: "1") { name } }', plan, subgraphs)

    assert response == {
        "data": {"me": None, "users": None, "product": {"name": "Table"}},
        "errors": [
            {
                "message": "HTTP fetch failed from subgraph 'accounts': 500 Internal Server Error",
                "extensions": {"code": "SUBGRAPH_REQUEST_FAILED", "serviceName": "accounts"},
            }
        ],
    }


async def test_a_failed_fetch_of_a_non_null_root_field_nulls_data_with_one_error() -> None:
    def refuse(body: dict[str, Any]) -> Any:
        raise httpx.ConnectError("Connection refused")

    subgraphs = Subgraphs(products=refuse)

    response = await run("{ topProducts { upc } }", fetch("products", "{ topProducts { upc } }"), subgraphs)

    assert response == {
        "data": None,
        "errors": [
            {
                "message": "HTTP fetch failed from subgraph 'products': Connection refused",
                "extensions": {"code": "SUBGRAPH_REQUEST_FAILED", "serviceName": "products"},
            }
        ],
    }


async def test_a_body_that_is_not_json_is_an_invalid_subgraph_response() -> None:
    subgraphs = Subgraphs(accounts=lambda body: httpx.Response(200, text="<html>oops</html>"))

    response = await run("{ me { name } }", fetch("accounts", "{ me { name } }"), subgraphs)

    assert response == {
        "data": {"me": None},
        "errors": [
            {
                "message": "Subgraph 'accounts' returned a body that is not valid JSON.",
                "extensions": {"code": "INVALID_SUBGRAPH_RESPONSE", "serviceName": "accounts"},
            }
        ],
    }


async def test_json_that_is_not_a_graphql_response_is_an_invalid_subgraph_response() -> None:
    subgraphs = Subgraphs(accounts=lambda body: {"data": [1, 2]})

    response = await run("{ me { name } }", fetch("accounts", "{ me { name } }"), subgraphs)

    assert response == {
        "data": {"me": None},
        "errors": [
            {
                "message": "Subgraph 'accounts' returned malformed 'data' or 'errors'.",
                "extensions": {"code": "INVALID_SUBGRAPH_RESPONSE", "serviceName": "accounts"},
            }
        ],
    }


async def test_a_subgraph_slower_than_the_timeout_nulls_its_part_with_a_timeout_error() -> None:
    async def slow(body: dict[str, Any]) -> dict[str, Any]:
        await asyncio.sleep(5)
        return {"data": {"me": {"name": "late"}}}

    subgraphs = Subgraphs(accounts=slow, products=data({"product": {"name": "Table"}}))
    plan = Parallel(
        nodes=(fetch("accounts", "{ me { name } }"), fetch("products", '{ product(upc: "1") { name } }'))
    )

    response = await run('{ me { name } product(upc: "1") { name } }', plan, subgraphs, timeout=0.05)

    assert response == {
        "data": {"me": None, "product": {"name": "Table"}},
        "errors": [
            {
                "message": "Request to subgraph 'accounts' timed out after 0.05s.",
                "extensions": {"code": "SUBGRAPH_TIMEOUT", "serviceName": "accounts"},
            }
        ],
    }


async def test_an_httpx_timeout_is_reported_as_a_timeout() -> None:
    def read_timeout(body: dict[str, Any]) -> Any:
        raise httpx.ReadTimeout("timed out")

    subgraphs = Subgraphs(accounts=read_timeout)

    response = await run("{ me { name } }", fetch("accounts", "{ me { name } }"), subgraphs, timeout=3)

    assert response == {
        "data": {"me": None},
        "errors": [
            {
                "message": "Request to subgraph 'accounts' timed out after 3s.",
                "extensions": {"code": "SUBGRAPH_TIMEOUT", "serviceName": "accounts"},
            }
        ],
    }

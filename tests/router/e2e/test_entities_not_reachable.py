"""Federation's subgraph-only fields (``_entities``, ``_service``) are not part of the API schema: a
client cannot use the router to reach them."""

from __future__ import annotations

FEATURE = "shop"


def not_on_query(field: str) -> dict:
    return {
        "message": f"Cannot query field '{field}' on type 'Query'.",
        "locations": [{"line": 1, "column": 3}],
        "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"},
    }


async def test_entities_field_is_rejected_by_validation(run):
    response, counts = await run(
        '{ _entities(representations: [{__typename: "User", id: "u1"}]) { ... on User { name } } }'
    )
    assert response == {"errors": [not_on_query("_entities")]}
    assert counts == {}


async def test_entities_field_through_variables_is_rejected_by_validation(run):
    response, counts = await run(
        "query ($r: [_Any!]!) { _entities(representations: $r) { __typename } }",
        {"r": [{"__typename": "User", "id": "u1"}]},
    )
    assert response == {
        "errors": [
            {
                "message": "Unknown type '_Any'.",
                "locations": [{"line": 1, "column": 13}],
                "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"},
            },
            {
                "message": "Cannot query field '_entities' on type 'Query'.",
                "locations": [{"line": 1, "column": 24}],
                "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"},
            },
        ]
    }
    assert counts == {}


async def test_service_sdl_is_rejected_by_validation(run):
    response, counts = await run("{ _service { sdl } }")
    assert response == {"errors": [not_on_query("_service")]}
    assert counts == {}

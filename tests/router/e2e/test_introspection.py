"""Introspection is answered by the router from the API schema: no subgraph is called, and nothing of
federation's machinery (``_entities``, ``_Any``, join and link types, directives) is visible."""

from __future__ import annotations

from graphql import specified_directives

FEATURE = "shop"

INTROSPECTION_TYPES = [
    "__Directive",
    "__DirectiveLocation",
    "__EnumValue",
    "__Field",
    "__InputValue",
    "__Schema",
    "__Type",
    "__TypeKind",
]


async def test_schema_introspection_shows_only_the_api_schema(run):
    response, counts = await run(
        "{ __schema { queryType { name } mutationType { name } subscriptionType { name } types { name } } }"
    )
    schema = response["data"]["__schema"]
    assert sorted(t["name"] for t in schema.pop("types")) == [
        "Boolean",
        "ID",
        "Int",
        "Product",
        "Query",
        "Review",
        "String",
        "User",
        *INTROSPECTION_TYPES,
    ]
    assert response == {
        "data": {"__schema": {"queryType": {"name": "Query"}, "mutationType": None, "subscriptionType": None}}
    }
    assert counts == {}


async def test_schema_introspection_lists_only_the_executable_directives(run):
    response, counts = await run("{ __schema { directives { name } } }")
    names = sorted(d["name"] for d in response["data"]["__schema"]["directives"])
    # Plus @defer: the router delivers deferred fragments incrementally (tests/router/e2e/test_defer.py).
    assert names == sorted([*(d.name for d in specified_directives), "defer"])
    assert counts == {}


async def test_type_introspection_of_an_entity_merges_fields_of_all_subgraphs(run):
    response, counts = await run('{ __type(name: "Product") { name kind fields { name } } }')
    assert response == {
        "data": {
            "__type": {
                "name": "Product",
                "kind": "OBJECT",
                "fields": [{"name": "upc"}, {"name": "name"}, {"name": "price"}, {"name": "reviews"}],
            }
        }
    }
    assert counts == {}


async def test_type_introspection_of_query_shows_arguments_and_defaults(run):
    response, counts = await run('{ __type(name: "Query") { fields { name args { name defaultValue } } } }')
    assert response == {
        "data": {
            "__type": {
                "fields": [
                    {"name": "topProducts", "args": [{"name": "first", "defaultValue": "5"}]},
                    {"name": "product", "args": [{"name": "upc", "defaultValue": None}]},
                    {"name": "review", "args": [{"name": "id", "defaultValue": None}]},
                    {"name": "me", "args": []},
                    {"name": "user", "args": [{"name": "id", "defaultValue": None}]},
                ]
            }
        }
    }
    assert counts == {}


async def test_federation_types_are_not_introspectable(run):
    response, counts = await run(
        '{ entity: __type(name: "_Entity") { name } any: __type(name: "_Any") { name } '
        'graph: __type(name: "join__Graph") { name } service: __type(name: "_Service") { name } }'
    )
    assert response == {"data": {"entity": None, "any": None, "graph": None, "service": None}}
    assert counts == {}


async def test_typename_next_to_subgraph_fields_is_answered_without_an_extra_request(run):
    response, counts = await run("{ __typename me { __typename name } }")
    assert response == {"data": {"__typename": "Query", "me": {"__typename": "User", "name": "Ada Lovelace"}}}
    assert counts == {"users": 1}


async def test_introspection_next_to_subgraph_fields_calls_only_the_subgraph(run):
    response, counts = await run(
        '{ __schema { queryType { name } } me { name } __type(name: "User") { name } }'
    )
    assert response == {
        "data": {
            "__schema": {"queryType": {"name": "Query"}},
            "me": {"name": "Ada Lovelace"},
            "__type": {"name": "User"},
        }
    }
    assert counts == {"users": 1}

"""Introspection is answered by the router from the API schema, next to planned fields."""

from __future__ import annotations

from graphql import get_introspection_query

from .testkit import Subgraphs, data, fetch, gateway


async def test_an_introspection_only_operation_calls_no_subgraph_and_no_planner() -> None:
    subgraphs = Subgraphs()
    gw, planner = gateway(subgraphs, None)

    response = await gw.execute("{ __schema { queryType { name } mutationType { name } } }")

    assert response == {
        "data": {"__schema": {"queryType": {"name": "Query"}, "mutationType": {"name": "Mutation"}}}
    }
    assert planner.calls == []
    assert subgraphs.counts() == {}


async def test_type_introspection_takes_variables() -> None:
    gw, _ = gateway(Subgraphs(), None)

    response = await gw.execute(
        "query ($name: String!) { __type(name: $name) { name kind possibleTypes { name } } }",
        {"name": "SearchResult"},
    )

    assert response == {
        "data": {
            "__type": {
                "name": "SearchResult",
                "kind": "UNION",
                "possibleTypes": [{"name": "User"}, {"name": "Product"}, {"name": "Review"}],
            }
        }
    }


async def test_introspection_and_planned_fields_merge_in_the_clients_order() -> None:
    subgraphs = Subgraphs(accounts=data({"me": {"name": "Ada"}}))
    gw, planner = gateway(subgraphs, fetch("accounts", "{ me { name } }"))

    response = await gw.execute(
        """
        query { kind: __typename me { name } ...Meta }
        fragment Meta on Query { t: __type(name: "Status") { enumValues { name } } }
        """
    )

    assert response == {
        "data": {
            "kind": "Query",
            "me": {"name": "Ada"},
            "t": {"enumValues": [{"name": "AVAILABLE"}, {"name": "DISCONTINUED"}]},
        }
    }
    assert len(planner.calls) == 1


async def test_the_full_introspection_query_of_graphiql_works() -> None:
    gw, _ = gateway(Subgraphs(), None)

    response = await gw.execute(get_introspection_query(descriptions=True))

    assert list(response) == ["data"]
    schema = response["data"]["__schema"]
    assert schema["queryType"]["name"] == "Query"
    assert {t["name"] for t in schema["types"]} >= {"Query", "Mutation", "User", "Product", "Node", "JSON"}


async def test_mutation_root_typename_is_the_mutation_type() -> None:
    gw, _ = gateway(Subgraphs(), None)

    assert await gw.execute("mutation { __typename }") == {"data": {"__typename": "Mutation"}}


async def test_federation_internals_are_not_reachable_by_clients() -> None:
    subgraphs = Subgraphs()
    gw, planner = gateway(subgraphs, None)

    entities = await gw.execute(
        '{ _entities(representations: [{__typename: "User", id: "1"}]) { __typename } }'
    )
    service = await gw.execute("{ _service { sdl } }")
    any_type = await gw.execute('{ __type(name: "_Any") { name } }')

    assert entities == {
        "errors": [
            {
                "message": "Cannot query field '_entities' on type 'Query'.",
                "locations": [{"line": 1, "column": 3}],
                "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"},
            }
        ]
    }
    assert service == {
        "errors": [
            {
                "message": "Cannot query field '_service' on type 'Query'.",
                "locations": [{"line": 1, "column": 3}],
                "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"},
            }
        ]
    }
    assert any_type == {"data": {"__type": None}}
    assert planner.calls == []
    assert subgraphs.counts() == {}

"""Response shaping: exactly the fields, aliases, order and types the client's operation asked for."""

from __future__ import annotations

from .testkit import Subgraphs, data, fetch, run


async def answer(
    query: str, subgraph_data: dict[str, object], variables: dict[str, object] | None = None
) -> object:
    """The response to ``query`` when one products fetch answers ``subgraph_data``."""
    subgraphs = Subgraphs(products=data(subgraph_data))
    return await run(query, fetch("products", "{ ... }"), subgraphs, variables)


async def test_fields_come_in_the_clients_order_under_its_aliases_without_planner_fields() -> None:
    response = await answer(
        '{ product(upc: "1") { title: name upc cost: price } }',
        {"product": {"__typename": "Product", "upc": "1", "id": "key", "cost": 9.5, "title": "Table"}},
    )

    assert response == {"data": {"product": {"title": "Table", "upc": "1", "cost": 9.5}}}


async def test_fields_missing_from_the_subgraph_data_are_null() -> None:
    response = await answer('{ product(upc: "1") { name price status } users { name } }', {"product": {}})

    assert response == {"data": {"product": {"name": None, "price": None, "status": None}, "users": None}}


async def test_fragments_apply_by_runtime_type_and_repeated_fields_merge() -> None:
    query = """
    query {
      search {
        __typename
        ... on Node { id }
        ...UserParts
        ... on Product { name }
        ... on Product { upc }
        ... on Review { kind: __typename }
      }
    }
    fragment UserParts on User { username bestFriend { username } bestFriend { age } }
    """
    response = await answer(
        query,
        {
            "search": [
                {
                    "__typename": "User",
                    "id": "u1",
                    "username": "ada",
                    "bestFriend": {"username": "bob", "age": 40},
                },
                {"__typename": "Product", "id": "p1", "name": "Table", "upc": "1", "username": "not asked"},
                {"__typename": "Review", "id": "r1"},
            ]
        },
    )

    assert response == {
        "data": {
            "search": [
                {
                    "__typename": "User",
                    "id": "u1",
                    "username": "ada",
                    "bestFriend": {"username": "bob", "age": 40},
                },
                {"__typename": "Product", "id": "p1", "name": "Table", "upc": "1"},
                {"__typename": "Review", "id": "r1", "kind": "Review"},
            ]
        }
    }


async def test_typename_is_the_runtime_type_and_root_typename_is_answered_locally() -> None:
    subgraphs = Subgraphs(products=data({"node": {"__typename": "Product", "id": "p1"}}))

    response = await run(
        '{ t: __typename node(id: "p1") { __typename id } }', fetch("products", "{ ... }"), subgraphs
    )

    assert response == {"data": {"t": "Query", "node": {"__typename": "Product", "id": "p1"}}}


async def test_skip_and_include_remove_fields_and_fragments_by_variable_and_literal() -> None:
    query = """
    query ($withPrice: Boolean!, $skipName: Boolean!) {
      product(upc: "1") {
        upc @include(if: false)
        name @skip(if: $skipName)
        price @include(if: $withPrice)
        ... on Product @skip(if: $withPrice) { weight }
        ...Status @include(if: true)
      }
    }
    fragment Status on Product { status }
    """
    product = {"upc": "1", "name": "Table", "price": 2.5, "weight": 3, "status": "AVAILABLE"}

    response = await answer(query, {"product": product}, {"withPrice": True, "skipName": False})

    assert response == {"data": {"product": {"name": "Table", "price": 2.5, "status": "AVAILABLE"}}}


async def test_leaf_values_of_the_wrong_type_become_null_with_an_error() -> None:
    query = '{ product(upc: "1") { upc name price weight inStock status } }'
    response = await answer(
        query,
        {
            "product": {
                "upc": 1,  # an integer ID serialises as a string: not an error
                "name": 42,
                "price": "cheap",
                "weight": 2**31,
                "inStock": True,
                "status": "ARCHIVED",
            }
        },
    )

    def invalid(field: str, type_name: str, value: str, column: int) -> dict[str, object]:
        return {
            "message": f"Field 'Product.{field}' returned an invalid {type_name} value: {value}.",
            "locations": [{"line": 1, "column": column}],
            "path": ["product", field],
            "extensions": {"code": "INVALID_SUBGRAPH_RESPONSE"},
        }

    assert response == {
        "data": {
            "product": {
                "upc": "1",
                "name": None,
                "price": None,
                "weight": None,
                "inStock": True,
                "status": None,
            }
        },
        "errors": [
            invalid("name", "String", "42", 27),
            invalid("price", "Float", '"cheap"', 32),
            invalid("weight", "Int", "2147483648", 38),
            invalid("status", "Status", '"ARCHIVED"', 53),
        ],
    }


async def test_a_non_null_leaf_of_the_wrong_type_bubbles_with_only_its_invalid_value_error() -> None:
    response = await answer(
        '{ product(upc: "1") { name inStock } }', {"product": {"name": "x", "inStock": 1}}
    )

    assert response == {
        "data": {"product": None},
        "errors": [
            {
                "message": "Field 'Product.inStock' returned an invalid Boolean value: 1.",
                "locations": [{"line": 1, "column": 28}],
                "path": ["product", "inStock"],
                "extensions": {"code": "INVALID_SUBGRAPH_RESPONSE"},
            }
        ],
    }


async def test_custom_scalars_pass_through_and_enums_accept_their_values() -> None:
    response = await answer(
        '{ product(upc: "1") { metadata status } }',
        {"product": {"metadata": {"any": ["json", 1, None]}, "status": "DISCONTINUED"}},
    )

    assert response == {
        "data": {"product": {"metadata": {"any": ["json", 1, None]}, "status": "DISCONTINUED"}}
    }


async def test_an_object_or_list_of_the_wrong_shape_becomes_null_with_an_error() -> None:
    response = await answer(
        '{ product(upc: "1") { reviews { body } } me { name } }',
        {"product": {"reviews": {"body": "x"}}, "me": "Ada"},
    )

    assert response == {
        "data": {"product": {"reviews": None}, "me": None},
        "errors": [
            {
                "message": 'Field \'Product.reviews\' returned an invalid [Review] value: {"body":"x"}.',
                "locations": [{"line": 1, "column": 23}],
                "path": ["product", "reviews"],
                "extensions": {"code": "INVALID_SUBGRAPH_RESPONSE"},
            },
            {
                "message": "Field 'Query.me' returned an invalid User value: \"Ada\".",
                "locations": [{"line": 1, "column": 42}],
                "path": ["me"],
                "extensions": {"code": "INVALID_SUBGRAPH_RESPONSE"},
            },
        ],
    }


async def test_an_abstract_value_whose_typename_is_not_a_possible_type_is_an_error() -> None:
    response = await answer(
        '{ node(id: "1") { id } search { __typename } }',
        {"node": {"__typename": "Status", "id": "1"}, "search": [{"id": "2"}]},
    )

    assert response == {
        "data": {"node": None, "search": [None]},
        "errors": [
            {
                "message": "Field 'Query.node' returned an object whose __typename \"Status\" is not a "
                "possible type of 'Node'.",
                "locations": [{"line": 1, "column": 3}],
                "path": ["node"],
                "extensions": {"code": "INVALID_SUBGRAPH_RESPONSE"},
            },
            {
                "message": "Field 'Query.search' returned an object whose __typename null is not a "
                "possible type of 'SearchResult'.",
                "locations": [{"line": 1, "column": 24}],
                "path": ["search", 0],
                "extensions": {"code": "INVALID_SUBGRAPH_RESPONSE"},
            },
        ],
    }


async def test_an_interface_value_without_typename_completes_its_interface_fields() -> None:
    # A plan that reads only interface fields need not fetch __typename; an @interfaceObject
    # subgraph names the interface itself.
    response = await answer(
        '{ a: node(id: "1") { id ... on Node { id } } b: node(id: "2") { id } }',
        {"a": {"id": "1"}, "b": {"__typename": "Node", "id": "2"}},
    )

    assert response == {"data": {"a": {"id": "1"}, "b": {"id": "2"}}}


async def test_without_typename_a_fragment_on_a_member_type_is_left_out() -> None:
    # The plan fetched __typename only inside "... on Product": an object without it is no Product.
    response = await answer(
        "{ search { ... on Product { __typename name } ... on User { username } } }",
        {"search": [{"__typename": "Product", "name": "Table"}, {"username": "ignored"}]},
    )

    assert response == {"data": {"search": [{"__typename": "Product", "name": "Table"}, {}]}}


async def test_typename_of_an_object_the_data_does_not_name_is_an_error() -> None:
    response = await answer(
        '{ node(id: "1") { __typename id } }', {"node": {"__typename": "Node", "id": "1"}}
    )

    assert response == {
        "data": {"node": None},
        "errors": [
            {
                "message": "Field 'Query.node' returned an object whose __typename \"Node\" is not a "
                "possible type of 'Node'.",
                "locations": [{"line": 1, "column": 3}],
                "path": ["node"],
                "extensions": {"code": "INVALID_SUBGRAPH_RESPONSE"},
            }
        ],
    }

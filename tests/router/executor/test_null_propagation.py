"""A null in a non-null position bubbles to the nearest nullable parent, with one error that says why."""

from __future__ import annotations

from router.planner import FieldSelection, FragmentSelection, Sequence

from .testkit import Subgraphs, data, entities, fetch, flatten, run

ENTITIES = "query($representations: [_Any!]!) { _entities(representations: $representations) { ... } }"
USER_KEY = (
    FragmentSelection(
        type_condition="User", selections=(FieldSelection(name="__typename"), FieldSelection(name="id"))
    ),
)


async def test_a_missing_non_null_field_nulls_the_nullable_object_around_it() -> None:
    subgraphs = Subgraphs(
        reviews=data(
            {
                "product": {
                    "reviews": [
                        {"body": "a", "author": {"__typename": "User", "id": "u1"}},
                        {"body": "b", "author": {"__typename": "User", "id": "nameless"}},
                    ]
                }
            }
        ),
        accounts=entities(lambda rep: {} if rep["id"] == "nameless" else {"name": "Ada"}),
    )
    plan = Sequence(
        nodes=(
            fetch("reviews", "{ product { reviews { body author { __typename id } } } }"),
            flatten("product.reviews.@.author", fetch("accounts", ENTITIES, requires=USER_KEY)),
        )
    )

    response = await run('{ product(upc: "1") {\n  reviews { body author { name } } } }', plan, subgraphs)

    assert response == {
        "data": {
            "product": {"reviews": [{"body": "a", "author": {"name": "Ada"}}, {"body": "b", "author": None}]}
        },
        "errors": [
            {
                "message": "Cannot return null for non-nullable field User.name.",
                "locations": [{"line": 2, "column": 27}],
                "path": ["product", "reviews", 1, "author", "name"],
            }
        ],
    }


async def test_a_null_item_of_a_non_null_list_type_nulls_the_list() -> None:
    subgraphs = Subgraphs(products=data({"product": {"name": "Table", "tags": ["wood", None]}}))

    response = await run(
        '{ product(upc: "1") { name tags } }',
        fetch("products", '{ product(upc: "1") { name tags } }'),
        subgraphs,
    )

    assert response == {
        "data": {"product": {"name": "Table", "tags": None}},
        "errors": [
            {
                "message": "Cannot return null for non-nullable field Product.tags.",
                "locations": [{"line": 1, "column": 28}],
                "path": ["product", "tags", 1],
            }
        ],
    }


async def test_a_null_reaching_the_root_through_non_null_types_makes_data_null() -> None:
    subgraphs = Subgraphs(products=data({"topProducts": [{"upc": "1", "inStock": True}, {"upc": "2"}]}))

    response = await run(
        "{ topProducts { upc inStock } }",
        fetch("products", "{ topProducts { upc inStock } }"),
        subgraphs,
    )

    assert response == {
        "data": None,
        "errors": [
            {
                "message": "Cannot return null for non-nullable field Product.inStock.",
                "locations": [{"line": 1, "column": 21}],
                "path": ["topProducts", 1, "inStock"],
            }
        ],
    }


async def test_bubbling_stops_at_the_first_nullable_position_on_the_way_up() -> None:
    # Review.product is Product! and User.reviews is [Review!]: the null passes both, stops at reviews.
    subgraphs = Subgraphs(
        accounts=data(
            {
                "me": {
                    "name": "Ada",
                    "reviews": [
                        {"body": "ok", "product": {"inStock": True}},
                        {"body": "broken", "product": {"inStock": None}},
                    ],
                }
            }
        )
    )

    response = await run(
        "{ me { name reviews { body product { inStock } } } }",
        fetch("accounts", "{ me { name reviews { body product { inStock } } } }"),
        subgraphs,
    )

    assert response == {
        "data": {"me": {"name": "Ada", "reviews": None}},
        "errors": [
            {
                "message": "Cannot return null for non-nullable field Product.inStock.",
                "locations": [{"line": 1, "column": 38}],
                "path": ["me", "reviews", 1, "product", "inStock"],
            }
        ],
    }


async def test_a_null_the_subgraph_already_explained_at_its_path_gets_no_second_error() -> None:
    subgraphs = Subgraphs(
        accounts=lambda body: {
            "data": {"me": None},
            "errors": [{"message": "name failed", "path": ["me", "name"]}],
        }
    )

    response = await run("{ me { name } }", fetch("accounts", "{ me { name } }"), subgraphs)

    assert response == {
        "data": {"me": None},
        "errors": [
            {
                "message": "name failed",
                "path": ["me", "name"],
                "extensions": {"code": "DOWNSTREAM_SERVICE_ERROR", "serviceName": "accounts"},
            }
        ],
    }


async def test_a_null_explained_by_an_error_below_it_gets_no_second_error_while_bubbling() -> None:
    subgraphs = Subgraphs(
        products=lambda body: {
            "data": {"topProducts": [{"upc": "1", "inStock": None}]},
            "errors": [{"message": "inventory down", "path": ["topProducts", 0, "inStock"]}],
        },
    )

    response = await run(
        "{ topProducts { upc inStock } }", fetch("products", "{ topProducts { upc inStock } }"), subgraphs
    )

    assert response == {
        "data": None,
        "errors": [
            {
                "message": "inventory down",
                "path": ["topProducts", 0, "inStock"],
                "extensions": {"code": "DOWNSTREAM_SERVICE_ERROR", "serviceName": "products"},
            }
        ],
    }

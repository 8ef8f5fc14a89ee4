"""Flatten: representations collected along the path, projected, rewritten, deduplicated, merged back."""

from __future__ import annotations

from router.planner import FieldSelection, FragmentSelection, KeyRenamer, Sequence, ValueSetter

from .testkit import Subgraphs, data, entities, fetch, flatten, run

ENTITIES = "query($representations: [_Any!]!) { _entities(representations: $representations) { ... } }"

PRODUCT_KEY = (
    FragmentSelection(
        type_condition="Product", selections=(FieldSelection(name="__typename"), FieldSelection(name="upc"))
    ),
)
USER_KEY = (
    FragmentSelection(
        type_condition="User", selections=(FieldSelection(name="__typename"), FieldSelection(name="id"))
    ),
)


def top_products(*upcs: str) -> dict[str, object]:
    return {"topProducts": [{"__typename": "Product", "upc": upc, "name": f"P{upc}"} for upc in upcs]}


async def test_entity_fetch_along_a_list_merges_each_answer_into_its_item() -> None:
    subgraphs = Subgraphs(
        products=data(top_products("1", "2")),
        reviews=entities(lambda rep: {"reviews": [{"body": f"review of {rep['upc']}"}]}),
    )
    plan = Sequence(
        nodes=(
            fetch("products", "{ topProducts { __typename upc name } }"),
            flatten("topProducts.@", fetch("reviews", ENTITIES, requires=PRODUCT_KEY)),
        )
    )

    response = await run("{ topProducts { upc name reviews { body } } }", plan, subgraphs)

    assert response == {
        "data": {
            "topProducts": [
                {"upc": "1", "name": "P1", "reviews": [{"body": "review of 1"}]},
                {"upc": "2", "name": "P2", "reviews": [{"body": "review of 2"}]},
            ]
        }
    }
    assert subgraphs.counts() == {"products": 1, "reviews": 1}
    assert subgraphs.representations("reviews") == [
        [{"__typename": "Product", "upc": "1"}, {"__typename": "Product", "upc": "2"}]
    ]


async def test_equal_representations_are_sent_once_and_the_answer_fills_every_position() -> None:
    reviews = [
        {"__typename": "Review", "id": "r1", "author": {"__typename": "User", "id": "u1"}},
        {"__typename": "Review", "id": "r2", "author": {"__typename": "User", "id": "u2"}},
        {"__typename": "Review", "id": "r3", "author": {"__typename": "User", "id": "u1"}},
    ]
    subgraphs = Subgraphs(
        products=data({"topProducts": [{"__typename": "Product", "upc": "1", "reviews": reviews}]}),
        accounts=entities(lambda rep: {"name": rep["id"].upper()}),
    )
    plan = Sequence(
        nodes=(
            fetch("products", "{ topProducts { reviews { __typename id author { __typename id } } } }"),
            flatten("topProducts.@.reviews.@.author", fetch("accounts", ENTITIES, requires=USER_KEY)),
        )
    )

    response = await run("{ topProducts { reviews { id author { name } } } }", plan, subgraphs)

    assert response == {
        "data": {
            "topProducts": [
                {
                    "reviews": [
                        {"id": "r1", "author": {"name": "U1"}},
                        {"id": "r2", "author": {"name": "U2"}},
                        {"id": "r3", "author": {"name": "U1"}},
                    ]
                }
            ]
        }
    }
    assert subgraphs.counts() == {"accounts": 1, "products": 1}
    assert subgraphs.representations("accounts") == [
        [{"__typename": "User", "id": "u1"}, {"__typename": "User", "id": "u2"}]
    ]


async def test_nulls_and_empty_lists_on_the_path_send_no_request_at_all() -> None:
    subgraphs = Subgraphs(
        products=data(
            {
                "topProducts": [
                    {"__typename": "Product", "upc": "1", "reviews": None},
                    {"__typename": "Product", "upc": "2", "reviews": []},
                    {
                        "__typename": "Product",
                        "upc": "3",
                        "reviews": [{"__typename": "Review", "author": None}],
                    },
                ]
            }
        )
    )
    plan = Sequence(
        nodes=(
            fetch("products", "{ topProducts { upc reviews { author { __typename id } } } }"),
            flatten("topProducts.@.reviews.@.author", fetch("accounts", ENTITIES, requires=USER_KEY)),
        )
    )

    response = await run("{ topProducts { upc reviews { author { name } } } }", plan, subgraphs)

    assert response == {
        "data": {
            "topProducts": [
                {"upc": "1", "reviews": None},
                {"upc": "2", "reviews": []},
                {"upc": "3", "reviews": [{"author": None}]},
            ]
        }
    }
    assert subgraphs.counts() == {"products": 1}


async def test_a_type_filter_sends_only_objects_whose_typename_matches() -> None:
    subgraphs = Subgraphs(
        products=data(
            {
                "search": [
                    {"__typename": "User", "id": "u1", "username": "ada"},
                    {"__typename": "Product", "upc": "1", "name": "Table"},
                    None,
                    {"__typename": "Product", "upc": "2", "name": "Couch"},
                ]
            }
        ),
        inventory=entities(lambda rep: {"inStock": rep["upc"] == "1"}),
    )
    plan = Sequence(
        nodes=(
            fetch(
                "products",
                "{ search { __typename ... on User { id username } ... on Product { upc name } } }",
            ),
            flatten("search.@.|[Product]", fetch("inventory", ENTITIES, requires=PRODUCT_KEY)),
        )
    )

    response = await run(
        "{ search { ... on User { username } ... on Product { name inStock } } }", plan, subgraphs
    )

    assert response == {
        "data": {
            "search": [
                {"username": "ada"},
                {"name": "Table", "inStock": True},
                None,
                {"name": "Couch", "inStock": False},
            ]
        }
    }
    assert subgraphs.representations("inventory") == [
        [{"__typename": "Product", "upc": "1"}, {"__typename": "Product", "upc": "2"}]
    ]


async def test_a_type_filter_naming_an_interface_matches_its_implementations() -> None:
    subgraphs = Subgraphs(
        products=data(
            {
                "search": [
                    {"__typename": "User", "id": "u1"},
                    {"__typename": "Review", "id": "r1"},
                ]
            }
        ),
        reviews=entities(lambda rep: {"__typename": rep["__typename"], "id": rep["id"]}),
    )
    requires = (FieldSelection(name="__typename"), FieldSelection(name="id"))
    plan = Sequence(
        nodes=(
            fetch("products", "{ search { __typename ... on Node { id } } }"),
            flatten("search.@.|[Node]", fetch("reviews", ENTITIES, requires=requires)),
        )
    )

    await run("{ search { ... on Node { id } } }", plan, subgraphs)

    assert subgraphs.representations("reviews") == [
        [{"__typename": "User", "id": "u1"}, {"__typename": "Review", "id": "r1"}]
    ]


async def test_requires_are_projected_by_typename_with_nested_selections_and_aliases() -> None:
    subgraphs = Subgraphs(
        products=data(
            {
                "topProducts": [
                    {
                        "__typename": "Product",
                        "upc": "1",
                        "internalPrice": 10.5,
                        "weight": 3,
                        "reviews": [{"id": "r1", "body": "not sent"}],
                    }
                ]
            }
        ),
        inventory=entities(lambda rep: {"shippingEstimate": int(rep["price"] * rep["weight"])}),
    )
    requires = (
        FragmentSelection(
            type_condition="User",  # never matches a Product: contributes nothing
            selections=(FieldSelection(name="name"),),
        ),
        FragmentSelection(
            type_condition="Product",
            selections=(
                FieldSelection(name="__typename"),
                FieldSelection(name="upc"),
                FieldSelection(name="price", alias="internalPrice"),
                FieldSelection(name="weight"),
                FieldSelection(name="reviews", selections=(FieldSelection(name="id"),)),
            ),
        ),
    )
    plan = Sequence(
        nodes=(
            fetch(
                "products",
                "{ topProducts { __typename upc internalPrice: price weight reviews { id body } } }",
            ),
            flatten("topProducts.@", fetch("inventory", ENTITIES, requires=requires)),
        )
    )

    response = await run("{ topProducts { shippingEstimate } }", plan, subgraphs)

    assert response == {"data": {"topProducts": [{"shippingEstimate": 31}]}}
    assert subgraphs.representations("inventory") == [
        [{"__typename": "Product", "upc": "1", "price": 10.5, "weight": 3, "reviews": [{"id": "r1"}]}]
    ]


async def test_an_object_missing_a_required_field_sends_no_representation() -> None:
    subgraphs = Subgraphs(
        products=data({"topProducts": [{"__typename": "Product", "upc": "1"}, {"__typename": "Product"}]}),
        inventory=entities(lambda rep: {"shippingEstimate": 1}),
    )
    plan = Sequence(
        nodes=(
            fetch("products", "{ topProducts { __typename upc } }"),
            flatten("topProducts.@", fetch("inventory", ENTITIES, requires=PRODUCT_KEY)),
        )
    )

    response = await run("{ topProducts { shippingEstimate } }", plan, subgraphs)

    assert response == {"data": {"topProducts": [{"shippingEstimate": 1}, {"shippingEstimate": None}]}}
    assert subgraphs.representations("inventory") == [[{"__typename": "Product", "upc": "1"}]]


async def test_input_rewrites_change_the_representation_and_output_rewrites_the_answer() -> None:
    # The interface-object pattern: the subgraph knows Product only as "Node" and answers under an
    # internal alias; the client still sees its concrete type and its own field name.
    subgraphs = Subgraphs(
        products=data({"product": {"__typename": "Product", "id": "p1"}}),
        reviews=entities(
            lambda rep: {"__typename": "Node", "_internal_name": f"{rep['__typename']}:{rep['id']}"}
        ),
    )
    requires = (
        FragmentSelection(
            type_condition="Product",
            selections=(FieldSelection(name="__typename"), FieldSelection(name="id")),
        ),
    )
    plan = Sequence(
        nodes=(
            fetch("products", "{ product(upc: 1) { __typename id } }"),
            flatten(
                "product",
                fetch(
                    "reviews",
                    ENTITIES,
                    requires=requires,
                    input_rewrites=(ValueSetter(path=("... on Product", "__typename"), set_value_to="Node"),),
                    output_rewrites=(KeyRenamer(path=("_internal_name",), rename_key_to="name"),),
                ),
            ),
        )
    )

    response = await run('{ product(upc: "1") { __typename name } }', plan, subgraphs)

    assert response == {"data": {"product": {"__typename": "Product", "name": "Node:p1"}}}
    assert subgraphs.representations("reviews") == [[{"__typename": "Node", "id": "p1"}]]


async def test_lists_of_lists_fan_out_one_level_per_at_sign() -> None:
    subgraphs = Subgraphs(
        products=data(
            {
                "matrix": [
                    [{"__typename": "Product", "upc": "1"}, None],
                    [],
                    [{"__typename": "Product", "upc": "2"}],
                ]
            }
        ),
        inventory=entities(lambda rep: {"inStock": True, "weight": int(rep["upc"])}),
    )
    plan = Sequence(
        nodes=(
            fetch("products", "{ matrix { __typename upc } }"),
            flatten("matrix.@.@", fetch("inventory", ENTITIES, requires=PRODUCT_KEY)),
        )
    )

    response = await run("{ matrix { upc weight } }", plan, subgraphs)

    assert response == {
        "data": {"matrix": [[{"upc": "1", "weight": 1}, None], [], [{"upc": "2", "weight": 2}]]}
    }
    assert subgraphs.counts() == {"inventory": 1, "products": 1}


async def test_an_entity_resolved_to_null_nulls_the_field_that_referenced_it_without_an_error() -> None:
    subgraphs = Subgraphs(
        reviews=data(
            {
                "users": None,
                "search": [
                    {"__typename": "Review", "author": {"__typename": "User", "id": "u1"}},
                    {"__typename": "Review", "author": {"__typename": "User", "id": "gone"}},
                ],
            }
        ),
        accounts=entities(lambda rep: None if rep["id"] == "gone" else {"name": "Ada"}),
    )
    plan = Sequence(
        nodes=(
            fetch("reviews", "{ search { __typename ... on Review { author { __typename id } } } }"),
            flatten("search.@.author", fetch("accounts", ENTITIES, requires=USER_KEY)),
        )
    )

    response = await run("{ search { ... on Review { author { name } } } }", plan, subgraphs)

    assert response == {"data": {"search": [{"author": {"name": "Ada"}}, {"author": None}]}}


async def test_an_entity_resolved_to_null_in_a_non_null_position_bubbles_with_an_error() -> None:
    subgraphs = Subgraphs(
        products=data(top_products("1", "2")),
        inventory=entities(lambda rep: None if rep["upc"] == "2" else {"shippingEstimate": 7}),
    )
    plan = Sequence(
        nodes=(
            fetch("products", "{ topProducts { __typename upc } }"),
            flatten("topProducts.@", fetch("inventory", ENTITIES, requires=PRODUCT_KEY)),
        )
    )

    response = await run("{ topProducts { upc shippingEstimate } }", plan, subgraphs)

    assert response == {
        "data": None,
        "errors": [
            {
                "message": "Cannot return null for non-nullable field Query.topProducts.",
                "locations": [{"line": 1, "column": 3}],
                "path": ["topProducts", 1],
            }
        ],
    }


async def test_a_wrong_number_of_entities_is_an_error_for_that_fetch_only() -> None:
    subgraphs = Subgraphs(
        products=data(top_products("1", "2")),
        inventory=data({"_entities": [{"shippingEstimate": 7}]}),
    )
    plan = Sequence(
        nodes=(
            fetch("products", "{ topProducts { __typename upc name } }"),
            flatten("topProducts.@", fetch("inventory", ENTITIES, requires=PRODUCT_KEY)),
        )
    )

    response = await run("{ topProducts { name shippingEstimate } }", plan, subgraphs)

    assert response == {
        "data": {
            "topProducts": [
                {"name": "P1", "shippingEstimate": None},
                {"name": "P2", "shippingEstimate": None},
            ]
        },
        "errors": [
            {
                "message": "Subgraph 'inventory' returned 1 entities for 2 representations.",
                "path": ["topProducts"],
                "extensions": {"code": "INVALID_SUBGRAPH_RESPONSE", "serviceName": "inventory"},
            }
        ],
    }

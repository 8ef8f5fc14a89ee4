"""Context rewrites: each entity's ``@fromContext`` value is read from its ancestors; entities are sent
in one ``_entities`` request per distinct value, each answer merged into its own positions."""

from __future__ import annotations

from typing import Any

from router.planner import FieldSelection, FragmentSelection, KeyRenamer, Sequence

from .testkit import Subgraphs, data, fetch, flatten, run

PRODUCT_KEY = (
    FragmentSelection(
        type_condition="Product", selections=(FieldSelection(name="__typename"), FieldSelection(name="upc"))
    ),
)
PRICED = (
    "query($representations: [_Any!]!, $contextualArgument_1_0: String)"
    " { _entities(representations: $representations) { ... on Product { name(c: $contextualArgument_1_0) } } }"
)
USERS = {
    "users": [
        {
            "__typename": "User",
            "username": "ada",
            "reviews": [
                {"product": {"__typename": "Product", "upc": "1"}},
                {"product": {"__typename": "Product", "upc": "2"}},
            ],
        },
        {
            "__typename": "User",
            "username": None,
            "reviews": [{"product": {"__typename": "Product", "upc": "1"}}],
        },
        {"__typename": "User", "reviews": [{"product": {"__typename": "Product", "upc": "3"}}]},
    ]
}


def named_by_context(body: dict[str, Any]) -> dict[str, Any]:
    value = body["variables"]["contextualArgument_1_0"]
    return {
        "data": {"_entities": [{"name": f"{r['upc']}:{value}"} for r in body["variables"]["representations"]]}
    }


def plan(*rewrites: tuple[str, ...]) -> Sequence:
    return Sequence(
        nodes=(
            fetch("accounts", "{ users { __typename username reviews { product { __typename upc } } } }"),
            flatten(
                "users.@.reviews.@.product",
                fetch(
                    "products",
                    PRICED,
                    requires=PRODUCT_KEY,
                    context_rewrites=tuple(
                        KeyRenamer(path=path, rename_key_to="contextualArgument_1_0") for path in rewrites
                    ),
                ),
            ),
        )
    )


async def test_values_two_objects_up_group_the_representations_one_request_per_value() -> None:
    subgraphs = Subgraphs(accounts=data(USERS), products=named_by_context)

    response = await run(
        "{ users { reviews { product { name } } } }",
        plan(("..", "..", "... on User", "username")),
        subgraphs,
    )

    assert response == {
        "data": {
            "users": [
                {"reviews": [{"product": {"name": "1:ada"}}, {"product": {"name": "2:ada"}}]},
                {"reviews": [{"product": {"name": "1:None"}}]},
                {"reviews": [{"product": {"name": "3:None"}}]},
            ]
        }
    }
    # A null value and a missing one are both null: the last two users share one request.
    assert [
        (body["variables"]["contextualArgument_1_0"], body["variables"]["representations"])
        for body in subgraphs.requests["products"]
    ] == [
        ("ada", [{"__typename": "Product", "upc": "1"}, {"__typename": "Product", "upc": "2"}]),
        (None, [{"__typename": "Product", "upc": "1"}, {"__typename": "Product", "upc": "3"}]),
    ]


async def test_the_first_rewrite_that_finds_a_value_wins() -> None:
    subgraphs = Subgraphs(accounts=data(USERS), products=named_by_context)

    response = await run(
        "{ users { reviews { product { name } } } }",
        plan(("..", "..", "... on Product", "username"), ("..", "..", "... on User", "username")),
        subgraphs,
    )

    assert response["data"]["users"][0] == {
        "reviews": [{"product": {"name": "1:ada"}}, {"product": {"name": "2:ada"}}]
    }
    assert subgraphs.counts() == {"accounts": 1, "products": 2}


async def test_an_entities_error_of_one_group_is_repathed_to_that_groups_positions() -> None:
    def failing_for_ada(body: dict[str, Any]) -> dict[str, Any]:
        if body["variables"]["contextualArgument_1_0"] != "ada":
            return named_by_context(body)
        return {
            "data": {"_entities": [None, {"name": "2:ada"}]},
            "errors": [{"message": "no price in ada", "path": ["_entities", 0, "name"]}],
        }

    subgraphs = Subgraphs(accounts=data(USERS), products=failing_for_ada)

    response = await run(
        "{ users { reviews { product { name } } } }",
        plan(("..", "..", "... on User", "username")),
        subgraphs,
    )

    assert response["errors"] == [
        {
            "message": "no price in ada",
            "path": ["users", 0, "reviews", 0, "product", "name"],
            "extensions": {"code": "DOWNSTREAM_SERVICE_ERROR", "serviceName": "products"},
        }
    ]
    assert response["data"]["users"][1] == {"reviews": [{"product": {"name": "1:None"}}]}

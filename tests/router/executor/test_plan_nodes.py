"""Plan nodes: Sequence in order, Parallel concurrently, Condition on a variable; what a fetch sends."""

from __future__ import annotations

import asyncio
from typing import Any

from router.planner import Condition, FieldSelection, FragmentSelection, Parallel, Sequence

from .testkit import Subgraphs, data, entities, fetch, flatten, gateway, run

ENTITIES = "query($representations: [_Any!]!) { _entities(representations: $representations) { ... } }"
PRODUCT_KEY = (
    FragmentSelection(
        type_condition="Product", selections=(FieldSelection(name="__typename"), FieldSelection(name="upc"))
    ),
)


async def test_mutation_fetches_in_a_sequence_run_one_after_another_in_order() -> None:
    order: list[str] = []

    def respond(name: str, value: dict[str, Any]) -> Any:
        async def responder(body: dict[str, Any]) -> dict[str, Any]:
            order.append(f"{name} start")
            await asyncio.sleep(0.01)
            order.append(f"{name} end")
            return {"data": value}

        return responder

    subgraphs = Subgraphs(
        reviews=respond("reviews", {"addReview": {"id": "r9", "body": "great"}}),
        products=respond("products", {"deleteReview": True}),
    )
    plan = Sequence(
        nodes=(
            fetch("reviews", 'mutation { addReview(body: "great") { id body } }', operation_kind="mutation"),
            fetch("products", 'mutation { deleteReview(id: "r1") }', operation_kind="mutation"),
        )
    )

    response = await run(
        'mutation { addReview(body: "great") { id body } deleteReview(id: "r1") }', plan, subgraphs
    )

    assert response == {"data": {"addReview": {"id": "r9", "body": "great"}, "deleteReview": True}}
    assert order == ["reviews start", "reviews end", "products start", "products end"]


async def test_parallel_fetches_run_concurrently() -> None:
    arrived = {"accounts": asyncio.Event(), "products": asyncio.Event()}

    def respond(name: str, other: str, value: dict[str, Any]) -> Any:
        async def responder(body: dict[str, Any]) -> dict[str, Any]:
            arrived[name].set()
            # Sequential execution would wait here forever: the other request is never sent.
            await asyncio.wait_for(arrived[other].wait(), timeout=2)
            return {"data": value}

        return responder

    subgraphs = Subgraphs(
        accounts=respond("accounts", "products", {"me": {"name": "Ada"}}),
        products=respond("products", "accounts", {"topProducts": [{"upc": "1"}]}),
    )
    plan = Parallel(
        nodes=(fetch("accounts", "{ me { name } }"), fetch("products", "{ topProducts { upc } }"))
    )

    response = await run("{ me { name } topProducts { upc } }", plan, subgraphs)

    assert response == {"data": {"me": {"name": "Ada"}, "topProducts": [{"upc": "1"}]}}


def conditional_plan() -> Sequence:
    return Sequence(
        nodes=(
            fetch("products", "{ topProducts { __typename upc } }"),
            Condition(
                condition="withReviews",
                if_clause=flatten("topProducts.@", fetch("reviews", ENTITIES, requires=PRODUCT_KEY)),
            ),
        )
    )


CONDITIONAL_QUERY = """
query ($withReviews: Boolean!) {
  topProducts { upc reviews @include(if: $withReviews) { body } }
}
"""


async def test_condition_runs_its_if_clause_when_the_variable_is_true() -> None:
    subgraphs = Subgraphs(
        products=data({"topProducts": [{"__typename": "Product", "upc": "1"}]}),
        reviews=entities(lambda rep: {"reviews": [{"body": "nice"}]}),
    )

    response = await run(CONDITIONAL_QUERY, conditional_plan(), subgraphs, {"withReviews": True})

    assert response == {"data": {"topProducts": [{"upc": "1", "reviews": [{"body": "nice"}]}]}}
    assert subgraphs.counts() == {"products": 1, "reviews": 1}


async def test_condition_skips_its_if_clause_and_the_field_when_the_variable_is_false() -> None:
    subgraphs = Subgraphs(products=data({"topProducts": [{"__typename": "Product", "upc": "1"}]}))

    response = await run(CONDITIONAL_QUERY, conditional_plan(), subgraphs, {"withReviews": False})

    assert response == {"data": {"topProducts": [{"upc": "1"}]}}
    assert subgraphs.counts() == {"products": 1}


async def test_condition_runs_its_else_clause_when_the_variable_is_false() -> None:
    subgraphs = Subgraphs(accounts=data({"me": {"name": "Ada"}}))
    plan = Condition(
        condition="skipMe",
        if_clause=None,
        else_clause=fetch("accounts", "{ me { name } }"),
    )
    query = "query ($skipMe: Boolean!) { me @skip(if: $skipMe) { name } }"

    assert await run(query, plan, subgraphs, {"skipMe": False}) == {"data": {"me": {"name": "Ada"}}}
    assert await run(query, plan, subgraphs, {"skipMe": True}) == {"data": {}}
    assert subgraphs.counts() == {"accounts": 1}


async def test_a_fetch_sends_its_used_variables_with_defaults_applied_and_its_operation_name() -> None:
    subgraphs = Subgraphs(products=data({"topProducts": []}))
    plan = fetch(
        "products",
        "query TopProducts__products__0($first: Int) { topProducts(first: $first) { upc } }",
        operation_name="TopProducts__products__0",
        variable_usages=("first",),
    )
    query = """
    query TopProducts($first: Int = 3, $other: String) {
      topProducts(first: $first) { upc }
      search(text: $other) { __typename }
    }
    """

    response = await run(query, plan, subgraphs, {"other": "x"})

    assert response == {"data": {"topProducts": [], "search": None}}
    assert subgraphs.requests["products"] == [
        {
            "query": "query TopProducts__products__0($first: Int) { topProducts(first: $first) { upc } }",
            "variables": {"first": 3},
            "operationName": "TopProducts__products__0",
        }
    ]


async def test_an_entity_fetch_sends_representations_next_to_the_used_variables() -> None:
    subgraphs = Subgraphs(
        products=data({"product": {"__typename": "Product", "upc": "1"}, "topProducts": []}),
        reviews=entities(lambda rep: {"reviews": []}),
    )
    plan = Sequence(
        nodes=(
            fetch("products", '{ product(upc: "1") { __typename upc } topProducts { upc } }'),
            flatten(
                "product",
                fetch("reviews", ENTITIES, requires=PRODUCT_KEY, variable_usages=("first",)),
            ),
        )
    )

    response = await run(
        'query ($first: Int!) { product(upc: "1") { reviews { body } } topProducts(first: $first) { upc } }',
        plan,
        subgraphs,
        {"first": 2},
    )

    assert response == {"data": {"product": {"reviews": []}, "topProducts": []}}
    assert subgraphs.requests["reviews"] == [
        {
            "query": ENTITIES,
            "variables": {"first": 2, "representations": [{"__typename": "Product", "upc": "1"}]},
        }
    ]


async def test_request_headers_are_forwarded_to_every_subgraph_with_a_json_content_type() -> None:
    subgraphs = Subgraphs(accounts=data({"me": {"name": "Ada"}}))
    gw, _ = gateway(subgraphs, fetch("accounts", "{ me { name } }"))

    await gw.execute("{ me { name } }", headers={"authorization": "Bearer t", "x-request-id": "42"})

    (sent,) = subgraphs.headers["accounts"]
    assert sent["authorization"] == "Bearer t"
    assert sent["x-request-id"] == "42"
    assert sent["content-type"] == "application/json"
    assert sent["accept"] == "application/graphql-response+json, application/json"

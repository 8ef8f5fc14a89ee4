"""Demand control in the executor: the static estimated cost of an operation (IBM cost spec with
Apollo Router's defaults) and what the Gateway does with it in measure and enforce mode."""

from __future__ import annotations

from functools import partial
from typing import Any

import httpx
import pytest
from graphql import FragmentDefinitionNode, OperationDefinitionNode, parse

from router.executor import COST_ESTIMATED_TOO_EXPENSIVE, DemandControl, Gateway, compile_cost, with_defer

from ..cost_testkit import URLS, FakeSubgraphs, supergraph

SUPERGRAPH = supergraph()
SCHEMA = with_defer(SUPERGRAPH.api_schema)


def estimate(query: str, variables: dict[str, Any] | None = None, *, list_size: int = 10) -> int:
    document = parse(query)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    formula = compile_cost(operation, fragments, SCHEMA, SUPERGRAPH, list_size=list_size)
    return formula.evaluate(variables or {})


def test_an_object_costs_one_and_scalars_nothing() -> None:
    assert estimate('{ product(id: "1") { id name } }') == 1
    assert estimate('{ product(id: "1") { __typename } }') == 1


def test_a_list_multiplies_its_items_by_the_literal_slicing_argument() -> None:
    # 3 products, each an object (1) with a Money (@cost 3 on the type)
    assert estimate("{ products(first: 3) { name price { amount } } }") == 3 * (1 + 3)


def test_the_slicing_argument_may_come_from_a_variable() -> None:
    query = "query ($n: Int) { products(first: $n) { id } }"
    assert estimate(query, {"n": 7}) == 7
    assert estimate(query, {"n": 2}) == 2


def test_without_the_slicing_argument_the_assumed_size_applies() -> None:
    assert estimate("{ products { id } }") == 20
    assert estimate("query ($n: Int) { products(first: $n) { id } }", {"n": None}) == 20


def test_a_list_without_list_size_gets_the_configured_default() -> None:
    assert estimate('{ search(text: "a") { id } }') == 10
    assert estimate('{ search(text: "a") { id } }', list_size=2) == 2


def test_nested_lists_multiply() -> None:
    # 2 products x (1 + 5 reviews x (1 + author @cost 2))
    assert estimate("{ products(first: 2) { reviews { body author } } }") == 2 * (1 + 5 * (1 + 2))


def test_sized_fields_hand_the_connection_size_to_its_edges() -> None:
    # catalog (1) + 4 edges x (edge 1 + node 1); total is a scalar
    assert estimate("{ catalog(first: 4) { total edges { node { name } } } }") == 1 + 4 * (1 + 1)
    assert estimate("{ catalog(last: 6) { edges { node { id } } } }") == 1 + 6 * 2


def test_cost_on_a_field_replaces_its_type_weight() -> None:
    assert estimate("{ expensive }") == 50


def test_cost_on_an_enum_type_counts_where_it_is_selected() -> None:
    assert estimate('{ product(id: "1") { currency } }') == 1 + 2


def test_a_mutation_adds_ten_and_a_costed_argument_its_weight() -> None:
    assert estimate('mutation { addProduct(name: "x") { id } }') == 10 + 1 + 3


def test_costed_input_fields_count_when_given_literally_or_in_a_variable() -> None:
    assert estimate('{ products(first: 1, filter: {category: "a"}) { id } }') == 1 + 4
    query = "query ($f: Filter) { products(first: 1, filter: $f) { id } }"
    assert estimate(query, {"f": {"category": "a", "tags": []}}) == 1 + 4
    assert estimate(query, {"f": {"tags": ["x"]}}) == 1


def test_fragments_count_as_if_inlined() -> None:
    query = (
        '{ product(id: "1") { ...P ... on Product { currency } } } fragment P on Product { price { amount } }'
    )
    assert estimate(query) == 1 + 3 + 2


def test_literal_skip_and_include_drop_what_they_exclude() -> None:
    assert estimate('{ product(id: "1") { price @skip(if: true) { amount } } }') == 1
    assert estimate('{ product(id: "1") { price @include(if: false) { amount } } }') == 1
    assert estimate('{ product(id: "1") { price @include(if: true) { amount } } }') == 4


def test_skip_and_include_on_variables_are_decided_per_request() -> None:
    query = 'query ($s: Boolean!) { product(id: "1") { ... @skip(if: $s) { price { amount } } } }'
    assert estimate(query, {"s": True}) == 1
    assert estimate(query, {"s": False}) == 4


def test_enforce_mode_needs_a_maximum() -> None:
    with pytest.raises(ValueError, match="maximum cost"):
        DemandControl(mode="enforce")


# -- through the Gateway ------------------------------------------------------------------------


def _gateway(fake: FakeSubgraphs, demand_control: DemandControl) -> Gateway:
    return Gateway(
        SUPERGRAPH,
        http=httpx.AsyncClient(transport=fake.transport),
        subgraph_urls=URLS,
        demand_control=demand_control,
    )


async def test_enforce_rejects_a_too_expensive_operation_before_any_subgraph_call() -> None:
    fake = FakeSubgraphs()
    seen: list[tuple[int, str | None]] = []
    gateway = _gateway(fake, DemandControl(mode="enforce", max_cost=15, observer=partial(_record, seen)))
    response = await gateway.execute("query Big { products { id } }")
    assert response == {
        "errors": [
            {
                "message": "The operation's estimated cost 20 exceeds the maximum cost 15.",
                "extensions": {"code": COST_ESTIMATED_TOO_EXPENSIVE, "cost": {"estimated": 20, "max": 15}},
            }
        ]
    }
    assert fake.calls == {}
    assert seen == [(20, "Big")]


async def test_enforce_runs_an_operation_within_the_maximum() -> None:
    fake = FakeSubgraphs()
    gateway = _gateway(fake, DemandControl(mode="enforce", max_cost=15))
    response = await gateway.execute("query ($n: Int) { products(first: $n) { name } }", {"n": 15})
    assert response == {"data": {"products": [{"name": "Chair"}]}}
    response = await gateway.execute("query ($n: Int) { products(first: $n) { name } }", {"n": 16})
    assert response["errors"][0]["extensions"]["cost"] == {"estimated": 16, "max": 15}


async def test_measure_runs_every_operation_and_reports_its_estimate() -> None:
    fake = FakeSubgraphs()
    seen: list[tuple[int, str | None]] = []
    gateway = _gateway(fake, DemandControl(mode="measure", max_cost=1, observer=partial(_record, seen)))
    response = await gateway.execute("{ products { name } }")
    assert response == {"data": {"products": [{"name": "Chair"}]}}
    assert seen == [(20, None)]
    assert fake.calls == {"products": 1}


async def test_the_estimate_is_in_the_extensions_when_the_plan_is_shown() -> None:
    gateway = _gateway(FakeSubgraphs(), DemandControl(mode="measure"))
    response = await gateway.execute('{ product(id: "1") { name } }', include_plan=True)
    assert response["data"] == {"product": {"name": "Chair"}}
    assert response["extensions"]["cost"] == {"estimated": 1}
    assert response["extensions"]["queryPlan"].startswith("QueryPlan")
    assert "extensions" not in await gateway.execute('{ product(id: "1") { name } }')


def _record(seen: list[tuple[int, str | None]], cost: int, name: str | None) -> None:
    seen.append((cost, name))

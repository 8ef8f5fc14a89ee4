"""``@fromContext`` arguments: the ancestor that sets the context also fetches the context selection
(aliased by the argument's variable), and the field is fetched by an entity fetch at its parent whose
``contextRewrites`` read the value back from the ancestor.

Fixtures: ``context`` (hand-written: ``Store @context`` in catalog, ``Item.label`` contextual in
catalog, ``Item.price`` contextual in catalog but plain in pricing), ``context_sites`` (catalog owns
stores, warehouses and items; pricing sets ``site`` on ``Store`` and ``Warehouse`` and reads their
``currency`` for ``Item.price``), ``context_pets`` (a context set by an interface and by a union).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from graphql import parse

from router.planner import UnsatisfiableError, UnsupportedFeatureError, plan
from router.supergraph import Supergraph, load_supergraph

from .testkit import FIXTURES, assert_plan, supergraph


def test_a_field_of_the_ancestors_own_subgraph_takes_its_context_through_an_entity_fetch() -> None:
    assert_plan(
        "context",
        """
        { store { items { id label } } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "catalog") { { store { items { __typename id } contextualArgument_1_0: currency } } },
            Flatten(path: "store.items.@") {
              Fetch(service: "catalog", contextRewrites: [../contextualArgument_1_0 -> contextualArgument_1_0]) { { ... on Item { __typename id } } => { ... on Item { label(locale: $contextualArgument_1_0) } } },
            },
          },
        }
        """,
    )


def test_a_field_another_subgraph_resolves_plainly_is_planned_there() -> None:
    assert_plan(
        "context",
        """
        { store { items { price(rounded: true) discount } } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "catalog") { { store { items { __typename id } } } },
            Flatten(path: "store.items.@") {
              Fetch(service: "pricing") { { ... on Item { __typename id } } => { ... on Item { price(rounded: true) discount } } },
            },
          },
        }
        """,
    )


def test_a_context_selection_from_another_subgraph_is_fetched_through_the_ancestors_key_first() -> None:
    assert_plan(
        "context_sites",
        """
        { store(id: 1) { name items { name price(rounded: true) } } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "catalog") { { store(id: 1) { __typename name items { __typename name id } id } } },
            Flatten(path: "store") {
              Fetch(service: "pricing") { { ... on Store { __typename id } } => { ... on Store { contextualArgument_1_0: currency } } },
            },
            Flatten(path: "store.items.@") {
              Fetch(service: "pricing", contextRewrites: [../contextualArgument_1_0 -> contextualArgument_1_0]) { { ... on Item { __typename id } } => { ... on Item { price(rounded: true, currency: $contextualArgument_1_0) } } },
            },
          },
        }
        """,
    )


def test_one_field_under_two_parent_types_setting_the_context_gets_a_variable_per_place() -> None:
    assert_plan(
        "context_sites",
        """
        { stores { items { price } } warehouse { items { price discount } } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "catalog") { { stores { __typename items { __typename id } id } warehouse { __typename items { __typename id } id } } },
            Parallel {
              Sequence {
                Flatten(path: "stores.@") {
                  Fetch(service: "pricing") { { ... on Store { __typename id } } => { ... on Store { contextualArgument_1_0: currency } } },
                },
                Flatten(path: "stores.@.items.@") {
                  Fetch(service: "pricing", contextRewrites: [../contextualArgument_1_0 -> contextualArgument_1_0]) { { ... on Item { __typename id } } => { ... on Item { price(currency: $contextualArgument_1_0) } } },
                },
              },
              Sequence {
                Flatten(path: "warehouse") {
                  Fetch(service: "pricing") { { ... on Warehouse { __typename id } } => { ... on Warehouse { contextualArgument_2_0: currency } } },
                },
                Flatten(path: "warehouse.items.@") {
                  Fetch(service: "pricing", contextRewrites: [../contextualArgument_2_0 -> contextualArgument_2_0]) { { ... on Item { __typename id } } => { ... on Item { price(currency: $contextualArgument_2_0) discount } } },
                },
              },
            },
          },
        }
        """,
    )


def test_union_members_setting_the_context_each_fetch_it_in_their_fragment() -> None:
    assert_plan(
        "context_sites",
        """
        { places { ... on Store { items { price } } ... on Warehouse { items { price } } } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "catalog") { { places { __typename ... on Store { __typename items { __typename id } id } ... on Warehouse { __typename items { __typename id } id } } } },
            Flatten(path: "places.@|[Store,Warehouse]") {
              Fetch(service: "pricing") { { ... on Store { __typename id } ... on Warehouse { __typename id } } => { ... on Store { contextualArgument_1_0: currency } ... on Warehouse { contextualArgument_2_0: currency } } },
            },
            Parallel {
              Flatten(path: "places.@|[Store].items.@") {
                Fetch(service: "pricing", contextRewrites: [../contextualArgument_1_0 -> contextualArgument_1_0]) { { ... on Item { __typename id } } => { ... on Item { price(currency: $contextualArgument_1_0) } } },
              },
              Flatten(path: "places.@|[Warehouse].items.@") {
                Fetch(service: "pricing", contextRewrites: [../contextualArgument_2_0 -> contextualArgument_2_0]) { { ... on Item { __typename id } } => { ... on Item { price(currency: $contextualArgument_2_0) } } },
              },
            },
          },
        }
        """,
    )


def test_a_context_an_interface_sets_is_read_on_the_interface_field_inside_a_fragment() -> None:
    assert_plan(
        "context_pets",
        """
        { animals { ... on Dog { toy { label } } } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "pets") { { animals { __typename ... on Dog { toy { __typename id } } contextualArgument_1_0: name } } },
            Flatten(path: "animals.@|[Dog].toy") {
              Fetch(service: "pets", contextRewrites: [../contextualArgument_1_0 -> contextualArgument_1_0]) { { ... on Toy { __typename id } } => { ... on Toy { label(petName: $contextualArgument_1_0) } } },
            },
          },
        }
        """,
    )


def test_a_selection_with_type_conditions_becomes_one_rewrite_per_type() -> None:
    assert_plan(
        "context_pets",
        """
        { owners { ... on Person { gift { card(size: 2) } } ... on Company { title gift { card } } } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "pets") { { owners { __typename ... on Person { gift { __typename id } contextualArgument_1_0: name } ... on Company { title gift { __typename id } contextualArgument_1_0: title } } } },
            Parallel {
              Flatten(path: "owners.@|[Person].gift") {
                Fetch(service: "pets", contextRewrites: [../... on Person/contextualArgument_1_0 -> contextualArgument_1_0, ../... on Company/contextualArgument_1_0 -> contextualArgument_1_0]) { { ... on Gift { __typename id } } => { ... on Gift { card(size: 2, to: $contextualArgument_1_0) } } },
              },
              Flatten(path: "owners.@|[Company].gift") {
                Fetch(service: "pets", contextRewrites: [../... on Person/contextualArgument_1_0 -> contextualArgument_1_0, ../... on Company/contextualArgument_1_0 -> contextualArgument_1_0]) { { ... on Gift { __typename id } } => { ... on Gift { card(to: $contextualArgument_1_0) } } },
              },
            },
          },
        }
        """,
    )


def test_the_context_variable_is_declared_but_not_a_client_variable_usage() -> None:
    query_plan = plan(
        supergraph("context_sites"),
        parse("query Q($r: Boolean) { store(id: 1) { items { price(rounded: $r) } } }"),
        "Q",
    )
    fetch = query_plan.to_json()["node"]["nodes"][2]["node"]
    assert fetch["operation"] == (
        "query Q__pricing__3($representations: [_Any!]!, $contextualArgument_1_0: String, $r: Boolean)"
        " { _entities(representations: $representations)"
        " { ... on Item { price(rounded: $r, currency: $contextualArgument_1_0) } } }"
    )
    assert fetch["variableUsages"] == ["r"]
    assert json.dumps(fetch["contextRewrites"]) == json.dumps(
        [
            {
                "kind": "KeyRenamer",
                "path": ["..", "contextualArgument_1_0"],
                "renameKeyTo": "contextualArgument_1_0",
            }
        ]
    )


def _edited_context_supergraph(old: str, new: str) -> Supergraph:
    sdl = (Path(FIXTURES) / "context.graphql").read_text()
    assert old in sdl
    return load_supergraph(sdl.replace(old, new))


def test_a_field_whose_context_no_enclosing_selection_sets_is_unsatisfiable() -> None:
    sg = _edited_context_supergraph(
        "store: Store @join__field(graph: CATALOG)",
        "store: Store @join__field(graph: CATALOG)\n  item: Item @join__field(graph: CATALOG)",
    )
    with pytest.raises(UnsatisfiableError, match=r'"Item\.label".*context "site", which no enclosing'):
        plan(sg, parse("{ item { label } }"))


def test_a_field_two_subgraphs_resolve_only_with_context_fails_with_unsupported_feature() -> None:
    sg = _edited_context_supergraph(
        ") @join__field(graph: PRICING)",
        ') @join__field(graph: PRICING, contextArguments: [{context: "catalog__site", name: "currency",'
        ' type: "String", selection: " { currency }"}])',
    )
    with pytest.raises(
        UnsupportedFeatureError, match=r'"Item\.price" takes @fromContext arguments in several'
    ) as info:
        plan(sg, parse("{ store { items { price } } }"))
    assert info.value.code == "UNSUPPORTED_FEATURE"

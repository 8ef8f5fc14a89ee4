"""@defer: a primary part and one part per deferred fragment (``Defer``/``DeferredNode``)."""

from __future__ import annotations

import textwrap
from typing import Any

from graphql import GraphQLDeferDirective, GraphQLSchema, parse, validate

from router.planner import plan, print_plan

from .testkit import supergraph


def assert_defer_plan(operation: str, expected: str, defer_variables: dict[str, Any] | None = None) -> None:
    sg = supergraph("shop")
    kwargs = sg.api_schema.to_kwargs()
    kwargs["directives"] = (*sg.api_schema.directives, GraphQLDeferDirective)
    document = parse(operation)
    assert not validate(GraphQLSchema(**kwargs), document)
    got = print_plan(plan(sg, document, defer_variables=defer_variables))
    assert got == textwrap.dedent(expected).strip(), "\n" + got


def test_a_deferred_fragment_on_an_entity_starts_with_a_jump_after_the_primary_fetch() -> None:
    assert_defer_plan(
        "{ me { name ... @defer { reviews { body } } } }",
        """
        QueryPlan {
          Defer {
            Primary {
              Fetch(service: "accounts") { { me { __typename name id } } },
            },
            Deferred(id: "0", path: "me", subselection: "{ ... { reviews { body } } }") {
              Flatten(path: "me") {
                Fetch(service: "reviews") { { ... on User { __typename id } } => { ... on User { reviews { body } } } },
              },
            },
          },
        }
        """,
    )


def test_a_deferred_field_of_the_same_subgraph_gets_its_own_entity_fetch_with_its_label() -> None:
    assert_defer_plan(
        '{ me { name ... @defer(label: "profile") { username } } }',
        """
        QueryPlan {
          Defer {
            Primary {
              Fetch(service: "accounts") { { me { __typename name id } } },
            },
            Deferred(id: "0", label: "profile", path: "me", subselection: "{ ... { username } }") {
              Flatten(path: "me") {
                Fetch(service: "accounts") { { ... on User { __typename id } } => { ... on User { username } } },
              },
            },
          },
        }
        """,
    )


def test_a_nested_deferred_fragment_depends_on_the_one_around_it() -> None:
    assert_defer_plan(
        '{ topProducts { name ... @defer { reviews { body ... @defer(label: "inner") { author { name } } } } } }',
        """
        QueryPlan {
          Defer {
            Primary {
              Fetch(service: "products") { { topProducts { __typename name upc } } },
            },
            Deferred(id: "0", path: "topProducts.@", subselection: "{ ... { reviews { body ... @defer(label: \\"inner\\") { author { name } } } } }") {
              Flatten(path: "topProducts.@") {
                Fetch(service: "reviews") { { ... on Product { __typename upc } } => { ... on Product { reviews { __typename body id } } } },
              },
            },
            Deferred(id: "1", depends: "0", label: "inner", path: "topProducts.@.reviews.@", subselection: "{ ... { author { name } } }") {
              Sequence {
                Flatten(path: "topProducts.@.reviews.@") {
                  Fetch(service: "reviews") { { ... on Review { __typename id } } => { ... on Review { author { __typename id } } } },
                },
                Flatten(path: "topProducts.@.reviews.@.author") {
                  Fetch(service: "accounts") { { ... on User { __typename id } } => { ... on User { name } } },
                },
              },
            },
          },
        }
        """,
    )


def test_defer_if_a_true_variable_defers() -> None:
    assert_defer_plan(
        "query($d: Boolean!) { me { name ... @defer(if: $d) { reviews { body } } } }",
        """
        QueryPlan {
          Defer {
            Primary {
              Fetch(service: "accounts") { { me { __typename name id } } },
            },
            Deferred(id: "0", path: "me", subselection: "{ ... { reviews { body } } }") {
              Flatten(path: "me") {
                Fetch(service: "reviews") { { ... on User { __typename id } } => { ... on User { reviews { body } } } },
              },
            },
          },
        }
        """,
        {"d": True},
    )


def test_defer_if_a_false_variable_plans_as_without_defer() -> None:
    assert_defer_plan(
        "query($d: Boolean!) { me { name ... @defer(if: $d) { reviews { body } } } }",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "accounts") { { me { __typename name id } } },
            Flatten(path: "me") {
              Fetch(service: "reviews") { { ... on User { __typename id } } => { ... on User { reviews { body } } } },
            },
          },
        }
        """,
        {"d": False},
    )


def test_a_deferred_fragment_on_the_root_is_planned_as_root_fetches() -> None:
    assert_defer_plan(
        "{ me { name } ... @defer { topProducts { name } } }",
        """
        QueryPlan {
          Defer {
            Primary {
              Fetch(service: "accounts") { { me { name } } },
            },
            Deferred(id: "0", path: "", subselection: "{ ... { topProducts { name } } }") {
              Fetch(service: "products") { { topProducts { name } } },
            },
          },
        }
        """,
    )


def test_defer_if_false_literal_plans_exactly_as_without_defer() -> None:
    sg = supergraph("shop")
    with_defer = plan(sg, parse("{ me { name ... @defer(if: false) { reviews { body } } } }"))
    without = plan(sg, parse("{ me { name ... { reviews { body } } } }"))
    assert print_plan(with_defer) == print_plan(without)


def test_a_defer_plan_serialises_like_apollos_defer_node() -> None:
    sg = supergraph("shop")
    node = plan(sg, parse('{ me { name ... @defer(label: "r") { reviews { body } } } }')).to_json()["node"]
    assert node["kind"] == "Defer"
    assert node["primary"]["node"]["kind"] == "Fetch"
    [deferred] = node["deferred"]
    assert {k: deferred[k] for k in ("id", "depends", "label", "queryPath", "subselection")} == {
        "id": "0",
        "depends": [],
        "label": "r",
        "queryPath": ["me"],
        "subselection": "{ ... { reviews { body } } }",
    }
    assert deferred["node"]["kind"] == "Flatten"

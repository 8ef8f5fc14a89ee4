"""@skip/@include: literal ones are applied, variable ones become conditions."""

from __future__ import annotations

from .testkit import assert_plan


def test_a_literal_skip_removes_the_field_and_its_fetch() -> None:
    assert_plan(
        "shop",
        """
        { me { name reviews @skip(if: true) { body } } }
        """,
        """
        QueryPlan {
          Fetch(service: "accounts") { { me { name } } },
        }
        """,
    )


def test_a_literal_include_true_is_dropped() -> None:
    assert_plan(
        "shop",
        """
        { me { name @include(if: true) } }
        """,
        """
        QueryPlan {
          Fetch(service: "accounts") { { me { name } } },
        }
        """,
    )


def test_a_variable_include_on_a_field_of_another_subgraph_becomes_a_condition() -> None:
    assert_plan(
        "shop",
        """
        query ($withReviews: Boolean!) { me { name reviews @include(if: $withReviews) { body } } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "accounts") { { me { __typename name id } } },
            Include(if: $withReviews) {
              Flatten(path: "me") {
                Fetch(service: "reviews") { { ... on User { __typename id } } => { ... on User { reviews { body } } } },
              },
            },
          },
        }
        """,
    )


def test_an_unconditional_sibling_does_not_vanish() -> None:
    assert_plan(
        "shop",
        """
        query ($x: Boolean!) { me { name @include(if: $x) username } }
        """,
        """
        QueryPlan {
          Fetch(service: "accounts") { { me { name @include(if: $x) username } } },
        }
        """,
    )


def test_a_conditional_duplicate_of_an_unconditional_field_is_merged_into_it() -> None:
    assert_plan(
        "shop",
        """
        query ($x: Boolean!) { me { name @include(if: $x) name } }
        """,
        """
        QueryPlan {
          Fetch(service: "accounts") { { me { name } } },
        }
        """,
    )


def test_a_conditional_root_field_gets_its_own_condition() -> None:
    assert_plan(
        "shop",
        """
        query ($x: Boolean!) { me @skip(if: $x) { name } topProducts { name } }
        """,
        """
        QueryPlan {
          Parallel {
            Skip(if: $x) {
              Fetch(service: "accounts") { { me { name } } },
            },
            Fetch(service: "products") { { topProducts { name } } },
          },
        }
        """,
    )


def test_a_condition_shared_with_an_unconditional_field_stays_in_the_entity_query() -> None:
    assert_plan(
        "shop",
        """
        query ($x: Boolean!) { topProducts { reviews @include(if: $x) { body } relatedGroups { upc } } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "products") { { topProducts { __typename upc } } },
            Flatten(path: "topProducts.@") {
              Fetch(service: "reviews") { { ... on Product { __typename upc } } => { ... on Product { reviews @include(if: $x) { body } relatedGroups { upc } } } },
            },
          },
        }
        """,
    )


def test_nested_conditions_wrap_each_fetch_once() -> None:
    assert_plan(
        "shop",
        """
        query ($x: Boolean!, $y: Boolean!) { me @include(if: $x) { reviews @skip(if: $y) { body } } }
        """,
        """
        QueryPlan {
          Include(if: $x) {
            Sequence {
              Fetch(service: "accounts") { { me { __typename id } } },
              Skip(if: $y) {
                Flatten(path: "me") {
                  Fetch(service: "reviews") { { ... on User { __typename id } } => { ... on User { reviews { body } } } },
                },
              },
            },
          },
        }
        """,
    )


def test_inputs_of_a_conditional_requiring_field_share_the_unconditional_fetch() -> None:
    assert_plan(
        "requires",
        """
        query ($x: Boolean!) { order(id: 1) { product { name shippingCost @include(if: $x) } } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "orders") { { order(id: 1) { product { __typename id } } } },
            Flatten(path: "order.product") {
              Fetch(service: "catalog") { { ... on Product { __typename id } } => { ... on Product { name weight dims { length } } } },
            },
            Include(if: $x) {
              Flatten(path: "order.product") {
                Fetch(service: "shipping") { { ... on Product { __typename id weight dims { length } } } => { ... on Product { shippingCost } } },
              },
            },
          },
        }
        """,
    )


def test_a_conditional_fragment_keeps_its_condition_in_the_subgraph_query() -> None:
    assert_plan(
        "shop",
        """
        query ($x: Boolean!) { me { id ... @include(if: $x) { name reviews { body } } } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "accounts") { { me { id ... @include(if: $x) { __typename name id } } } },
            Include(if: $x) {
              Flatten(path: "me") {
                Fetch(service: "reviews") { { ... on User { __typename id } } => { ... on User { reviews { body } } } },
              },
            },
          },
        }
        """,
    )

"""@requires: required fields are fetched first, then the requiring field, in chains."""

from __future__ import annotations

from .testkit import assert_plan


def test_requires_fetches_weight_and_length_before_shipping_cost() -> None:
    assert_plan(
        "requires",
        """
        { order(id: 1) { product { shippingCost } } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "orders") { { order(id: 1) { product { __typename id } } } },
            Flatten(path: "order.product") {
              Fetch(service: "catalog") { { ... on Product { __typename id } } => { ... on Product { weight dims { length } } } },
            },
            Flatten(path: "order.product") {
              Fetch(service: "shipping") { { ... on Product { __typename id weight dims { length } } } => { ... on Product { shippingCost } } },
            },
          },
        }
        """,
    )


def test_a_requires_chain_waits_for_each_required_field() -> None:
    assert_plan(
        "requires",
        """
        { order(id: 1) { product { insuredCost } } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "orders") { { order(id: 1) { product { __typename id } } } },
            Flatten(path: "order.product") {
              Fetch(service: "catalog") { { ... on Product { __typename id } } => { ... on Product { weight dims { length } } } },
            },
            Flatten(path: "order.product") {
              Fetch(service: "shipping") { { ... on Product { __typename id weight dims { length } } } => { ... on Product { shippingCost } } },
            },
            Flatten(path: "order.product") {
              Fetch(service: "insurance") { { ... on Product { __typename id shippingCost } } => { ... on Product { insuredCost } } },
            },
          },
        }
        """,
    )


def test_required_fields_also_asked_by_the_client_are_fetched_once() -> None:
    assert_plan(
        "requires",
        """
        { order(id: 1) { product { name weight shippingCost } } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "orders") { { order(id: 1) { product { __typename id } } } },
            Flatten(path: "order.product") {
              Fetch(service: "catalog") { { ... on Product { __typename id } } => { ... on Product { name weight dims { length } } } },
            },
            Flatten(path: "order.product") {
              Fetch(service: "shipping") { { ... on Product { __typename id weight dims { length } } } => { ... on Product { shippingCost } } },
            },
          },
        }
        """,
    )


def test_a_requiring_field_of_the_current_subgraph_jumps_back_into_it() -> None:
    assert_plan(
        "circular_requires",
        """
        { products { x } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") { { products { __typename id } } },
            Flatten(path: "products.@") {
              Fetch(service: "b") { { ... on Product { __typename id } } => { ... on Product { b } } },
            },
            Flatten(path: "products.@") {
              Fetch(service: "a") { { ... on Product { __typename id b } } => { ... on Product { x } } },
            },
          },
        }
        """,
    )


def test_a_requiring_fetch_waits_for_every_branch_that_produces_its_inputs() -> None:
    assert_plan(
        "requires_wait",
        """
        { t { z } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") { { t { __typename id } } },
            Parallel {
              Flatten(path: "t") {
                Fetch(service: "b") { { ... on T { __typename id } } => { ... on T { x } } },
              },
              Sequence {
                Flatten(path: "t") {
                  Fetch(service: "e") { { ... on T { __typename id } } => { ... on T { sku } } },
                },
                Flatten(path: "t") {
                  Fetch(service: "c") { { ... on T { __typename sku } } => { ... on T { y } } },
                },
              },
            },
            Flatten(path: "t") {
              Fetch(service: "d") { { ... on T { __typename id x y } } => { ... on T { z } } },
            },
          },
        }
        """,
    )


def test_requires_in_both_directions_between_two_subgraphs_are_ordered() -> None:
    assert_plan(
        "circular_requires",
        """
        { products { x y } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") { { products { __typename id a } } },
            Flatten(path: "products.@") {
              Fetch(service: "b") { { ... on Product { __typename id a } } => { ... on Product { b y } } },
            },
            Flatten(path: "products.@") {
              Fetch(service: "a") { { ... on Product { __typename id b } } => { ... on Product { x } } },
            },
          },
        }
        """,
    )

"""Executable directives other than @skip/@include are passed on to the subgraph as written."""

from __future__ import annotations

from .testkit import assert_plan


def test_a_custom_directive_is_sent_with_its_field() -> None:
    assert_plan(
        "apollo_v05",
        """
        { topProducts { name @lowercase } }
        """,
        """
        QueryPlan {
          Fetch(service: "products") { { topProducts { name @lowercase } } },
        }
        """,
    )


def test_a_custom_directive_stays_next_to_a_variable_condition() -> None:
    assert_plan(
        "apollo_v05",
        """
        query ($x: Boolean!) { topProducts { name @lowercase @include(if: $x) shippingEstimate } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "products") { { topProducts { __typename name @include(if: $x) @lowercase upc weight } } },
            Flatten(path: "topProducts.@") {
              Fetch(service: "inventory") { { ... on Product { __typename upc weight } } => { ... on Product { shippingEstimate } } },
            },
          },
        }
        """,
    )

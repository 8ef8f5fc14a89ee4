"""Variables and default values are declared in each fetch that uses them, and only there."""

from __future__ import annotations

from .testkit import assert_plan


def test_a_variable_is_declared_only_in_the_fetch_that_uses_it() -> None:
    assert_plan(
        "shop",
        """
        query ($upc: String!, $n: Int) { product(upc: $upc) { reviews { body } } topProducts(first: $n) { name } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "products") { { product(upc: $upc) { __typename upc } topProducts(first: $n) { name } } },
            Flatten(path: "product") {
              Fetch(service: "reviews") { { ... on Product { __typename upc } } => { ... on Product { reviews { body } } } },
            },
          },
        }
        """,
    )


def test_inline_arguments_need_no_variables() -> None:
    assert_plan(
        "shop",
        """
        { topProducts(first: 2) { name } }
        """,
        """
        QueryPlan {
          Fetch(service: "products") { { topProducts(first: 2) { name } } },
        }
        """,
    )

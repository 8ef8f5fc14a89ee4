"""@shareable: a field several subgraphs resolve is taken where the fetch already is."""

from __future__ import annotations

from .testkit import assert_plan


def test_a_shareable_field_is_resolved_by_the_subgraph_of_the_root_field() -> None:
    assert_plan(
        "shareable",
        """
        { products { name } featured { name } }
        """,
        """
        QueryPlan {
          Parallel {
            Fetch(service: "a") { { products { name } } },
            Fetch(service: "b") { { featured { name } } },
          },
        }
        """,
    )


def test_a_shareable_field_stays_in_the_current_fetch_next_to_a_jump() -> None:
    assert_plan(
        "shareable",
        """
        { products { name stock } featured { name price } }
        """,
        """
        QueryPlan {
          Parallel {
            Sequence {
              Fetch(service: "a") { { products { __typename name id } } },
              Flatten(path: "products.@") {
                Fetch(service: "b") { { ... on Product { __typename id } } => { ... on Product { stock } } },
              },
            },
            Sequence {
              Fetch(service: "b") { { featured { __typename name id } } },
              Flatten(path: "featured") {
                Fetch(service: "a") { { ... on Product { __typename id } } => { ... on Product { price } } },
              },
            },
          },
        }
        """,
    )

"""Entity jumps: a field of another subgraph is fetched through the entity's key."""

from __future__ import annotations

from .testkit import assert_plan


def test_a_field_of_another_subgraph_is_fetched_through_the_key() -> None:
    assert_plan(
        "shop",
        """
        { me { name reviews { body } } }
        """,
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
    )


def test_jumps_at_several_depths_follow_each_other() -> None:
    assert_plan(
        "shop",
        """
        { topProducts { name reviews { body author { name } } } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "products") { { topProducts { __typename name upc } } },
            Flatten(path: "topProducts.@") {
              Fetch(service: "reviews") { { ... on Product { __typename upc } } => { ... on Product { reviews { body author { __typename id } } } } },
            },
            Flatten(path: "topProducts.@.reviews.@.author") {
              Fetch(service: "accounts") { { ... on User { __typename id } } => { ... on User { name } } },
            },
          },
        }
        """,
    )


def test_fields_of_one_subgraph_at_one_path_share_one_entity_fetch() -> None:
    assert_plan(
        "shop",
        """
        { topProducts { reviews { body } relatedGroups { upc } } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "products") { { topProducts { __typename upc } } },
            Flatten(path: "topProducts.@") {
              Fetch(service: "reviews") { { ... on Product { __typename upc } } => { ... on Product { reviews { body } relatedGroups { upc } } } },
            },
          },
        }
        """,
    )


def test_independent_jumps_from_one_fetch_run_in_parallel() -> None:
    assert_plan(
        "shop",
        """
        { topProducts { name inStock reviews { body } } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "products") { { topProducts { __typename name upc } } },
            Parallel {
              Flatten(path: "topProducts.@") {
                Fetch(service: "inventory") { { ... on Product { __typename upc } } => { ... on Product { inStock } } },
              },
              Flatten(path: "topProducts.@") {
                Fetch(service: "reviews") { { ... on Product { __typename upc } } => { ... on Product { reviews { body } } } },
              },
            },
          },
        }
        """,
    )

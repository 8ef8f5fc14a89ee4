"""Lists and lists of lists: one @ per list level in flatten paths."""

from __future__ import annotations

from .testkit import assert_plan


def test_each_list_level_adds_an_item_segment() -> None:
    assert_plan(
        "shop",
        """
        { latestReviews { product { inStock } } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "reviews") { { latestReviews { product { __typename upc } } } },
            Flatten(path: "latestReviews.@.product") {
              Fetch(service: "inventory") { { ... on Product { __typename upc } } => { ... on Product { inStock } } },
            },
          },
        }
        """,
    )


def test_a_list_of_lists_adds_two_item_segments() -> None:
    assert_plan(
        "shop",
        """
        { topProducts { relatedGroups { name inStock } } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "products") { { topProducts { __typename upc } } },
            Flatten(path: "topProducts.@") {
              Fetch(service: "reviews") { { ... on Product { __typename upc } } => { ... on Product { relatedGroups { __typename upc } } } },
            },
            Parallel {
              Flatten(path: "topProducts.@.relatedGroups.@.@") {
                Fetch(service: "products") { { ... on Product { __typename upc } } => { ... on Product { name } } },
              },
              Flatten(path: "topProducts.@.relatedGroups.@.@") {
                Fetch(service: "inventory") { { ... on Product { __typename upc } } => { ... on Product { inStock } } },
              },
            },
          },
        }
        """,
    )

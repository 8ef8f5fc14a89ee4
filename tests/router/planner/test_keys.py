"""Composite, nested and multiple keys; choosing among keys and subgraphs by cost."""

from __future__ import annotations

from .testkit import assert_plan


def test_a_composite_nested_key_is_selected_whole_as_the_representation() -> None:
    assert_plan(
        "keys",
        """
        { items { price } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "catalog") { { items { __typename id region { code } } } },
            Flatten(path: "items.@") {
              Fetch(service: "pricing") { { ... on Item { __typename id region { code } } } => { ... on Item { price } } },
            },
          },
        }
        """,
    )


def test_a_second_key_of_the_entity_reaches_a_subgraph_keyed_differently() -> None:
    assert_plan(
        "keys",
        """
        { items { stock } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "catalog") { { items { __typename sku } } },
            Flatten(path: "items.@") {
              Fetch(service: "stock") { { ... on Item { __typename sku } } => { ... on Item { stock } } },
            },
          },
        }
        """,
    )


def test_a_shareable_field_is_fetched_where_another_field_already_needs_a_fetch() -> None:
    assert_plan(
        "keys",
        """
        { items { price label } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "catalog") { { items { __typename id region { code } } } },
            Flatten(path: "items.@") {
              Fetch(service: "pricing") { { ... on Item { __typename id region { code } } } => { ... on Item { price label } } },
            },
          },
        }
        """,
    )


def test_the_same_field_follows_the_cheaper_subgraph_for_another_selection() -> None:
    assert_plan(
        "keys",
        """
        { items { stock label } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "catalog") { { items { __typename sku } } },
            Flatten(path: "items.@") {
              Fetch(service: "stock") { { ... on Item { __typename sku } } => { ... on Item { stock label } } },
            },
          },
        }
        """,
    )


def test_fields_of_two_subgraphs_keyed_differently_run_in_parallel() -> None:
    assert_plan(
        "keys",
        """
        { items { name price stock } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "catalog") { { items { __typename name id region { code } sku } } },
            Parallel {
              Flatten(path: "items.@") {
                Fetch(service: "pricing") { { ... on Item { __typename id region { code } } } => { ... on Item { price } } },
              },
              Flatten(path: "items.@") {
                Fetch(service: "stock") { { ... on Item { __typename sku } } => { ... on Item { stock } } },
              },
            },
          },
        }
        """,
    )

"""Key chains: reaching a subgraph whose key only another subgraph can provide (A -> B -> C)."""

from __future__ import annotations

from .testkit import assert_plan


def test_a_key_known_only_to_a_middle_subgraph_is_fetched_first() -> None:
    assert_plan(
        "key_chain",
        """
        { a { c } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") { { a { __typename id } } },
            Flatten(path: "a") {
              Fetch(service: "b") { { ... on T { __typename id } } => { ... on T { sku } } },
            },
            Flatten(path: "a") {
              Fetch(service: "c") { { ... on T { __typename sku } } => { ... on T { c } } },
            },
          },
        }
        """,
    )


def test_fields_of_the_middle_subgraph_join_the_fetch_that_gets_the_key() -> None:
    assert_plan(
        "key_chain",
        """
        { a { b c } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") { { a { __typename id } } },
            Flatten(path: "a") {
              Fetch(service: "b") { { ... on T { __typename id } } => { ... on T { b sku } } },
            },
            Flatten(path: "a") {
              Fetch(service: "c") { { ... on T { __typename sku } } => { ... on T { c } } },
            },
          },
        }
        """,
    )


def test_the_middle_subgraph_alone_needs_one_jump() -> None:
    assert_plan(
        "key_chain",
        """
        { a { id b } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") { { a { __typename id } } },
            Flatten(path: "a") {
              Fetch(service: "b") { { ... on T { __typename id } } => { ... on T { b } } },
            },
          },
        }
        """,
    )


def test_a_shareable_field_comes_from_the_subgraph_reached_without_a_chain() -> None:
    assert_plan(
        "key_chain",
        """
        { a { shared } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") { { a { __typename id } } },
            Flatten(path: "a") {
              Fetch(service: "b") { { ... on T { __typename id } } => { ... on T { shared } } },
            },
          },
        }
        """,
    )


def test_a_shareable_field_joins_the_fetch_at_the_end_of_a_chain_it_needs_anyway() -> None:
    assert_plan(
        "key_chain",
        """
        { a { c shared } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") { { a { __typename id } } },
            Flatten(path: "a") {
              Fetch(service: "b") { { ... on T { __typename id } } => { ... on T { sku } } },
            },
            Flatten(path: "a") {
              Fetch(service: "c") { { ... on T { __typename sku } } => { ... on T { c shared } } },
            },
          },
        }
        """,
    )

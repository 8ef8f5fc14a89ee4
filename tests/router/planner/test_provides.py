"""@provides: a provided field is read where the fetch already is, without a jump."""

from __future__ import annotations

from .testkit import assert_plan


def test_a_provided_field_needs_no_jump() -> None:
    assert_plan(
        "provides",
        """
        { reviews { body author { name } } }
        """,
        """
        QueryPlan {
          Fetch(service: "reviews") { { reviews { body author { name } } } },
        }
        """,
    )


def test_only_fields_not_provided_jump_to_the_owner() -> None:
    assert_plan(
        "provides",
        """
        { reviews { author { name email } } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "reviews") { { reviews { author { __typename name id } } } },
            Flatten(path: "reviews.@.author") {
              Fetch(service: "users") { { ... on User { __typename id } } => { ... on User { email } } },
            },
          },
        }
        """,
    )


def test_a_nested_provides_covers_fields_of_a_nested_entity() -> None:
    assert_plan(
        "provides",
        """
        { feature { title author { name } } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "reviews") { { feature { __typename author { name } id } } },
            Flatten(path: "feature") {
              Fetch(service: "posts") { { ... on Post { __typename id } } => { ... on Post { title } } },
            },
          },
        }
        """,
    )


def test_a_field_beside_a_nested_provided_one_jumps_from_the_nested_entity() -> None:
    assert_plan(
        "provides",
        """
        { feature { author { name email } } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "reviews") { { feature { author { __typename name id } } } },
            Flatten(path: "feature.author") {
              Fetch(service: "users") { { ... on User { __typename id } } => { ... on User { email } } },
            },
          },
        }
        """,
    )


def test_provides_on_an_abstract_field_covers_only_the_named_type() -> None:
    assert_plan(
        "abstract_provides",
        """
        { shelf { items { ... on Book { title } ... on Movie { title } } } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "shelf") { { shelf { items { __typename ... on Book { title } ... on Movie { __typename id } } } } },
            Flatten(path: "shelf.items.@|[Movie]") {
              Fetch(service: "library") { { ... on Movie { __typename id } } => { ... on Movie { title } } },
            },
          },
        }
        """,
    )


def test_a_field_beside_a_provided_one_jumps_with_a_type_filter() -> None:
    assert_plan(
        "abstract_provides",
        """
        { shelf { items { ... on Book { title author } } } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "shelf") { { shelf { items { __typename ... on Book { __typename title id } } } } },
            Flatten(path: "shelf.items.@|[Book]") {
              Fetch(service: "library") { { ... on Book { __typename id } } => { ... on Book { author } } },
            },
          },
        }
        """,
    )

"""Inline, named and nested fragments are inlined and merged before planning."""

from __future__ import annotations

from .testkit import assert_plan


def test_named_fragments_are_inlined() -> None:
    assert_plan(
        "shop",
        """
        query { me { ...UserParts } } fragment UserParts on User { name reviews { body } }
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


def test_nested_fragments_merge_with_sibling_fields() -> None:
    assert_plan(
        "shop",
        """
        query { me { name ... on User { username ...R } } } fragment R on User { reviews { body ...P } } fragment P on Review { product { name } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "accounts") { { me { __typename name username id } } },
            Flatten(path: "me") {
              Fetch(service: "reviews") { { ... on User { __typename id } } => { ... on User { reviews { body product { __typename upc } } } } },
            },
            Flatten(path: "me.reviews.@.product") {
              Fetch(service: "products") { { ... on Product { __typename upc } } => { ... on Product { name } } },
            },
          },
        }
        """,
    )


def test_the_same_field_in_two_fragments_is_fetched_once() -> None:
    assert_plan(
        "shop",
        """
        query { me { ...A ...B } } fragment A on User { reviews { body } } fragment B on User { reviews { id body } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "accounts") { { me { __typename id } } },
            Flatten(path: "me") {
              Fetch(service: "reviews") { { ... on User { __typename id } } => { ... on User { reviews { body id } } } },
            },
          },
        }
        """,
    )

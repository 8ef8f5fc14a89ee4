"""Bugs found once, with the plan that would have caught them."""

from __future__ import annotations

from .testkit import assert_plan


def test_a_field_returning_a_union_selects_typename_for_its_type_conditions() -> None:
    assert_plan(
        "abstract",
        """
        { search { ... on Movie { title } } }
        """,
        """
        QueryPlan {
          Fetch(service: "media") { { search { __typename ... on Movie { title } } } },
        }
        """,
    )


def test_the_jump_from_an_interface_object_selects_the_real_typename() -> None:
    assert_plan(
        "interface_object",
        """
        { topAccount { ... on Admin { level } } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "billing") { { topAccount { __typename id } } },
            Flatten(path: "topAccount") {
              Fetch(service: "accounts") { { ... on Account { __typename id } } => { ... on Account { __typename ... on Admin { level } } } },
            },
          },
        }
        """,
    )


def test_a_field_left_without_selections_still_asks_for_typename() -> None:
    assert_plan(
        "abstract",
        """
        { search { ... on Song { artist } } }
        """,
        """
        QueryPlan {
          Fetch(service: "media") { { search { __typename } } },
        }
        """,
    )


def test_a_fragment_on_an_interface_inside_a_union_is_not_flattened_onto_the_union() -> None:
    assert_plan(
        "abstract",
        """
        { search { ... on Media { title } } }
        """,
        """
        QueryPlan {
          Fetch(service: "media") { { search { __typename ... on Media { title } } } },
        }
        """,
    )

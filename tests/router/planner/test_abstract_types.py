"""Interfaces and unions whose members differ per subgraph."""

from __future__ import annotations

from .testkit import assert_plan


def test_interface_fields_resolved_everywhere_stay_on_the_interface() -> None:
    assert_plan(
        "abstract",
        """
        { feed { id title } }
        """,
        """
        QueryPlan {
          Fetch(service: "media") { { feed { __typename id title } } },
        }
        """,
    )


def test_fields_of_implementations_in_another_subgraph_jump_per_type() -> None:
    assert_plan(
        "abstract",
        """
        { feed { title ... on Book { isbn } ... on Movie { rating } } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "media") { { feed { __typename title ... on Book { __typename id } ... on Movie { __typename id } } } },
            Flatten(path: "feed.@|[Book,Movie]") {
              Fetch(service: "extra") { { ... on Book { __typename id } ... on Movie { __typename id } } => { ... on Book { isbn } ... on Movie { rating } } },
            },
          },
        }
        """,
    )


def test_a_union_member_this_subgraph_never_returns_yields_no_fetch() -> None:
    assert_plan(
        "abstract",
        """
        { search { ... on Song { artist } ... on Movie { title } } }
        """,
        """
        QueryPlan {
          Fetch(service: "media") { { search { __typename ... on Movie { title } } } },
        }
        """,
    )


def test_a_union_member_resolved_elsewhere_jumps_with_a_type_filter() -> None:
    assert_plan(
        "abstract",
        """
        { recommend { ... on Book { isbn title } ... on Movie { title } ... on Song { artist } } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "extra") { { recommend { __typename ... on Book { __typename isbn id } ... on Song { artist } } } },
            Flatten(path: "recommend.@|[Book]") {
              Fetch(service: "media") { { ... on Book { __typename id } } => { ... on Book { title } } },
            },
          },
        }
        """,
    )


def test_a_fragment_on_the_interface_inside_a_union_keeps_its_members() -> None:
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


def test_an_interface_field_another_subgraph_lacks_is_asked_per_implementation() -> None:
    assert_plan(
        "abstract",
        """
        { library { id title ... on Movie { rating } ... on Book { isbn } } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "extra") { { library { __typename id ... on Book { __typename isbn id } ... on Song { title } } } },
            Flatten(path: "library.@|[Book]") {
              Fetch(service: "media") { { ... on Book { __typename id } } => { ... on Book { title } } },
            },
          },
        }
        """,
    )


def test_an_implementation_the_subgraph_does_not_have_is_dropped_from_its_fetch() -> None:
    assert_plan(
        "abstract",
        """
        { feed { title ... on Song { artist } } }
        """,
        """
        QueryPlan {
          Fetch(service: "media") { { feed { __typename title } } },
        }
        """,
    )


def test_no_fetch_for_a_type_condition_the_subgraph_never_returns_keeps_the_rest() -> None:
    assert_plan(
        "abstract",
        """
        { search { ... on Song { artist } } feed { title } }
        """,
        """
        QueryPlan {
          Fetch(service: "media") { { search { __typename } feed { __typename title } } },
        }
        """,
    )

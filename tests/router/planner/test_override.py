"""@override: plain overrides move a field; progressive ones follow the enabled labels."""

from __future__ import annotations

from .testkit import assert_plan


def test_a_plainly_overridden_field_is_fetched_from_its_new_subgraph() -> None:
    assert_plan(
        "override",
        """
        { account { balance owner } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "old") { { account { __typename owner id } } },
            Flatten(path: "account") {
              Fetch(service: "new") { { ... on Account { __typename id } } => { ... on Account { balance } } },
            },
          },
        }
        """,
    )


def test_a_progressive_override_keeps_the_old_subgraph_while_its_label_is_off() -> None:
    assert_plan(
        "override",
        """
        { account { tier } }
        """,
        """
        QueryPlan {
          Fetch(service: "old") { { account { tier } } },
        }
        """,
    )


def test_a_progressive_override_uses_the_new_subgraph_when_its_label_is_on() -> None:
    assert_plan(
        "override",
        """
        { account { tier } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "old") { { account { __typename id } } },
            Flatten(path: "account") {
              Fetch(service: "new") { { ... on Account { __typename id } } => { ... on Account { tier } } },
            },
          },
        }
        """,
        override_labels=frozenset(["percent(25)"]),
    )


def test_labels_the_supergraph_does_not_use_change_nothing() -> None:
    assert_plan(
        "override",
        """
        { account { tier balance } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "old") { { account { __typename tier id } } },
            Flatten(path: "account") {
              Fetch(service: "new") { { ... on Account { __typename id } } => { ... on Account { balance } } },
            },
          },
        }
        """,
        override_labels=frozenset(["other"]),
    )


def test_an_overridden_key_field_is_still_read_by_its_old_subgraph_for_a_jump() -> None:
    assert_plan(
        "override",
        """
        { account { entries } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "old") { { account { __typename code } } },
            Flatten(path: "account") {
              Fetch(service: "ledger") { { ... on Account { __typename code } } => { ... on Account { entries } } },
            },
          },
        }
        """,
    )


def test_an_overridden_key_field_asked_by_the_client_comes_from_a_subgraph_that_resolves_it() -> None:
    assert_plan(
        "override",
        """
        { account { code entries } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "old") { { account { __typename code } } },
            Flatten(path: "account") {
              Fetch(service: "ledger") { { ... on Account { __typename code } } => { ... on Account { code entries } } },
            },
          },
        }
        """,
    )

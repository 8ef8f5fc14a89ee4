"""@interfaceObject: __typename and implementations need the subgraph that knows them."""

from __future__ import annotations

from .testkit import assert_plan


def test_an_interface_object_field_is_fetched_with_typename_rewritten() -> None:
    assert_plan(
        "interface_object",
        """
        { accounts { name plan } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "accounts") { { accounts { __typename name ... on Admin { __typename id } ... on Member { __typename id } } } },
            Flatten(path: "accounts.@|[Admin,Member]") {
              Fetch(service: "billing", inputRewrites: [... on Admin/__typename = "Account", ... on Member/__typename = "Account"]) { { ... on Admin { __typename id } ... on Member { __typename id } } => { ... on Account { plan } } },
            },
          },
        }
        """,
    )


def test_typename_of_an_interface_object_comes_from_the_interface_subgraph() -> None:
    assert_plan(
        "interface_object",
        """
        { topAccount { __typename plan } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "billing") { { topAccount { __typename plan id } } },
            Flatten(path: "topAccount") {
              Fetch(service: "accounts") { { ... on Account { __typename id } } => { ... on Account { __typename } } },
            },
          },
        }
        """,
    )


def test_a_fragment_on_an_implementation_jumps_to_the_interface_subgraph() -> None:
    assert_plan(
        "interface_object",
        """
        { topAccount { plan ... on Admin { level } ... on Member { points } } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "billing") { { topAccount { __typename plan id } } },
            Flatten(path: "topAccount") {
              Fetch(service: "accounts") { { ... on Account { __typename id } } => { ... on Account { __typename ... on Admin { level } ... on Member { points } } } },
            },
          },
        }
        """,
    )


def test_interface_fields_of_the_interface_object_need_no_jump() -> None:
    assert_plan(
        "interface_object",
        """
        { topAccount { id plan } }
        """,
        """
        QueryPlan {
          Fetch(service: "billing") { { topAccount { __typename id plan } } },
        }
        """,
    )

"""__typename is answered by whichever subgraph holds the object."""

from __future__ import annotations

from .testkit import assert_plan


def test_typename_is_selected_where_the_object_is() -> None:
    assert_plan(
        "shop",
        """
        { me { __typename name } }
        """,
        """
        QueryPlan {
          Fetch(service: "accounts") { { me { __typename name } } },
        }
        """,
    )


def test_an_aliased_typename_is_kept_next_to_the_planner_one() -> None:
    assert_plan(
        "shop",
        """
        { me { kind: __typename reviews { kind: __typename } } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "accounts") { { me { kind: __typename __typename id } } },
            Flatten(path: "me") {
              Fetch(service: "reviews") { { ... on User { __typename id } } => { ... on User { reviews { kind: __typename } } } },
            },
          },
        }
        """,
    )

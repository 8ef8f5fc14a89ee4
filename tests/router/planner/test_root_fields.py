"""Root fields: grouped per subgraph, fetched in parallel; router-answered fields left out."""

from __future__ import annotations

from .testkit import assert_plan


def test_root_fields_of_one_subgraph_share_one_fetch() -> None:
    assert_plan(
        "shop",
        """
        { me { name } user(id: 1) { username } }
        """,
        """
        QueryPlan {
          Fetch(service: "accounts") { { me { name } user(id: 1) { username } } },
        }
        """,
    )


def test_root_fields_of_different_subgraphs_are_fetched_in_parallel() -> None:
    assert_plan(
        "shop",
        """
        { me { name } topProducts { name } latestReviews { body } }
        """,
        """
        QueryPlan {
          Parallel {
            Fetch(service: "accounts") { { me { name } } },
            Fetch(service: "products") { { topProducts { name } } },
            Fetch(service: "reviews") { { latestReviews { body } } },
          },
        }
        """,
    )


def test_introspection_and_root_typename_need_no_subgraph() -> None:
    assert_plan(
        "shop",
        """
        { __typename __schema { queryType { name } } }
        """,
        """
        QueryPlan {
        }
        """,
    )


def test_root_typename_is_left_out_of_the_subgraph_fetch() -> None:
    assert_plan(
        "shop",
        """
        { __typename me { name } }
        """,
        """
        QueryPlan {
          Fetch(service: "accounts") { { me { name } } },
        }
        """,
    )

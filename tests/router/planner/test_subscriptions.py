"""Subscriptions: the root subscription goes to the one subgraph that owns the root field (the
``primary`` fetch, kept open upstream); the fields of other subgraphs are the ``rest`` of the plan,
run on each event (entity fetches at the event's paths), as in Apollo Router's ``SubscriptionNode``."""

from __future__ import annotations

import pytest
from graphql import parse

from router.planner import Fetch, Flatten, Subscription, UnsupportedFeatureError, plan

from .testkit import assert_plan, supergraph


def test_a_field_of_another_subgraph_is_the_rest_of_the_plan_run_on_each_event() -> None:
    assert_plan(
        "subscriptions",
        "subscription { notificationAdded { message user { name } } }",
        """
        QueryPlan {
          Subscription {
            Primary {
              Fetch(service: "notifications") { { notificationAdded { message user { __typename id } } } },
            },
            Rest {
              Flatten(path: "notificationAdded.user") {
                Fetch(service: "users") { { ... on User { __typename id } } => { ... on User { name } } },
              },
            },
          },
        }
        """,
    )


def test_a_subscription_within_its_subgraph_has_no_rest() -> None:
    assert_plan(
        "subscriptions",
        "subscription Ticks($every: Int!) { ticks(every: $every) }",
        """
        QueryPlan {
          Subscription {
            Primary {
              Fetch(service: "notifications") { { ticks(every: $every) } },
            },
          },
        }
        """,
    )


def test_several_fields_of_other_subgraphs_share_one_rest() -> None:
    assert_plan(
        "subscriptions",
        "subscription { notificationAdded { user { name email } id } }",
        """
        QueryPlan {
          Subscription {
            Primary {
              Fetch(service: "notifications") { { notificationAdded { user { __typename id } id } } },
            },
            Rest {
              Flatten(path: "notificationAdded.user") {
                Fetch(service: "users") { { ... on User { __typename id } } => { ... on User { name email } } },
              },
            },
          },
        }
        """,
    )


def test_the_plan_serialises_like_apollo_routers_subscription_node() -> None:
    query_plan = plan(
        supergraph("subscriptions"), parse("subscription { notificationAdded { user { name } } }")
    )

    node = query_plan.node
    assert isinstance(node, Subscription)
    assert isinstance(node.primary, Fetch) and node.primary.operation_kind == "subscription"
    assert isinstance(node.rest, Flatten)
    as_json = query_plan.to_json()["node"]
    assert as_json["kind"] == "Subscription"
    assert as_json["primary"]["kind"] == "Fetch"
    assert as_json["primary"]["operationKind"] == "subscription"
    assert as_json["primary"]["operation"] == "subscription { notificationAdded { user { __typename id } } }"
    assert as_json["rest"]["kind"] == "Flatten"
    assert as_json["rest"]["path"] == ["notificationAdded", "user"]


def test_a_conditional_root_field_cannot_be_one_upstream_subscription() -> None:
    with pytest.raises(UnsupportedFeatureError, match="one subscription to one subgraph"):
        plan(
            supergraph("subscriptions"),
            parse("subscription ($on: Boolean!) { notificationAdded @include(if: $on) { id } }"),
        )

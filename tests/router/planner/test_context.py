"""``@fromContext`` arguments: planned through a plain subgraph when possible, refused clearly otherwise.

Supplying context values (fetch the context's selection, pass it as the argument) is not planned
yet; an operation that needs it fails with ``UNSUPPORTED_FEATURE`` naming the field.
"""

from __future__ import annotations

import pytest
from graphql import parse

from router.planner import PlanningError, UnsupportedFeatureError, plan

from .testkit import assert_plan, supergraph


def test_a_field_only_a_contextual_subgraph_resolves_fails_with_unsupported_feature() -> None:
    with pytest.raises(
        UnsupportedFeatureError, match=r'"Item\.label" takes arguments from @fromContext'
    ) as info:
        plan(supergraph("context"), parse("{ store { items { id label } } }"))
    assert info.value.code == "UNSUPPORTED_FEATURE"
    assert isinstance(info.value, PlanningError)


def test_the_refusal_looks_through_fragments() -> None:
    with pytest.raises(UnsupportedFeatureError, match=r"Item\.label"):
        plan(supergraph("context"), parse("{ store { ... on Store { items { ... on Item { label } } } } }"))


def test_a_field_another_subgraph_resolves_plainly_is_planned_there() -> None:
    assert_plan(
        "context",
        """
        { store { items { price(rounded: true) discount } } }
        """,
        """
        QueryPlan {
          Sequence {
            Fetch(service: "catalog") { { store { items { __typename id } } } },
            Flatten(path: "store.items.@") {
              Fetch(service: "pricing") { { ... on Item { __typename id } } => { ... on Item { price(rounded: true) discount } } },
            },
          },
        }
        """,
    )

"""Picking the operation to plan: by name, or the only one; PlanningError otherwise."""

from __future__ import annotations

import pytest
from graphql import parse

from router.planner import PlanningError, plan, print_plan

from .testkit import supergraph

DOCUMENT = parse("query Me { me { name } } query Top { topProducts { name } }")


def test_the_named_operation_is_planned() -> None:
    qp = plan(supergraph("shop"), DOCUMENT, "Top")
    assert 'Fetch(service: "products")' in print_plan(qp)


def test_an_unknown_operation_name_is_a_planning_error() -> None:
    with pytest.raises(PlanningError, match="unknown operation named 'Nope'"):
        plan(supergraph("shop"), DOCUMENT, "Nope")


def test_several_operations_without_a_name_is_a_planning_error() -> None:
    with pytest.raises(PlanningError, match="several operations"):
        plan(supergraph("shop"), DOCUMENT)


def test_two_operations_with_the_same_name_is_a_planning_error() -> None:
    document = parse("query A { me { name } } query A { me { id } }")
    with pytest.raises(PlanningError, match="several operations are named 'A'"):
        plan(supergraph("shop"), document, "A")


def test_a_document_with_only_fragments_is_a_planning_error() -> None:
    with pytest.raises(PlanningError, match="no operation"):
        plan(supergraph("shop"), parse("fragment F on User { name }"))


def test_the_only_operation_is_planned_without_a_name() -> None:
    qp = plan(supergraph("shop"), parse("{ me { name } }"))
    assert qp.node is not None

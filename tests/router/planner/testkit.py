"""Planner testkit: load a named fixture supergraph, plan an operation, check it, compare the text form."""

from __future__ import annotations

import textwrap
from functools import cache
from pathlib import Path

from graphql import parse, validate

from router.planner import (
    Condition,
    Fetch,
    Flatten,
    Parallel,
    PlanNode,
    QueryPlan,
    Sequence,
    Subscription,
    plan,
    print_plan,
)
from router.supergraph import Supergraph, load_supergraph

from .plan_checks import check_inputs_fetched_first
from .subgraph_schemas import subgraph_schema

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@cache
def supergraph(name: str) -> Supergraph:
    return load_supergraph((FIXTURES / f"{name}.graphql").read_text())


def plan_text(
    fixture: str,
    operation: str,
    operation_name: str | None = None,
    *,
    override_labels: frozenset[str] = frozenset(),
) -> str:
    sg = supergraph(fixture)
    document = parse(operation)
    errors = validate(sg.api_schema, document)
    assert not errors, errors
    query_plan = plan(sg, document, operation_name, override_labels=override_labels)
    check_plan(fixture, query_plan)
    return print_plan(query_plan)


def check_plan(fixture: str, query_plan: QueryPlan) -> None:
    """What every plan must satisfy: inputs fetched first; each fetch valid for its subgraph."""
    check_inputs_fetched_first(query_plan.node)
    if not (FIXTURES / fixture).is_dir():
        return  # hand-written supergraph: no subgraph schemas to check against
    for fetch in fetches(query_plan.node):
        errors = validate(subgraph_schema(fixture, fetch.service_name), parse(fetch.operation))
        assert not errors, f"{fetch.service_name}: {fetch.operation}\n{errors}"


def fetches(node: PlanNode | None) -> list[Fetch]:
    """Every fetch of a plan, in plan order."""
    if node is None:
        return []
    if isinstance(node, Fetch):
        return [node]
    if isinstance(node, Flatten):
        return [node.node]
    if isinstance(node, Sequence | Parallel):
        return [f for child in node.nodes for f in fetches(child)]
    if isinstance(node, Subscription):
        return [node.primary, *fetches(node.rest)]
    assert isinstance(node, Condition)
    return fetches(node.if_clause) + fetches(node.else_clause)


def assert_plan(
    fixture: str,
    operation: str,
    expected: str,
    operation_name: str | None = None,
    *,
    override_labels: frozenset[str] = frozenset(),
) -> None:
    got = plan_text(fixture, operation, operation_name, override_labels=override_labels)
    assert got == textwrap.dedent(expected).strip(), "\n" + got

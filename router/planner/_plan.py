"""``plan()``: operation + supergraph -> query plan, the pipeline of PLANNER.md top to bottom."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._assemble import assemble_plan
from ._context import bind_context_arguments
from ._fetch_graph import build_fetch_graph
from ._query_graph import query_graph
from ._walk import build_query_tree
from .nodes import QueryPlan
from .normalize import normalize_operation
from .optimize import optimize_fetch_graph

if TYPE_CHECKING:
    from graphql import DocumentNode

    from router.supergraph import Supergraph

__all__ = ["plan"]

PLANNING_TIMEOUT_SECONDS = 5.0


def plan(
    supergraph: Supergraph,
    document: DocumentNode,
    operation_name: str | None = None,
    *,
    override_labels: frozenset[str] = frozenset(),
    timeout_seconds: float = PLANNING_TIMEOUT_SECONDS,
) -> QueryPlan:
    """Plan ``operation_name`` of ``document`` (validated against ``supergraph.api_schema``).

    ``override_labels`` are the progressive ``@override`` labels enabled for this request. Past
    ``timeout_seconds`` the search finishes with greedy choices; past twice that it gives up.
    Raises ``PlanningError`` for an unknown or ambiguous operation name or an unplannable operation.
    """
    operation = normalize_operation(supergraph, document, operation_name)
    graph = query_graph(supergraph, _relevant(supergraph, override_labels))
    operation, contexts = bind_context_arguments(graph, operation)
    tree = build_query_tree(graph, operation, timeout=timeout_seconds)
    fetch_graph = optimize_fetch_graph(build_fetch_graph(supergraph, tree, operation.kind, contexts))
    node = assemble_plan(
        fetch_graph,
        operation_name=operation.name,
        variable_definitions=operation.variable_definitions,
        contexts=contexts,
    )
    return QueryPlan(node=node)


def _relevant(supergraph: Supergraph, labels: frozenset[str]) -> frozenset[str]:
    """Only labels the supergraph uses matter (keeps the query graph cache small)."""
    if not labels:
        return labels
    used = {
        j.override_label
        for t in supergraph.types.values()
        for f in t.fields.values()
        for j in f.joins
        if j.override_label is not None
    }
    return labels & frozenset(used)

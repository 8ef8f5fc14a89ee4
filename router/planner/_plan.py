"""``plan()``: operation + supergraph -> query plan, the pipeline of PLANNER.md top to bottom."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from ._assemble import assemble_parts, assemble_plan
from ._context import bind_context_arguments
from ._fetch_graph import build_fetch_graph
from ._operation import OpFragment, OpSelection, VarCondition
from ._query_graph import query_graph
from ._walk import build_query_tree
from .errors import UnsupportedFeatureError
from .nodes import Defer, DeferredNode, Fetch, QueryPlan, Sequence, Subscription
from .normalize import normalize_operation
from .optimize import optimize_fetch_graph

if TYPE_CHECKING:
    from collections.abc import Mapping

    from graphql import DocumentNode

    from router.supergraph import Supergraph

    from ._context import ContextBindings
    from ._query_graph import QueryGraph
    from .nodes import PlanNode
    from .normalize import NormalizedOperation

__all__ = ["plan"]

PLANNING_TIMEOUT_SECONDS = 5.0


def plan(
    supergraph: Supergraph,
    document: DocumentNode,
    operation_name: str | None = None,
    *,
    override_labels: frozenset[str] = frozenset(),
    timeout_seconds: float = PLANNING_TIMEOUT_SECONDS,
    defer_variables: Mapping[str, bool] | None = None,
) -> QueryPlan:
    """Plan ``operation_name`` of ``document`` (validated against ``supergraph.api_schema``).

    ``override_labels`` are the progressive ``@override`` labels enabled for this request. Past
    ``timeout_seconds`` the search finishes with greedy choices; past twice that it gives up.
    ``defer_variables`` are the request's values of the variables ``@defer(if: $v)`` reads (a
    variable not given counts as true); with active ``@defer`` fragments the plan is a ``Defer``.
    Raises ``PlanningError`` for an unknown or ambiguous operation name or an unplannable operation.
    """
    operation = normalize_operation(supergraph, document, operation_name, defer_variables=defer_variables)
    graph = query_graph(supergraph, _relevant(supergraph, override_labels))
    operation, contexts = bind_context_arguments(graph, operation)
    if operation.defers:
        if operation.kind == "subscription":
            raise UnsupportedFeatureError("@defer is not supported in a subscription.")
        return QueryPlan(node=_plan_with_defer(graph, operation, contexts, timeout_seconds))
    tree = build_query_tree(graph, operation, timeout=timeout_seconds)
    fetch_graph = optimize_fetch_graph(build_fetch_graph(supergraph, tree, operation.kind, contexts))
    node = assemble_plan(
        fetch_graph,
        operation_name=operation.name,
        variable_definitions=operation.variable_definitions,
        contexts=contexts,
    )
    if operation.kind == "subscription" and node is not None:
        node = _split_subscription(node)
    return QueryPlan(node=node)


def _split_subscription(node: PlanNode) -> Subscription:
    """A subscription's plan as its root subscription fetch (the one subgraph that owns the single
    root field) and the rest that completes each event (``Sequence[primary, rest...]`` otherwise)."""
    if isinstance(node, Fetch) and node.operation_kind == "subscription":
        return Subscription(primary=node)
    if isinstance(node, Sequence):
        first, *rest = node.nodes
        if isinstance(first, Fetch) and first.operation_kind == "subscription":
            rest_node = rest[0] if len(rest) == 1 else Sequence(nodes=tuple(rest))
            return Subscription(primary=first, rest=rest_node)
    # A conditional root field or a field of a second subgraph at the root would need several
    # upstream subscriptions per client subscription.
    raise UnsupportedFeatureError(
        "This subscription cannot be planned as one subscription to one subgraph "
        "(its root field is conditional, or it selects root fields of several subgraphs)."
    )


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


def _plan_with_defer(
    graph: QueryGraph, operation: NormalizedOperation, contexts: ContextBindings, timeout_seconds: float
) -> Defer:
    """The primary part and one part per active ``@defer`` fragment, planned as one fetch graph.

    Deferred fragments below the root start with an entity jump or root re-entry (``_walk``); those
    on the root type are planned as root fetches of their own. Steps carry the part they belong to
    and never merge across parts, so each part assembles into its own plan node.
    """
    supergraph = graph.supergraph
    primary, root_deferred = _split_root_defers(operation.selections, ())
    tree = build_query_tree(graph, replace(operation, selections=primary), timeout=timeout_seconds)
    groups = list(tree.groups)
    for fragment in root_deferred:
        assert fragment.defer is not None
        sub = build_query_tree(
            graph, replace(operation, selections=(replace(fragment, defer=None),)), timeout=timeout_seconds
        )
        groups.extend(replace(g, defer=fragment.defer.id) for g in sub.groups)
    tree = replace(tree, groups=tuple(groups))
    fetch_graph = optimize_fetch_graph(build_fetch_graph(supergraph, tree, operation.kind, contexts))
    primary_node, parts = assemble_parts(
        fetch_graph,
        [mark.id for mark in operation.defers],
        operation_name=operation.name,
        variable_definitions=operation.variable_definitions,
        contexts=contexts,
    )
    return Defer(
        primary=primary_node,
        deferred=tuple(
            DeferredNode(
                id=str(mark.id),
                label=mark.label,
                query_path=mark.path,
                parent_type=mark.parent_type,
                subselection=mark.subselection,
                depends=None if mark.parent is None else str(mark.parent),
                node=parts[mark.id],
            )
            for mark in operation.defers
        ),
    )


def _split_root_defers(
    selections: tuple[OpSelection, ...], conditions: tuple[VarCondition, ...]
) -> tuple[tuple[OpSelection, ...], list[OpFragment]]:
    """Root selections without the deferred fragments on the root type, and those fragments (with the
    conditions of type-less fragments around them)."""
    kept: list[OpSelection] = []
    deferred: list[OpFragment] = []
    for s in selections:
        if isinstance(s, OpFragment) and s.defer is not None:
            merged = tuple(sorted(set(s.conditions) | set(conditions)))
            deferred.append(replace(s, conditions=merged))
        elif isinstance(s, OpFragment) and s.type_condition is None:
            inner, found = _split_root_defers(s.selections, (*conditions, *s.conditions))
            deferred.extend(found)
            if inner:
                kept.append(replace(s, selections=inner))
        else:
            kept.append(s)
    return tuple(kept), deferred

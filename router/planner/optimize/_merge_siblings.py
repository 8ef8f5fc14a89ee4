"""Merge steps for the same subgraph, response path, condition and root group into one fetch.

Guard: never merge two steps where one waits for the other (that would make a cycle).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .._fetch_graph import FetchGraph, Step

__all__ = ["merge_siblings"]


def merge_siblings(graph: FetchGraph) -> bool:
    """One merge, if any is possible; returns whether the graph changed."""
    steps = sorted(graph.steps.values(), key=lambda s: s.id)
    for i, a in enumerate(steps):
        for b in steps[i + 1 :]:
            if not _mergeable(graph, a, b):
                continue
            a.absorb(b)
            graph.remove(b.id, into=a.id)
            return True
    return False


def _mergeable(graph: FetchGraph, a: Step, b: Step) -> bool:
    if (a.graph, a.kind, a.path, a.conditions, a.group, a.defer) != (
        b.graph,
        b.kind,
        b.path,
        b.conditions,
        b.group,
        b.defer,
    ):
        return False
    if not a.is_entity and not a.path and graph.sequential:
        return False  # mutation root fields keep their order (re-entry steps at a path may merge)
    return a.id not in graph.ancestors(b.id) and b.id not in graph.ancestors(a.id)

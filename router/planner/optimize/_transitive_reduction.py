"""Transitive reduction: a step waits only for dependencies not already implied by another one."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .._fetch_graph import FetchGraph

__all__ = ["reduce_dependencies"]


def reduce_dependencies(graph: FetchGraph) -> bool:
    """Drop implied dependencies; returns whether the graph changed."""
    changed = False
    for step in graph.steps.values():
        implied: set[int] = set()
        for d in step.deps:
            implied |= graph.ancestors(d)
        redundant = step.deps & implied
        if redundant:
            step.deps -= redundant
            changed = True
    return changed

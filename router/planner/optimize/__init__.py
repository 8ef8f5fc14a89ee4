"""Optimize the fetch graph (PLANNER.md, stage 7): one pass per module, repeated until nothing changes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._alias_clashes import alias_clashing_fields
from ._merge_siblings import merge_siblings
from ._transitive_reduction import reduce_dependencies

if TYPE_CHECKING:
    from .._fetch_graph import FetchGraph

__all__ = ["optimize_fetch_graph"]

MAX_ROUNDS = 1000


def optimize_fetch_graph(graph: FetchGraph) -> FetchGraph:
    """Merge sibling steps and reduce dependencies until a fixed point, then alias clashing fields."""
    for _ in range(MAX_ROUNDS):
        changed = merge_siblings(graph)
        changed = reduce_dependencies(graph) or changed
        if not changed:
            break
    alias_clashing_fields(graph)
    return graph

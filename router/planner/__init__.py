"""Federation query planner: operation + supergraph -> query plan (design in PLANNER.md)."""

from __future__ import annotations

from .nodes import (
    Condition,
    Fetch,
    FieldSelection,
    Flatten,
    FragmentSelection,
    KeyRenamer,
    Parallel,
    PlanNode,
    QueryPlan,
    Rewrite,
    Selection,
    Sequence,
    ValueSetter,
)

__all__ = [
    "Condition",
    "Fetch",
    "FieldSelection",
    "Flatten",
    "FragmentSelection",
    "KeyRenamer",
    "Parallel",
    "PlanNode",
    "QueryPlan",
    "Rewrite",
    "Selection",
    "Sequence",
    "ValueSetter",
]

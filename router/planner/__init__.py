"""Federation query planner: operation + supergraph -> query plan (design in PLANNER.md).

``plan(supergraph, document, operation_name)`` runs the stages top to bottom (``_plan.py``):
``normalize`` (operation -> fields and typed fragments), ``_query_graph`` (built once per
supergraph), ``_context`` (``@fromContext`` arguments -> ancestor selections and variables), ``_walk`` (choose a subgraph for every selection -> query tree), ``_fetch_graph``
(query tree -> DAG of fetch steps), ``optimize`` (merge, reduce, alias), ``_assemble`` (DAG -> plan
nodes). ``print_plan`` gives the deterministic text form; ``nodes`` is the contract with the executor.
"""

from __future__ import annotations

from ._plan import plan
from ._print import print_plan
from .errors import (
    OperationSelectionError,
    PlanningError,
    PlanningTimeout,
    UnsatisfiableError,
    UnsupportedFeatureError,
)
from .nodes import (
    Condition,
    Defer,
    DeferredNode,
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
    Subscription,
    ValueSetter,
)

__all__ = [
    "Condition",
    "Defer",
    "DeferredNode",
    "Fetch",
    "FieldSelection",
    "Flatten",
    "FragmentSelection",
    "KeyRenamer",
    "OperationSelectionError",
    "Parallel",
    "PlanNode",
    "PlanningError",
    "PlanningTimeout",
    "QueryPlan",
    "Rewrite",
    "Selection",
    "Sequence",
    "Subscription",
    "UnsatisfiableError",
    "UnsupportedFeatureError",
    "ValueSetter",
    "plan",
    "print_plan",
]

"""Errors raised while planning an operation.

Exception tree::

    PlanningError                 the operation cannot be planned against this supergraph
    +-- OperationSelectionError   unknown or ambiguous operation name, or no operation at all
    +-- UnsatisfiableError        some field cannot be reached from the root in any subgraph
    +-- PlanningTimeout           the bounded search ran out of time without any plan
    +-- UnsupportedFeatureError   the operation needs a federation feature the planner lacks (``code``)
"""

from __future__ import annotations

__all__ = [
    "OperationSelectionError",
    "PlanningError",
    "PlanningTimeout",
    "UnsatisfiableError",
    "UnsupportedFeatureError",
]


class PlanningError(Exception):
    """The operation cannot be planned; the message says which operation or field and why."""


class OperationSelectionError(PlanningError):
    """The document has no operation of that name, or several operations and no name was given."""


class UnsatisfiableError(PlanningError):
    """A selected field cannot be resolved by any path through the subgraphs."""


class PlanningTimeout(PlanningError):
    """Planning exceeded its time budget."""


class UnsupportedFeatureError(PlanningError):
    """The operation selects a field only a feature this planner lacks can resolve (e.g. ``@fromContext``).

    ``code`` is the ``extensions.code`` a client should see, so it can tell "not yet" from "invalid".
    """

    code = "UNSUPPORTED_FEATURE"

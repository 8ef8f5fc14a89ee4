"""Refuse, with a clear error, operations that need ``@fromContext`` values the planner cannot supply.

Join spec v0.5 ``contextArguments`` ask the router to read a value from an ancestor that sets a
``@context`` and pass it as an argument. Planning that (a fetch of the context's selection, then an
argument rewrite per representation) is a later step; until then such a field is planned through a
subgraph that resolves it without context when there is one (see ``_query_graph``), and otherwise
the whole operation fails with ``UNSUPPORTED_FEATURE`` naming the field, instead of being planned
with the argument silently missing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._operation import OpField
from .errors import UnsupportedFeatureError

if TYPE_CHECKING:
    from ._operation import OpSelection
    from ._query_graph import QueryGraph
    from .normalize import NormalizedOperation

__all__ = ["reject_context_arguments"]


def reject_context_arguments(graph: QueryGraph, operation: NormalizedOperation) -> None:
    """Raise ``UnsupportedFeatureError`` if a selected field is resolvable only with context arguments."""
    if not graph.contextual_fields:
        return
    _walk(graph, operation.root_type, operation.selections)


def _walk(graph: QueryGraph, type_name: str, selections: tuple[OpSelection, ...]) -> None:
    for selection in selections:
        if isinstance(selection, OpField):
            if (type_name, selection.name) in graph.contextual_fields:
                raise UnsupportedFeatureError(
                    f'Field "{type_name}.{selection.name}" takes arguments from @fromContext'
                    " (join__field contextArguments), which this router cannot plan yet."
                )
            _walk(graph, selection.type_name, selection.selections)
        else:
            _walk(graph, selection.type_condition or type_name, selection.selections)

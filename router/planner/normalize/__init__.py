"""Normalize an operation for planning: pick it, inline fragments, apply literal @skip/@include, merge.

One pass per module: ``_select_operation``, ``_inline_fragments`` (with ``_skip_include``),
``_merge_fields``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from graphql import print_ast
from graphql.language import ast

from ..errors import PlanningError
from ._inline_fragments import DeferCollector, inline_fragments
from ._merge_fields import merge_fields
from ._select_operation import select_operation

if TYPE_CHECKING:
    from collections.abc import Mapping

    from router.supergraph import Supergraph

    from .._operation import DeferMark, OpSelection
    from ..nodes import OperationKind

__all__ = ["NormalizedOperation", "merge_fields", "normalize_operation"]


@dataclass(frozen=True, slots=True, kw_only=True)
class NormalizedOperation:
    """The operation to plan: its kind, root type, name, variable declarations and selections."""

    kind: OperationKind
    root_type: str
    name: str | None
    variable_definitions: Mapping[str, str]
    """variable name -> its declaration as written (``$id: ID! = 1``)."""
    selections: tuple[OpSelection, ...]
    defers: tuple[DeferMark, ...] = ()
    """The active ``@defer`` fragments, in document order (their ``OpFragment``s carry the mark)."""


def normalize_operation(
    supergraph: Supergraph,
    document: ast.DocumentNode,
    operation_name: str | None,
    *,
    defer_variables: Mapping[str, bool] | None = None,
) -> NormalizedOperation:
    """Select ``operation_name`` from ``document`` and normalize it (see module docstring).

    ``defer_variables`` are the values of the variables ``@defer(if: $v)`` reads (unset: true).
    """
    operation = select_operation(document, operation_name)
    kind = operation.operation.value
    root_type = supergraph.root_types.get(kind)
    if root_type is None:
        raise PlanningError(f"the supergraph has no {kind} root type")
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, ast.FragmentDefinitionNode)}
    defers = DeferCollector(variables=defer_variables or {})
    selections = inline_fragments(
        supergraph, root_type, operation.selection_set, fragments, is_root=True, defers=defers
    )
    return NormalizedOperation(
        kind=kind,  # type: ignore[arg-type]
        root_type=root_type,
        name=operation.name.value if operation.name else None,
        variable_definitions={
            v.variable.name.value: print_ast(v) for v in operation.variable_definitions or ()
        },
        selections=merge_fields(supergraph, root_type, selections),
        defers=tuple(defers.marks),
    )

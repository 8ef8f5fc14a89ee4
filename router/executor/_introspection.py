"""Introspection (``__schema``, ``__type``) answered by the router from the API schema.

No subgraph knows the API schema, so these root fields are never planned. The operation's root
selection is cut down to its introspection fields (keeping fragments, directives and variables) once
per operation; each request then runs that small document with graphql-core, and the shaper puts
the results in place among the planned fields. (Root ``__typename`` needs no execution: the shaper
writes the root type's name.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    execute_sync,
)

from ._response_errors import client_error

if TYPE_CHECKING:
    from collections.abc import Mapping

    from graphql import GraphQLSchema, SelectionNode

__all__ = ["Introspection", "has_planned_fields"]

_META_FIELDS = frozenset(("__schema", "__type"))
_ROUTER_FIELDS = frozenset(("__schema", "__type", "__typename"))


class Introspection:
    """The introspection part of one operation, ready to run per request."""

    def __init__(self, document: DocumentNode) -> None:
        self._document = document

    @classmethod
    def of(
        cls, operation: OperationDefinitionNode, fragments: Mapping[str, FragmentDefinitionNode]
    ) -> Introspection | None:
        """The introspection part of ``operation``, or None when it has no ``__schema``/``__type``."""
        selection_set = _keep_meta_fields(operation.selection_set, fragments, frozenset())
        if selection_set is None:
            return None
        only_meta = OperationDefinitionNode(
            operation=operation.operation,
            name=operation.name,
            variable_definitions=operation.variable_definitions,
            directives=operation.directives,
            selection_set=selection_set,
        )
        return cls(DocumentNode(definitions=(only_meta, *fragments.values())))

    def execute(
        self, schema: GraphQLSchema, variables: Mapping[str, Any] | None
    ) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
        """Run against ``schema``: (data by response key or None, formatted errors)."""
        result = execute_sync(schema, self._document, variable_values=dict(variables or {}))
        errors = [
            client_error(
                error.message,
                path=error.path,
                locations=[{"line": loc.line, "column": loc.column} for loc in error.locations or ()],
            )
            for error in result.errors or ()
        ]
        return result.data, errors


def has_planned_fields(
    selection_set: SelectionSetNode, fragments: Mapping[str, FragmentDefinitionNode]
) -> bool:
    """Whether any root field needs a subgraph (anything but ``__schema``/``__type``/``__typename``)."""
    return _has_planned(selection_set, fragments, set())


def _has_planned(
    selection_set: SelectionSetNode, fragments: Mapping[str, FragmentDefinitionNode], visited: set[str]
) -> bool:
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            if selection.name.value not in _ROUTER_FIELDS:
                return True
        elif isinstance(selection, InlineFragmentNode):
            if _has_planned(selection.selection_set, fragments, visited):
                return True
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name not in visited and name in fragments:
                visited.add(name)
                if _has_planned(fragments[name].selection_set, fragments, visited):
                    return True
    return False


def _keep_meta_fields(
    selection_set: SelectionSetNode, fragments: Mapping[str, FragmentDefinitionNode], visiting: frozenset[str]
) -> SelectionSetNode | None:
    kept: list[SelectionNode] = []
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            if selection.name.value in _META_FIELDS:
                kept.append(selection)
        elif isinstance(selection, InlineFragmentNode):
            inner = _keep_meta_fields(selection.selection_set, fragments, visiting)
            if inner is not None:
                kept.append(
                    InlineFragmentNode(
                        type_condition=selection.type_condition,
                        directives=selection.directives,
                        selection_set=inner,
                    )
                )
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is None or name in visiting:
                continue
            inner = _keep_meta_fields(fragment.selection_set, fragments, visiting | {name})
            if inner is not None:
                # The spread becomes an inline fragment: the fragment itself also holds planned fields.
                kept.append(
                    InlineFragmentNode(
                        type_condition=fragment.type_condition,
                        directives=selection.directives,
                        selection_set=inner,
                    )
                )
    return SelectionSetNode(selections=tuple(kept)) if kept else None

"""Field sets: the ``fields`` strings of ``@key``, ``@requires`` and ``@provides``.

A field set is a selection set without its outer braces (federation spec, "FieldSet"). We
parse it with graphql-core and walk it against a subgraph's types, so the key, requires and
provides rules all share one definition of "which fields does this select".
"""

from __future__ import annotations

from functools import lru_cache

from graphql import FieldNode, GraphQLSyntaxError, InlineFragmentNode, SelectionSetNode, parse
from graphql.language import OperationDefinitionNode

__all__ = ["FieldSetError", "normalize_field_set", "parse_field_set"]


class FieldSetError(ValueError):
    """The field set is not a valid selection set."""


@lru_cache(maxsize=4096)
def parse_field_set(fields: str) -> SelectionSetNode:
    """Parse ``fields`` as ``{ fields }``; raise :class:`FieldSetError` when it is not one.

    Cached: the same few key strings are parsed by several rules for every subgraph, and the
    returned nodes are never mutated.
    """
    try:
        document = parse("{" + fields + "}", no_location=True)
    except GraphQLSyntaxError as exc:
        raise FieldSetError(exc.message) from exc
    operation = document.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    return operation.selection_set


def normalize_field_set(fields: str) -> str:
    """Whitespace-normalised text of a field set, so ``"id  sku"`` and ``"id sku"`` compare equal."""
    try:
        selection_set = parse_field_set(fields)
    except FieldSetError:
        return " ".join(fields.split())
    return _print_selections(selection_set)


def _print_selections(selection_set: SelectionSetNode) -> str:
    parts: list[str] = []
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            text = selection.name.value
            if selection.alias:
                text = f"{selection.alias.value}: {text}"
            if selection.selection_set:
                text += " { " + _print_selections(selection.selection_set) + " }"
            parts.append(text)
        elif isinstance(selection, InlineFragmentNode):
            condition = f" on {selection.type_condition.name.value}" if selection.type_condition else ""
            parts.append(f"...{condition} {{ {_print_selections(selection.selection_set)} }}")
    return " ".join(parts)

"""The normalized operation: fields and typed inline fragments, as the planner walks them.

Produced by ``router.planner.normalize``: fragment spreads inlined, literal ``@skip``/``@include``
applied, identical fields merged. Variable-driven ``@skip``/``@include`` stay as ``conditions``.
Field sets of the join spec (keys, ``@requires``, ``@provides``) are parsed into the same shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, TypeAlias

from graphql import GraphQLError, parse
from graphql.language import ast

from .errors import PlanningError

if TYPE_CHECKING:
    from router.supergraph import Supergraph

__all__ = [
    "DeferMark",
    "OpField",
    "OpFragment",
    "OpSelection",
    "VarCondition",
    "conditions_text",
    "list_depth_of",
    "parse_field_set",
]


@dataclass(frozen=True, slots=True, kw_only=True, order=True)
class VarCondition:
    """``@include(if: $variable)`` (``include=True``) or ``@skip(if: $variable)`` (``include=False``)."""

    variable: str
    include: bool

    def __str__(self) -> str:
        return f"@{'include' if self.include else 'skip'}(if: ${self.variable})"


@dataclass(frozen=True, slots=True, kw_only=True)
class OpField:
    """A field selection; ``arguments`` is its printed argument list (``""`` or ``"(id: $id)"``)."""

    name: str
    alias: str | None = None
    arguments: str = ""
    variables: frozenset[str] = frozenset()
    conditions: tuple[VarCondition, ...] = ()
    directives: str = ""
    """Other directives, printed (``" @lowercase"``): passed on to the subgraph as written."""
    type_name: str = ""
    """The named type the field returns (``""`` for ``__typename``)."""
    list_depth: int = 0
    selections: tuple[OpSelection, ...] = ()

    @property
    def response_key(self) -> str:
        return self.alias or self.name


@dataclass(frozen=True, slots=True, kw_only=True)
class DeferMark:
    """An active ``@defer`` on a fragment: the deferred part it starts (``nodes.DeferredNode``).

    ``id`` numbers active deferred fragments in document order; ``parent`` is the ``id`` of the
    deferred fragment around this one; ``path`` (response keys, ``"@"`` per list level) leads to the
    objects of type ``parent_type`` the fragment applies to.
    """

    id: int
    label: str | None
    path: tuple[str, ...]
    parent_type: str
    subselection: str
    parent: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class OpFragment:
    """An inline fragment; ``type_condition`` None means "same type" (only there for its conditions).

    ``defer``: the fragment is deferred; it is planned as its own part of the plan and never merged
    with another fragment.
    """

    type_condition: str | None
    conditions: tuple[VarCondition, ...] = ()
    selections: tuple[OpSelection, ...] = ()
    defer: DeferMark | None = None


OpSelection: TypeAlias = OpField | OpFragment


def conditions_text(conditions: tuple[VarCondition, ...]) -> str:
    return "".join(f" {c}" for c in conditions)


def list_depth_of(type_text: str) -> int:
    return type_text.count("[")


def parse_field_set(supergraph: Supergraph, type_name: str, field_set: str) -> tuple[OpSelection, ...]:
    """Parse a join spec field set (``"id org { id }"``, ``"... on Book { isbn }"``) against ``type_name``."""
    return _parse_field_set(supergraph, type_name, field_set)


@lru_cache(maxsize=4096)
def _parse_field_set(supergraph: Supergraph, type_name: str, field_set: str) -> tuple[OpSelection, ...]:
    try:
        document = parse("{" + field_set + "}", no_location=True)
    except GraphQLError as exc:
        raise PlanningError(f"cannot parse field set {field_set!r} on {type_name}: {exc.message}") from exc
    operation = document.definitions[0]
    assert isinstance(operation, ast.OperationDefinitionNode)
    return _selections(supergraph, type_name, operation.selection_set)


def _selections(
    supergraph: Supergraph, type_name: str, selection_set: ast.SelectionSetNode | None
) -> tuple[OpSelection, ...]:
    out: list[OpSelection] = []
    for node in selection_set.selections if selection_set else ():
        if isinstance(node, ast.FieldNode):
            name = node.name.value
            if name == "__typename":
                out.append(OpField(name=name))
                continue
            f = supergraph.types[type_name].fields.get(name)
            if f is None:
                raise PlanningError(f"field set selects unknown field {type_name}.{name}")
            out.append(
                OpField(
                    name=name,
                    alias=node.alias.value if node.alias else None,
                    type_name=f.named_type,
                    list_depth=list_depth_of(f.type),
                    selections=_selections(supergraph, f.named_type, node.selection_set),
                )
            )
        elif isinstance(node, ast.InlineFragmentNode):
            tc = node.type_condition.name.value if node.type_condition else None
            out.append(
                OpFragment(
                    type_condition=tc, selections=_selections(supergraph, tc or type_name, node.selection_set)
                )
            )
    return tuple(out)

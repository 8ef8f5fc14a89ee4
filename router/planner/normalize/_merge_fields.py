"""Merge identical selections ("Field Collection", GraphQL spec 6.3.2) and drop redundant fragments.

Fields with the same response key and conditions merge their sub-selections; fragments on the
parent's own type (or, in an object, on an abstract type it implements) without conditions are
inlined; fragments that can never match the parent type are dropped.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from .._operation import OpField, OpFragment, OpSelection

if TYPE_CHECKING:
    from router.supergraph import Supergraph

__all__ = ["merge_fields"]


def merge_fields(
    supergraph: Supergraph, type_name: str, selections: tuple[OpSelection, ...]
) -> tuple[OpSelection, ...]:
    """``selections`` on ``type_name`` with identical fields merged, in first-seen order."""
    flat = _flatten(supergraph, type_name, selections)
    merged: dict[tuple[object, ...], OpSelection] = {}
    for s in flat:
        if isinstance(s, OpField):
            key: tuple[object, ...] = ("f", s.response_key, s.conditions, s.directives)
            existing = merged.get(key)
            if isinstance(existing, OpField):
                s = replace(s, selections=existing.selections + s.selections)
        else:
            # A deferred fragment is a part of its own: never merged with another fragment.
            key = ("t", s.type_condition, s.conditions, s.defer)
            existing = merged.get(key)
            if isinstance(existing, OpFragment):
                s = OpFragment(
                    type_condition=s.type_condition,
                    conditions=s.conditions,
                    selections=existing.selections + s.selections,
                    defer=s.defer,
                )
        merged[key] = s
    _fold_conditional_duplicates(merged)
    out: list[OpSelection] = []
    for s in merged.values():
        if isinstance(s, OpField):
            if s.selections:
                s = replace(s, selections=merge_fields(supergraph, s.type_name, s.selections))
            out.append(s)
        else:
            inner = s.type_condition or type_name
            out.append(
                OpFragment(
                    type_condition=s.type_condition,
                    conditions=s.conditions,
                    selections=merge_fields(supergraph, inner, s.selections),
                    defer=s.defer,
                )
            )
    return tuple(out)


def _fold_conditional_duplicates(merged: dict[tuple[object, ...], OpSelection]) -> None:
    """Fold a conditional duplicate into the unconditional field with the same response key.

    ``a @include(if: $x) { b }`` next to ``a { c }`` becomes ``a { c ... @include(if: $x) { b } }``.
    """
    for key, s in list(merged.items()):
        if not isinstance(s, OpField) or not s.conditions:
            continue
        plain_key = ("f", s.response_key, (), s.directives)
        plain = merged.get(plain_key)
        if not isinstance(plain, OpField):
            continue
        del merged[key]
        if s.selections:
            merged[plain_key] = replace(
                plain,
                selections=(
                    *plain.selections,
                    OpFragment(type_condition=None, conditions=s.conditions, selections=s.selections),
                ),
            )


def _flatten(
    supergraph: Supergraph, type_name: str, selections: tuple[OpSelection, ...]
) -> list[OpSelection]:
    out: list[OpSelection] = []
    parent_possible = set(supergraph.possible_types(type_name))
    for s in selections:
        if isinstance(s, OpField):
            out.append(s)
            continue
        tc = s.type_condition
        if tc is not None and tc != type_name:
            possible = set(supergraph.possible_types(tc))
            if not possible & parent_possible:
                continue  # can never match
            if supergraph.types[type_name].kind == "object":
                tc = None  # an object inside an abstract condition it implements: same type
        if tc is None or tc == type_name:
            if not s.conditions and s.defer is None:
                out.extend(_flatten(supergraph, type_name, s.selections))
                continue
            out.append(
                OpFragment(
                    type_condition=None, conditions=s.conditions, selections=s.selections, defer=s.defer
                )
            )
            continue
        out.append(s)
    return out

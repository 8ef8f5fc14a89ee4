"""Alias fields that would not merge in one subgraph query, and rename them back after the fetch.

Implements the "FieldsInSetCanMerge" / "SameResponseShape" rule of the GraphQL spec (5.3.2) for the
subgraph's own types: two fields with one response key under sibling fragments must have the same
type there. ``... on Car { size }`` (``Int!`` in the subgraph) next to ``... on Shirt { size }``
(``Int``) is valid against the API schema but not against the subgraph, so the later one is sent as
``size__alias_0: size`` with a ``KeyRenamer`` output rewrite restoring ``size``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._selection import FieldItem, FragmentItem, SelectionSet
from ..nodes import KeyRenamer

if TYPE_CHECKING:
    from .._fetch_graph import FetchGraph

__all__ = ["alias_clashing_fields"]


def alias_clashing_fields(graph: FetchGraph) -> bool:
    """Alias clashing fields in every step; returns whether any was aliased."""
    changed = False
    for step in graph.steps.values():
        for path, alias, original in _alias_level(step.selection, ()):
            step.output_rewrites[("rename", path)] = KeyRenamer(path=(*path, alias), rename_key_to=original)
            changed = True
    return changed


def _alias_level(selection: SelectionSet, prefix: tuple[str, ...]) -> list[tuple[tuple[str, ...], str, str]]:
    renamed: list[tuple[tuple[str, ...], str, str]] = []
    fields: list[tuple[tuple[str, ...], FieldItem]] = []
    _collect(selection, (), fields)
    shapes: dict[str, str] = {}
    taken = {item.response_key for _, item in fields}
    for fragment_path, item in fields:
        key = item.response_key
        first = shapes.setdefault(key, item.shape)
        if item.shape == first or not item.shape or not first:
            continue
        n = 0
        while f"{key}__alias_{n}" in taken:
            n += 1
        alias = f"{key}__alias_{n}"
        taken.add(alias)
        item.alias = alias
        renamed.append(((*prefix, *fragment_path), alias, key))
    for fragment_path, item in fields:
        if item.sub:
            original = next((o for p, a, o in renamed if a == item.response_key), item.response_key)
            renamed.extend(_alias_level(item.sub, (*prefix, *fragment_path, original)))
    return renamed


def _collect(
    selection: SelectionSet, fragment_path: tuple[str, ...], out: list[tuple[tuple[str, ...], FieldItem]]
) -> None:
    """Fields of one response level: directly here and inside (nested) inline fragments."""
    for item in selection.items.values():
        if isinstance(item, FieldItem):
            out.append((fragment_path, item))
        elif isinstance(item, FragmentItem):
            segment = (f"... on {item.type_condition}",) if item.type_condition else ()
            _collect(item.sub, (*fragment_path, *segment), out)

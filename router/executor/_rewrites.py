"""Input and output rewrites of entity fetches (``ValueSetter``, ``KeyRenamer``).

Input rewrites adjust a representation before it is sent (e.g. ``__typename`` of an
``@interfaceObject`` set to the interface's name); output rewrites adjust an ``_entities`` item
before it is merged (e.g. an internal alias renamed back to the client's key). Paths use response
keys and ``... on T`` segments, as in the federation plan format; lists on the way fan out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from router.planner import KeyRenamer, ValueSetter

if TYPE_CHECKING:
    from collections.abc import Iterable

    from router.planner import Rewrite

    from ._possible_types import PossibleTypes

__all__ = ["apply_rewrites"]

_FRAGMENT_PREFIX = "... on "


def apply_rewrites(value: Any, rewrites: Iterable[Rewrite], possible: PossibleTypes) -> None:
    """Apply each rewrite in place, in order."""
    for rewrite in rewrites:
        if rewrite.path:
            _apply(value, rewrite, 0, possible)


def _apply(value: Any, rewrite: Rewrite, index: int, possible: PossibleTypes) -> None:
    if isinstance(value, list):
        for item in value:
            _apply(item, rewrite, index, possible)
        return
    if not isinstance(value, dict):
        return
    segment = rewrite.path[index]
    last = index + 1 == len(rewrite.path)
    if segment.startswith(_FRAGMENT_PREFIX):
        if not last and possible.matches(value.get("__typename"), segment[len(_FRAGMENT_PREFIX) :]):
            _apply(value, rewrite, index + 1, possible)
        return
    if not last:
        child = value.get(segment)
        if child is not None:
            _apply(child, rewrite, index + 1, possible)
    elif isinstance(rewrite, ValueSetter):
        value[segment] = rewrite.set_value_to
    elif isinstance(rewrite, KeyRenamer) and segment in value:
        value[rewrite.rename_key_to] = value.pop(segment)

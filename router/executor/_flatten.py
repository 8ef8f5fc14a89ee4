"""Representations for an entity fetch: walk a Flatten path, project ``requires``, deduplicate.

Implements the executor side of a ``Flatten`` node: every object reached by the path (``@`` fans out
over a list, ``|[A,B]`` keeps objects whose ``__typename`` matches, ``null`` ends a branch) becomes
a position; each position's representation is its ``requires`` projection after input rewrites; equal
representations are sent once and the answer merged into every position that produced it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson

from router.planner import FieldSelection

from ._rewrites import apply_rewrites

if TYPE_CHECKING:
    from router.planner import Fetch, Selection

    from ._possible_types import PossibleTypes

__all__ = ["Position", "Representations", "collect_positions", "collect_representations", "path_prefix"]

# A response path as a linked list of (previous, key) pairs: one small tuple per step on the hot
# path; the list form is built only when an error needs it (the profile showed graphql-core's
# NamedTuple ``Path`` per list item at 6 % of the router's CPU).
Path = tuple["Path", str | int] | None


@dataclass(slots=True, eq=False)
class Position:
    """An object in the response an entity fetch merges into, its response path, and where it is held
    (``parent[key]``; no parent at the root) so an entity resolved to null can null the reference.

    Not frozen: one is made per object a Flatten reaches, and a frozen dataclass's ``__init__``
    (``object.__setattr__`` per field) was 3 % of the router's CPU on the deep query; nothing
    changes a position after ``_walk`` made it.
    """

    target: dict[str, Any]
    path: Path
    parent: dict[str, Any] | list[Any] | None = None
    key: str | int = ""

    def path_list(self) -> list[str | int]:
        keys: list[str | int] = []
        node = self.path
        while node is not None:
            node, key = node
            keys.append(key)
        keys.reverse()
        return keys

    def set_null(self) -> None:
        if self.parent is not None:
            self.parent[self.key] = None  # type: ignore[index]


@dataclass(frozen=True, slots=True, kw_only=True)
class Representations:
    """Unique representations, JSON-encoded, and for each the positions that produced it."""

    encoded: list[bytes]
    positions: list[list[Position]]

    def as_json_array(self) -> orjson.Fragment:
        """The ``$representations`` value, spliced into the request without re-encoding."""
        return orjson.Fragment(b"[" + b",".join(self.encoded) + b"]")


_EACH = "@"
_FRAGMENT_PREFIX = "... on "


def collect_positions(data: dict[str, Any], path: tuple[str, ...], possible: PossibleTypes) -> list[Position]:
    """Every object the Flatten ``path`` reaches in ``data``, in response order."""
    segments = [_compile(segment, possible) for segment in path]
    out: list[Position] = []
    _walk(data, None, segments, 0, out)
    return out


def collect_representations(
    data: dict[str, Any], path: tuple[str, ...], fetch: Fetch, possible: PossibleTypes
) -> Representations:
    """Representations of the entity fetch ``fetch`` at ``path``, deduplicated by value.

    An object lacking a field ``requires`` selects (e.g. an earlier fetch failed) sends nothing.
    """
    index: dict[bytes, int] = {}
    encoded: list[bytes] = []
    groups: list[list[Position]] = []
    for position in collect_positions(data, path, possible):
        representation = _project(position.target, fetch.requires, possible)
        if representation is None:
            continue
        if fetch.input_rewrites:
            apply_rewrites(representation, fetch.input_rewrites, possible)
        # Sorted keys make the encoding a value identity, so it serves as the dedup key too.
        key = orjson.dumps(representation, option=orjson.OPT_SORT_KEYS)
        slot = index.get(key)
        if slot is None:
            index[key] = slot = len(encoded)
            encoded.append(key)
            groups.append([])
        groups[slot].append(position)
    return Representations(encoded=encoded, positions=groups)


def path_prefix(path: tuple[str, ...]) -> list[str | int] | None:
    """The response keys of ``path`` before its first list or type filter: a client-valid error path."""
    prefix: list[str | int] = []
    for segment in path:
        if segment.startswith(("@", "|", _FRAGMENT_PREFIX)):
            break
        prefix.append(segment)
    return prefix or None


# A compiled segment: "@", a response key as ("key", name), or a type filter as a frozenset of names.
_Segment = str | tuple[str, str] | frozenset[str]


def _compile(segment: str, possible: PossibleTypes) -> _Segment:
    if segment == _EACH:
        return _EACH
    if segment.startswith(_FRAGMENT_PREFIX):
        return possible.names(segment[len(_FRAGMENT_PREFIX) :].strip())
    if segment.startswith(("|[", "@|[")) and segment.endswith("]"):
        names = segment[segment.index("[") + 1 : -1].split(",")
        # "@|[A]" (one segment in some plan formats) is handled as "@" then the filter: lists fan
        # out on their own in _walk.
        return frozenset().union(*(possible.names(name.strip()) for name in names if name.strip()))
    return ("key", segment)


def _walk(
    value: Any,
    path: Path,
    segments: list[_Segment],
    index: int,
    out: list[Position],
    parent: dict[str, Any] | list[Any] | None = None,
    key: str | int = "",
) -> None:
    while True:
        if isinstance(value, list):
            # Lists fan out even where the plan has no "@" (lists of lists need one "@" per level
            # in the plan; being lenient costs nothing and never selects a wrong object).
            if index < len(segments) and segments[index] == _EACH:
                index += 1
            for item_index, item in enumerate(value):
                _walk(item, (path, item_index), segments, index, out, value, item_index)
            return
        if not isinstance(value, dict):
            return  # null ends the branch; a scalar where an object belongs has nothing to merge into
        if index == len(segments):
            out.append(Position(value, path, parent, key))
            return
        segment = segments[index]
        index += 1
        if isinstance(segment, frozenset):
            if value.get("__typename") not in segment:
                return
        elif isinstance(segment, tuple):
            parent, key = value, segment[1]
            value = value.get(key)
            path = (path, key)
        else:  # "@" on an object: the data does not have the shape the plan expects
            return


def _project(
    obj: dict[str, Any], selections: tuple[Selection, ...], possible: PossibleTypes
) -> dict[str, Any] | None:
    out: dict[str, Any] = {}
    return out if _project_into(obj, selections, possible, out) else None


def _project_into(
    obj: dict[str, Any], selections: tuple[Selection, ...], possible: PossibleTypes, out: dict[str, Any]
) -> bool:
    """Copy the selected fields of ``obj`` into ``out``; False when a selected field is missing.

    A field is read at its response key (alias or name) and written under its name: the
    representation is read by the subgraph, which knows fields by name.
    """
    for selection in selections:
        if isinstance(selection, FieldSelection):
            key = selection.response_key
            if key not in obj:
                return False
            value = obj[key]
            if selection.selections and value is not None:
                value = _project_value(value, selection.selections, possible)
                if value is _MISSING:
                    return False
            out[selection.name] = value
        elif possible.matches(obj.get("__typename"), selection.type_condition) and not _project_into(
            obj, selection.selections, possible, out
        ):
            return False
    return True


_MISSING: Any = object()


def _project_value(value: Any, selections: tuple[Selection, ...], possible: PossibleTypes) -> Any:
    if isinstance(value, list):
        items = []
        for item in value:
            projected = item if item is None else _project_value(item, selections, possible)
            if projected is _MISSING:
                return _MISSING
            items.append(projected)
        return items
    if isinstance(value, dict):
        projected_obj = _project(value, selections, possible)
        return _MISSING if projected_obj is None else projected_obj
    return value

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
    segments: tuple[_Segment, ...] = possible.compiled(
        (_PATH, path), lambda: tuple(_compile(segment, possible) for segment in path)
    )
    return _walk(data, segments)


def collect_representations(
    data: dict[str, Any], path: tuple[str, ...], fetch: Fetch, possible: PossibleTypes
) -> Representations:
    """Representations of the entity fetch ``fetch`` at ``path``, deduplicated by value.

    An object lacking a field ``requires`` selects (e.g. an earlier fetch failed) sends nothing.
    """
    requires = fetch.requires
    # Keyed by identity: the memo holds ``requires``, so its id names no other object meanwhile.
    program: _Program = possible.compiled(
        (_REQUIRES, id(requires)), lambda: (requires, _compile_selections(requires, possible))
    )[1]
    rewrites = fetch.input_rewrites
    index: dict[bytes, int] = {}
    encoded: list[bytes] = []
    groups: list[list[Position]] = []
    dumps = orjson.dumps
    sort_keys = orjson.OPT_SORT_KEYS
    for position in collect_positions(data, path, possible):
        representation: dict[str, Any] = {}
        if not _project_into(position.target, program, representation):
            continue
        if rewrites:
            apply_rewrites(representation, rewrites, possible)
        # Sorted keys make the encoding a value identity, so it serves as the dedup key too.
        key = dumps(representation, option=sort_keys)
        slot = index.get(key)
        if slot is None:
            index[key] = slot = len(encoded)
            encoded.append(key)
            groups.append([position])
        else:
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
_PATH = "flatten-path"
_REQUIRES = "requires"


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


# One object on the way: (value, its path, the container holding it, its key there).
_State = tuple[Any, Path, "dict[str, Any] | list[Any] | None", "str | int"]


def _walk(data: dict[str, Any], segments: tuple[_Segment, ...]) -> list[Position]:
    """The objects at the end of ``segments``, walking one segment at a time over all branches.

    Level by level rather than recursively (one Python call per list item was most of the cost):
    each level keeps response order, so the last one is in response order too. A ``null`` ends a
    branch; so does a scalar where an object belongs, or ``@`` on an object (the data does not have
    the shape the plan expects). Lists fan out even where the plan has no ``@`` (lists of lists
    need one ``@`` per level in the plan; being lenient costs nothing and never selects a wrong
    object).
    """
    level: list[_State] = [(data, None, None, "")]
    for segment in segments:
        following: list[_State] = []
        append = following.append
        if segment is _EACH:
            for value, path, _parent, _key in level:
                if isinstance(value, list):
                    for item_index, item in enumerate(value):
                        append((item, (path, item_index), value, item_index))
        elif isinstance(segment, tuple):
            name = segment[1]
            for state in level:
                value = state[0]
                if isinstance(value, dict):
                    append((value.get(name), (state[1], name), value, name))
                elif isinstance(value, list):
                    _fan_out(state, segment, following)
        else:
            for state in level:
                value = state[0]
                if isinstance(value, dict):
                    if value.get("__typename") in segment:
                        append(state)
                elif isinstance(value, list):
                    _fan_out(state, segment, following)
        level = following
    out: list[Position] = []
    for state in level:
        value = state[0]
        if isinstance(value, dict):
            out.append(Position(value, state[1], state[2], state[3]))
        elif isinstance(value, list):
            _fan_out(state, None, out)
    return out


def _fan_out(state: _State, segment: _Segment | None, out: list[Any]) -> None:
    """A list where the plan has no ``@``: apply ``segment`` to each item (None: the end of the
    path, each object is a position); nested lists fan out too."""
    items, path = state[0], state[1]
    for item_index, item in enumerate(items):
        item_path = (path, item_index)
        if isinstance(item, list):
            _fan_out((item, item_path, items, item_index), segment, out)
        elif not isinstance(item, dict):
            continue
        elif segment is None:
            out.append(Position(item, item_path, items, item_index))
        elif isinstance(segment, tuple):
            out.append((item.get(segment[1]), (item_path, segment[1]), item, segment[1]))
        elif isinstance(segment, frozenset) and item.get("__typename") in segment:
            out.append((item, item_path, items, item_index))


# A compiled ``requires`` selection: per field (response key, name, sub-program or None), per
# inline fragment (the ``__typename``s it applies to, "", its program). Built once per selection.
_Program = tuple[tuple[str | frozenset[str], str, "_Program | None"], ...]


def _compile_selections(selections: tuple[Selection, ...], possible: PossibleTypes) -> _Program:
    program: list[tuple[str | frozenset[str], str, _Program | None]] = []
    for selection in selections:
        if isinstance(selection, FieldSelection):
            sub = _compile_selections(selection.selections, possible) if selection.selections else None
            program.append((selection.response_key, selection.name, sub))
        else:
            names = possible.names(selection.type_condition)
            program.append((names, "", _compile_selections(selection.selections, possible)))
    return tuple(program)


def _project_into(obj: dict[str, Any], program: _Program, out: dict[str, Any]) -> bool:
    """Copy the selected fields of ``obj`` into ``out``; False when a selected field is missing.

    A field is read at its response key (alias or name) and written under its name: the
    representation is read by the subgraph, which knows fields by name.
    """
    for key, name, sub in program:
        if type(key) is frozenset:
            typename = obj.get("__typename")
            if isinstance(typename, str) and typename in key and not _project_into(obj, sub, out):  # type: ignore[arg-type]
                return False
            continue
        value = obj.get(key, _MISSING)  # type: ignore[arg-type]
        if value is _MISSING:
            return False
        if sub is not None and value is not None:
            value = _project_value(value, sub)
            if value is _MISSING:
                return False
        out[name] = value
    return True


_MISSING: Any = object()


def _project_value(value: Any, program: _Program) -> Any:
    if isinstance(value, list):
        items = []
        for item in value:
            projected = item if item is None else _project_value(item, program)
            if projected is _MISSING:
                return _MISSING
            items.append(projected)
        return items
    if isinstance(value, dict):
        projected_obj: dict[str, Any] = {}
        return projected_obj if _project_into(value, program, projected_obj) else _MISSING
    return value

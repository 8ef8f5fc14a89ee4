"""Satisfiability: every field of the API schema can be resolved on every path to it.

Implements the intent of federation's satisfiability validation: a client may reach a type
through any subgraph's field, and from there the router can only move to another subgraph
through an entity ``@key`` that the current subgraph can fill. So for each way of being "in"
type T within subgraph S (found by walking fields from the root types), each visible field of T
must be resolvable by S or by a subgraph reachable from S through keys.

Deliberate simplifications, each erring towards accepting: ``@provides`` fields count as
resolvable in the providing subgraph on every path, and ``@requires`` conditions are assumed
fetchable (their fields are validated as ``@external`` with a base elsewhere by other rules).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field

from .._fieldset import FieldSetError, parse_field_set
from .._merge import MergedField, MergedType, Supergraph
from .._model import ROOT_TYPE_NAMES, Key, NamedType
from .._typeref import named_type
from ..errors import CompositionError

State = tuple[str, str]  # (type name, subgraph name)
_COMPOSITE = ("OBJECT", "INTERFACE", "UNION")


@dataclass(slots=True)
class _Walk:
    """Breadth-first walk over (type, subgraph) states; ``parents`` rebuilds the example query."""

    supergraph: Supergraph
    parents: dict[State, tuple[State | None, str | None]] = field(default_factory=dict)
    closures: dict[State, list[str]] = field(default_factory=dict)
    key_fields_cache: dict[tuple[str, str], list[tuple[Key, frozenset[str]]]] = field(default_factory=dict)

    def named(self, type_name: str, graph: str) -> NamedType | None:
        return self.supergraph.subgraphs[graph].types.get(type_name)

    def resolvable_keys(self, type_name: str, graph: str) -> list[tuple[Key, frozenset[str]]]:
        """Resolvable keys of ``type_name`` in ``graph`` with their top-level field names."""
        cached = self.key_fields_cache.get((type_name, graph))
        if cached is not None:
            return cached
        result: list[tuple[Key, frozenset[str]]] = []
        named = self.named(type_name, graph)
        for key in named.keys if named else ():
            if not key.resolvable:
                continue
            try:
                selection_set = parse_field_set(key.fields)
            except FieldSetError:
                continue
            names = frozenset(s.name.value for s in selection_set.selections if hasattr(s, "name"))
            result.append((key, names))
        self.key_fields_cache[(type_name, graph)] = result
        return result

    def can_jump(self, type_name: str, source: str, target: str) -> bool:
        """Whether ``source`` can fill one of ``target``'s keys for ``type_name``.

        Key fields count when ``source`` has them, ``@external`` included (a reference carries
        its key), unless ``@override`` moved the field away from ``source``.
        """
        named = self.named(type_name, source)
        if named is None:
            return False
        merged = self.supergraph.types[type_name]
        available = {
            name
            for name in named.fields
            if name not in merged.fields or not self._overridden_away(merged.fields[name], source)
        } | {"__typename"}
        return any(names <= available for _, names in self.resolvable_keys(type_name, target))

    @staticmethod
    def _overridden_away(f: MergedField, graph: str) -> bool:
        return any(
            other.override == graph and other.override_label is None
            for g, other in f.by_graph.items()
            if g != graph
        )

    def closure(self, type_name: str, graph: str) -> list[str]:
        """Subgraphs reachable from ``graph`` while staying on ``type_name`` (key jumps only)."""
        state = (type_name, graph)
        cached = self.closures.get(state)
        if cached is not None:
            return cached
        merged = self.supergraph.types[type_name]
        seen = [graph]
        queue = deque([graph])
        while queue:
            current = queue.popleft()
            for other in sorted(merged.by_graph):
                if other not in seen and self.can_jump(type_name, current, other):
                    seen.append(other)
                    queue.append(other)
        self.closures[state] = seen
        return seen

    def resolves(self, merged: MergedType, f: MergedField, graph: str) -> bool:
        """Whether ``graph`` itself resolves ``merged.f`` (not external, not overridden away)."""
        fd = f.by_graph.get(graph)
        if fd is None:
            return False
        if fd.external and (graph, merged.name, f.name) not in self.supergraph.provided:
            return False
        return not self._overridden_away(f, graph)

    def satisfiable(self, merged: MergedType, f: MergedField, graph: str, depth: int = 0) -> bool:
        if any(self.resolves(merged, f, g) for g in self.closure(merged.name, graph)):
            return True
        if f.from_interface_object and self._via_interface_object(merged, f, graph):
            return True
        named = self.named(merged.name, graph)
        if depth < 3 and merged.kind == "INTERFACE" and named is not None and named.kind == "INTERFACE":
            implementations = [
                t for t in self.supergraph.subgraphs[graph].types.values() if merged.name in t.interfaces
            ]
            return all(
                (impl_field := self.supergraph.types[t.name].fields.get(f.name)) is not None
                and self.satisfiable(self.supergraph.types[t.name], impl_field, graph, depth + 1)
                for t in implementations
            )
        return False

    def _via_interface_object(self, merged: MergedType, f: MergedField, graph: str) -> bool:
        for interface_name in merged.interfaces:
            interface = self.supergraph.types.get(interface_name)
            if interface is None or f.name not in interface.fields:
                continue
            for g in interface.interface_object_graphs:
                named = self.named(merged.name, graph)
                available = set(named.fields) if named else set()
                if any(names <= available for _, names in self.resolvable_keys(interface_name, g)):
                    return True
        return False

    def path(self, state: State) -> list[str]:
        labels: list[str] = []
        current: State | None = state
        while current is not None:
            parent, label = self.parents[current]
            if label is not None:
                labels.append(label)
            current = parent
        return list(reversed(labels))


def check_satisfiability(supergraph: Supergraph) -> Iterator[CompositionError]:
    """``SATISFIABILITY_ERROR`` for each visible field some path cannot resolve."""
    walk = _Walk(supergraph)
    queue: deque[State] = deque()
    roots: dict[State, str] = {}
    for root in ROOT_TYPE_NAMES:
        merged_root = supergraph.types.get(root)
        if merged_root is None:
            continue
        for g in sorted(merged_root.by_graph):
            walk.parents[(root, g)] = (None, None)
            roots[(root, g)] = root
            queue.append((root, g))
    reported: set[tuple[str, str]] = set()
    while queue:
        state = queue.popleft()
        type_name, graph = state
        merged = supergraph.types[type_name]
        named = walk.named(type_name, graph)
        if named is None:
            continue
        if state not in roots and not merged.inaccessible:
            for f in merged.fields.values():
                if f.inaccessible or (type_name, f.name) in reported:
                    continue
                if not walk.satisfiable(merged, f, graph):
                    reported.add((type_name, f.name))
                    yield _error(walk, supergraph, state, merged, f)
        successors: list[tuple[State, str | None]] = []
        for fd in named.fields.values():
            merged_field = merged.fields.get(fd.name)
            if merged_field is None or merged_field.inaccessible:
                continue
            if fd.external and (graph, type_name, fd.name) not in supergraph.provided:
                continue
            target = named_type(fd.type)
            target_type = supergraph.types.get(target)
            if (
                target_type is not None
                and target_type.kind in _COMPOSITE
                and walk.named(target, graph) is not None
            ):
                successors.append(((target, graph), fd.name))
        if named.kind in ("INTERFACE", "UNION"):
            possible = (
                named.members
                if named.kind == "UNION"
                else tuple(
                    t.name for t in supergraph.subgraphs[graph].types.values() if type_name in t.interfaces
                )
            )
            successors += [((member, graph), f"... on {member}") for member in possible]
        if state not in roots:
            successors += [((type_name, g), None) for g in walk.closure(type_name, graph) if g != graph]
        for successor, label in successors:
            if successor not in walk.parents:
                walk.parents[successor] = (state, label)
                queue.append(successor)


def _error(
    walk: _Walk, supergraph: Supergraph, state: State, merged: MergedType, f: MergedField
) -> CompositionError:
    type_name, graph = state
    labels = [*walk.path(state), f.name]
    root = state
    while walk.parents[root][0] is not None:
        parent = walk.parents[root][0]
        assert parent is not None
        root = parent
    operation = {"Query": "", "Mutation": "mutation ", "Subscription": "subscription "}[root[0]]
    query = operation + "{\n"
    for depth, label in enumerate(labels, start=1):
        query += "  " * depth + label + (" {\n" if depth < len(labels) else "\n")
    for depth in range(len(labels) - 1, -1, -1):
        query += "  " * depth + "}\n"
    coordinate = f"{type_name}.{f.name}"
    reasons = [f'  - cannot find field "{coordinate}".']
    for other in sorted(merged.by_graph):
        if other == graph or not walk.resolves(merged, f, other):
            continue
        if not walk.resolvable_keys(type_name, other):
            reasons.append(
                f'  - cannot move to subgraph "{other}", which has field "{coordinate}", because type'
                f' "{type_name}"'
                f' has no @key defined in subgraph "{other}".'
            )
        else:
            keys = ", ".join(f'@key(fields: "{k.fields}")' for k, _ in walk.resolvable_keys(type_name, other))
            reasons.append(
                f'  - cannot move to subgraph "{other}" using {keys} of "{type_name}", the key field(s)'
                " cannot be"
                f' resolved from subgraph "{graph}".'
            )
    message = (
        "The following supergraph API query:\n"
        + query
        + "cannot be satisfied by the subgraphs because:\n"
        + f'- from subgraph "{graph}":\n'
        + "\n".join(reasons)
    )
    return CompositionError(
        code="SATISFIABILITY_ERROR", message=message, subgraph=graph, coordinate=coordinate
    )

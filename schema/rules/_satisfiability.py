"""Satisfiability: every field of the API schema can be resolved on every path to it.

Implements federation's satisfiability validation. A client query is a path through the API
schema; the router follows it through subgraphs, and at each step it is at one of several
possible *positions* — (type, subgraph, what a ``@provides`` on the way made available). The
walk starts from the root types of every subgraph and, per step, keeps the set of positions the
step can end in (alternatives: the planner may pick any of them). A step from position P over
field ``f`` is possible

- *directly* when P's subgraph resolves ``f``: it defines it, it is not ``@external`` (unless the
  ``@provides`` that led to P selected it), it was not moved away by ``@override`` (a progressive
  ``label`` splits the walk in two: with the label on only the overriding subgraph resolves it,
  with it off only the original one), and its ``@requires`` selection is itself resolvable from P;
- *indirectly* through entity ``@key`` jumps to another subgraph (or to an ``@interfaceObject``)
  that resolves ``f`` directly, where each jump needs its key fields resolvable from where the
  walk already is (direct fields, or fields other jumps reach: a fixed point per position);
- *after a root type re-entry*: a ``Query`` object some field returned (``Viewer.query``, a
  mutation payload's ``query``) lets the router send a plain query to any subgraph at that path,
  so every subgraph's query root is an alternative there, with no condition (Apollo's
  ``RootTypeResolution`` edge, which the router's planner follows too). The pinned oracle does
  not model it and rejects such sets.

An abstract type is walked through each possible type (``... on Impl``): a subgraph whose view
of the interface or union lacks ``Impl`` never returns one, so that alternative just ends, while
an ``@interfaceObject`` must jump to a subgraph that knows the implementations. A field whose
step leaves no position is reported once, with the shortest example query reaching it.

Every resolution is memoised by position (and the override labels in force), so the walk costs
about one lookup per (type, subgraph, field); a state whose positions include those of an already
walked state of the same type adds nothing and is skipped.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from graphql import FieldNode, InlineFragmentNode, SelectionSetNode

from .._fieldset import FieldSetError, parse_field_set
from .._merge import MergedField, MergedType, Supergraph
from .._model import ROOT_TYPE_NAMES, Field, NamedType
from .._typeref import named_type
from ..errors import CompositionError

_COMPOSITE = frozenset(("OBJECT", "INTERFACE", "UNION"))


@dataclass(frozen=True, slots=True)
class _Provided:
    """What a ``@provides`` makes resolvable at one position: fields (with nested) and fragments."""

    fields: tuple[tuple[str, _Provided | None], ...] = ()
    fragments: tuple[tuple[str, _Provided], ...] = ()

    def get(self, name: str) -> tuple[bool, _Provided | None]:
        for field_name, nested in self.fields:
            if field_name == name:
                return True, nested
        return False, None

    def on(self, type_name: str) -> _Provided | None:
        """The selections that apply once the position narrows to ``type_name``."""
        narrowed: _Provided | None = _Provided(fields=self.fields)
        for condition, nested in self.fragments:
            if condition == type_name:
                narrowed = _merge_provided(narrowed, nested)
        return narrowed if narrowed is not None and (narrowed.fields or narrowed.fragments) else None


def _merge_provided(a: _Provided | None, b: _Provided | None) -> _Provided | None:
    if a is None or b is None:
        return a or b
    fields = dict(a.fields)
    for name, nested in b.fields:
        fields[name] = _merge_provided(fields[name], nested) if name in fields else nested
    fragments: dict[str, _Provided] = dict(a.fragments)
    for condition, nested in b.fragments:
        merged = _merge_provided(fragments.get(condition), nested)
        assert merged is not None
        fragments[condition] = merged
    return _Provided(fields=tuple(sorted(fields.items())), fragments=tuple(sorted(fragments.items())))


def _provided_from(selection_set: SelectionSetNode, type_name: str) -> _Provided:
    result = _Provided()
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            nested = _provided_from(selection.selection_set, "") if selection.selection_set else None
            part: _Provided | None = _Provided(fields=((selection.name.value, nested),))
        elif isinstance(selection, InlineFragmentNode):
            inner = _provided_from(selection.selection_set, type_name)
            condition = selection.type_condition.name.value if selection.type_condition else None
            part = (
                inner
                if condition is None or condition == type_name
                else _Provided(fragments=((condition, inner),))
            )
        else:
            continue
        merged = _merge_provided(result, part)
        assert merged is not None
        result = merged
    return result


#: (type name, subgraph, provided selections); the type is the subgraph's own view of it.
Position = tuple[str, str, _Provided | None]
#: Progressive override labels decided on the path so far, sorted: ((label, on), ...).
Labels = tuple[tuple[str, bool], ...]
#: A node a key jump can reach, with the parsed selections of its resolvable keys.
_Target = tuple[str, str, tuple[SelectionSetNode, ...]]


class _Resolver:
    """Answers "from this position, can the router get field ``f``, and where does it land?"."""

    def __init__(self, supergraph: Supergraph) -> None:
        self.supergraph = supergraph
        self._types = supergraph.types
        self._subgraphs = supergraph.subgraphs
        self._direct: dict[tuple[Position, str, Labels], Position | None] = {}
        self._reach: dict[tuple[Position, str, Labels], tuple[Position, ...]] = {}
        self._closure: dict[tuple[Position, Labels], tuple[Position, ...]] = {}
        self._requires: dict[tuple[Position, str, Labels], bool] = {}
        self._targets: dict[str, tuple[_Target, ...]] = {}
        self._overrides = self._override_rules()
        self._leaf: dict[str, bool] = {}
        self._possible: dict[str, tuple[str, ...]] = {}
        self._provides: dict[tuple[str, str], _Provided | None] = {}
        self._in_progress: set[object] = set()
        query = supergraph.types.get("Query")
        self._query_roots: tuple[Position, ...] = (
            tuple(("Query", g, None) for g in sorted(query.by_graph)) if query is not None else ()
        )
        #: Times a cycle was cut short; a result computed while this moved is partial, not memoised.
        self._cycles = 0

    def possible_types(self, abstract: str) -> tuple[str, ...]:
        """Object types an interface or union can be in the supergraph (memoised: a scan of all types)."""
        cached = self._possible.get(abstract)
        if cached is None:
            cached = self._possible[abstract] = tuple(self.supergraph.possible_types(abstract))
        return cached

    # -- one subgraph --------------------------------------------------------------------------
    def named(self, type_name: str, graph: str) -> NamedType | None:
        return self._subgraphs[graph].types.get(type_name)

    def is_leaf(self, type_text: str) -> bool:
        leaf = self._leaf.get(type_text)
        if leaf is None:
            target = self._types.get(named_type(type_text))
            leaf = self._leaf[type_text] = target is None or target.kind not in _COMPOSITE
        return leaf

    def _override_rules(self) -> dict[tuple[str, str], dict[str, tuple[str, bool] | None]]:
        """Per overridden field, the subgraphs ``@override`` restricts.

        ``None`` means the subgraph never resolves the field; ``(label, on)`` means only while
        the progressive label is (on) or is not (off) in force.
        """
        rules: dict[tuple[str, str], dict[str, tuple[str, bool] | None]] = {}
        for merged in self._types.values():
            for merged_field in merged.fields.values():
                for graph, fd in merged_field.by_graph.items():
                    if not fd.override or fd.override == graph:
                        continue
                    by_graph = rules.setdefault((merged.name, merged_field.name), {})
                    if fd.override_label:
                        by_graph[graph] = (fd.override_label, True)
                        by_graph[fd.override] = (fd.override_label, False)
                    else:
                        by_graph[fd.override] = None
        return rules

    def accessible(self, type_name: str, field_name: str, graph: str, labels: Labels) -> bool:
        rules = self._overrides.get((type_name, field_name))
        if rules is None or graph not in rules:
            return True
        rule = rules[graph]
        if rule is None:
            return False
        label, on = rule
        # A label nobody decided on this path resolves neither side (as the reference composer).
        return any(name == label and value == on for name, value in labels)

    def is_external(self, named: NamedType, fd: Field, graph: str) -> bool:
        """``@external`` fields do not resolve, except key fields of an extension (the reference has them)."""
        if not fd.external:
            return False
        key_fields = self.supergraph.key_fields
        if (
            self._subgraphs[graph].is_fed1
            and named.extension
            and any((g, named.name, fd.name) in key_fields for g in self._subgraphs)
        ):
            return False
        if (graph, named.name, fd.name) not in key_fields:
            return True
        return not named.extension

    def provides(self, graph: str, type_name: str, fd: Field) -> _Provided | None:
        key = (graph, f"{type_name}.{fd.name}")
        if key not in self._provides:
            try:
                selection_set = parse_field_set(fd.provides or "")
            except FieldSetError:
                self._provides[key] = None
            else:
                self._provides[key] = _provided_from(selection_set, named_type(fd.type))
        return self._provides[key]

    def direct(self, position: Position, field_name: str, labels: Labels) -> Position | None:
        """Where resolving ``field_name`` in the position's own subgraph lands, if it can."""
        memo_key = (position, field_name, labels)
        if memo_key in self._direct:
            return self._direct[memo_key]
        cycles = self._cycles
        result = self._compute_direct(position, field_name, labels)
        if self._cycles == cycles:
            self._direct[memo_key] = result
        return result

    def _compute_direct(self, position: Position, field_name: str, labels: Labels) -> Position | None:
        type_name, graph, provided = position
        named = self.named(type_name, graph)
        fd = named.fields.get(field_name) if named is not None else None
        if named is None or fd is None:
            return None
        is_provided, nested = provided.get(field_name) if provided is not None else (False, None)
        if not is_provided:
            if named.kind == "INTERFACE" and not self.is_leaf(fd.type):
                return None  # a subgraph's interface only answers leaf fields itself
            if not self.accessible(type_name, field_name, graph, labels):
                return None
            if self.is_external(named, fd, graph):
                return None
        if fd.requires and not self.requires_satisfied(position, fd, labels):
            return None
        if fd.provides:
            nested = _merge_provided(nested, self.provides(graph, type_name, fd))
        target = named_type(fd.type)
        if nested is not None and nested.fragments:
            target_type = self._types.get(target)
            if target_type is not None and target_type.kind == "OBJECT":
                nested = nested.on(target)  # fragments on the object itself apply, others never do
        return (target, graph, nested)

    def requires_satisfied(self, position: Position, fd: Field, labels: Labels) -> bool:
        """Whether the ``@requires`` selection of ``fd`` is resolvable from ``position``."""
        memo_key = (position, fd.name, labels)
        cached = self._requires.get(memo_key)
        if cached is not None:
            return cached
        if memo_key in self._in_progress:
            self._cycles += 1
            return False  # requiring (through others) what is being required
        cycles = self._cycles
        self._in_progress.add(memo_key)
        try:
            selection_set = parse_field_set(fd.requires or "")
        except FieldSetError:
            result = False
        else:
            result = self.selection_resolvable((position,), selection_set, labels, top_direct=False)
        self._in_progress.discard(memo_key)
        if self._cycles == cycles:
            self._requires[memo_key] = result
        return result

    # -- across subgraphs ----------------------------------------------------------------------
    def reentry(self, type_name: str) -> tuple[Position, ...]:
        """Root type re-entry: the query roots an object of ``type_name`` returned by a field can go to.

        Apollo has this edge for every root kind, but the router re-enters only ``Query`` (a plain
        ``query`` at the object's path); a field returning ``Mutation`` or ``Subscription`` stays
        in its own subgraph, so accepting more here would compose supergraphs it cannot plan.

        The edge is taken where a field lands (the walk's next state, a key or ``@requires``
        selection's nested positions), not in ``closure``: every alternative at a ``Query`` then
        already includes every root, and a closure adding them again would make each root field
        cost one lookup per subgraph per subgraph.
        """
        return self._query_roots if type_name == "Query" else ()

    def with_reentry(self, landed: list[Position]) -> list[Position]:
        """``landed`` (positions of one type) and the roots re-entry makes alternatives to them."""
        if not landed:
            return landed
        return landed + [r for r in self.reentry(landed[0][0]) if r not in landed]

    def targets(self, type_name: str) -> tuple[_Target, ...]:
        """Nodes a key jump from ``type_name`` can land on: its own entity nodes, its ``@interfaceObject``s."""
        cached = self._targets.get(type_name)
        if cached is not None:
            return cached
        merged = self._types.get(type_name)
        targets: list[_Target] = []
        if merged is not None and merged.kind in ("OBJECT", "INTERFACE"):
            targets += self._key_targets(merged)
            if merged.kind == "OBJECT":
                for interface_name in merged.interfaces:
                    interface = self._types.get(interface_name)
                    if interface is not None and interface.interface_object_graphs:
                        targets += self._key_targets(interface)
        result = tuple(targets)
        self._targets[type_name] = result
        return result

    def _key_targets(self, merged: MergedType) -> list[_Target]:
        targets: list[_Target] = []
        for graph in sorted(merged.by_graph):
            keys: list[SelectionSetNode] = []
            for key in merged.by_graph[graph].keys:
                if not key.resolvable:
                    continue
                try:
                    keys.append(parse_field_set(key.fields))
                except FieldSetError:
                    continue
            if keys:
                targets.append((merged.name, graph, tuple(keys)))
        return targets

    def closure(self, position: Position, labels: Labels) -> tuple[Position, ...]:
        """``position`` and every node key jumps reach from it (a fixed point: keys may need jumps)."""
        memo_key = (position, labels)
        cached = self._closure.get(memo_key)
        if cached is not None:
            return cached
        if memo_key in self._in_progress:
            self._cycles += 1
            return (position,)
        cycles = self._cycles
        self._in_progress.add(memo_key)
        nodes = [position]
        seen = {(position[0], position[1])}
        changed = True
        while changed:
            changed = False
            for type_name, graph, keys in self.targets(position[0]):
                if (type_name, graph) in seen:
                    continue
                if any(self.selection_resolvable(tuple(nodes), key, labels, top_direct=True) for key in keys):
                    nodes.append((type_name, graph, None))
                    seen.add((type_name, graph))
                    changed = True
        self._in_progress.discard(memo_key)
        result = tuple(nodes)
        if self._cycles == cycles:
            self._closure[memo_key] = result
        return result

    def reach(self, position: Position, field_name: str, labels: Labels) -> tuple[Position, ...]:
        """Every position resolving ``field_name`` from ``position`` lands on: direct, then via keys."""
        memo_key = (position, field_name, labels)
        cached = self._reach.get(memo_key)
        if cached is not None:
            return cached
        cycles = self._cycles
        landed: list[Position] = []
        for node in self.closure(position, labels):
            tail = self.direct(node, field_name, labels)
            if tail is not None and tail not in landed:
                landed.append(tail)
        result = tuple(landed)
        if self._cycles == cycles:
            self._reach[memo_key] = result
        return result

    def can_reach(self, position: Position, field_name: str, labels: Labels) -> bool:
        """``reach`` for leaves: stop at the first way (the position's own subgraph first)."""
        if self.direct(position, field_name, labels) is not None:
            return True
        return bool(self.reach(position, field_name, labels))

    def selection_resolvable(
        self,
        positions: tuple[Position, ...],
        selection_set: SelectionSetNode,
        labels: Labels,
        *,
        top_direct: bool,
    ) -> bool:
        """Whether a key or ``@requires`` selection can be fetched from one of ``positions``.

        ``top_direct`` (key jumps) looks at the given nodes only for the top-level fields: the
        closure computing them is the fixed point that adds the other subgraphs.
        """
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                name = selection.name.value
                if name == "__typename":
                    continue
                tails: list[Position] = []
                for position in positions:
                    if top_direct:
                        tail = self.direct(position, name, labels)
                        found: Iterable[Position] = (tail,) if tail is not None else ()
                    else:
                        found = self.reach(position, name, labels)
                    tails += [t for t in found if t not in tails]
                if not tails:
                    return False
                if selection.selection_set and not self.selection_resolvable(
                    tuple(self.with_reentry(tails)), selection.selection_set, labels, top_direct=False
                ):
                    return False
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition.name.value if selection.type_condition else None
                narrowed = positions
                if condition is not None:
                    narrowed = tuple(
                        moved
                        for p in positions
                        for moved in [p if p[0] == condition else self.narrow(p, condition)]
                        if moved is not None
                    )
                if not narrowed or not self.selection_resolvable(
                    narrowed, selection.selection_set, labels, top_direct=top_direct
                ):
                    return False
        return True

    def narrow(self, position: Position, possible: str) -> Position | None:
        """``... on possible`` within the position's subgraph, when that subgraph can return it."""
        type_name, graph, provided = position
        named = self.named(type_name, graph)
        candidate = self.named(possible, graph)
        if named is None or candidate is None:
            return None
        if (named.kind == "UNION" and possible in named.members) or (
            named.kind == "INTERFACE" and type_name in candidate.interfaces
        ):
            return (possible, graph, provided.on(possible) if provided is not None else None)
        return None


@dataclass(frozen=True, slots=True)
class _Trail:
    """The example query to a state: labels from the root, linked backwards."""

    label: str
    parent: _Trail | None

    def labels(self) -> list[str]:
        labels: list[str] = []
        trail: _Trail | None = self
        while trail is not None:
            labels.append(trail.label)
            trail = trail.parent
        return list(reversed(labels))


@dataclass(frozen=True, slots=True)
class _State:
    """Being at API type ``type_name`` in any of ``positions``, with the labels decided on the way."""

    type_name: str
    positions: frozenset[Position]
    labels: Labels
    root: str
    trail: _Trail | None


def check_satisfiability(supergraph: Supergraph) -> Iterator[CompositionError]:
    """``SATISFIABILITY_ERROR`` for each visible field (or type condition) some path cannot resolve."""
    resolver = _Resolver(supergraph)
    queue: deque[_State] = deque()
    for root in ROOT_TYPE_NAMES:
        merged_root = supergraph.types.get(root)
        if merged_root is not None:
            positions = frozenset((root, g, None) for g in sorted(merged_root.by_graph))
            queue.append(_State(root, positions, (), root, None))
    visited: dict[str, list[frozenset[Position]]] = {}
    reported: set[str] = set()
    plans: dict[str, tuple[_Step, ...]] = {}
    while queue:
        state = queue.popleft()
        seen = visited.setdefault(state.type_name, [])
        if any(earlier <= state.positions for earlier in seen):
            continue  # a walked state had a subset of these alternatives: nothing new to find
        seen.append(state.positions)
        merged = supergraph.types[state.type_name]
        if merged.kind == "OBJECT":
            plan = plans.get(merged.name)
            if plan is None:
                plan = plans[merged.name] = _steps_of(supergraph, resolver, merged)
            steps = _field_steps(resolver, state, merged, plan, reported)
        else:
            steps = _abstract_steps(resolver, state, merged, reported)
        for step in steps:
            if isinstance(step, CompositionError):
                yield step
            else:
                queue.append(step)


@dataclass(frozen=True, slots=True)
class _Step:
    """One visible field of an object type, with what the walk needs to know about it up front."""

    field: MergedField
    target: str
    leaf: bool
    label: str | None


def _steps_of(supergraph: Supergraph, resolver: _Resolver, merged: MergedType) -> tuple[_Step, ...]:
    steps: list[_Step] = []
    for f in merged.fields.values():
        if f.inaccessible or _unresolvable_fed1_external(supergraph, f):
            continue
        label = next(
            (fd.override_label for fd in f.by_graph.values() if fd.override and fd.override_label), None
        )
        steps.append(_Step(field=f, target=named_type(f.type), leaf=resolver.is_leaf(f.type), label=label))
    return tuple(steps)


def _field_steps(
    resolver: _Resolver,
    state: _State,
    merged: MergedType,
    steps: tuple[_Step, ...],
    reported: set[str],
) -> Iterator[_State | CompositionError]:
    positions = sorted(state.positions, key=_position_order)
    for step in steps:
        name = step.field.name
        for labels in _label_choices(step.label, state.labels):
            landed: list[Position] = []
            if step.leaf:
                if any(resolver.can_reach(p, name, labels) for p in positions):
                    continue
            else:
                for p in positions:
                    landed += [t for t in resolver.reach(p, name, labels) if t not in landed]
            trail = _Trail(name, state.trail)
            if landed:
                # Taking the re-entry edges up front makes a re-entered ``Query`` a superset of the
                # operation's root state, which the walk then skips instead of walking it again.
                yield _State(step.target, frozenset(resolver.with_reentry(landed)), labels, state.root, trail)
            elif f"{merged.name}.{name}" not in reported:
                reported.add(f"{merged.name}.{name}")
                yield _error(resolver, state, trail, merged, step.field, labels)


def _abstract_steps(
    resolver: _Resolver, state: _State, merged: MergedType, reported: set[str]
) -> Iterator[_State | CompositionError]:
    positions = sorted(state.positions, key=_position_order)
    for possible in resolver.possible_types(merged.name):
        landed: list[Position] = []
        stuck = False
        for p in positions:
            if p[0] == possible:
                landed.append(p)  # the subgraph's own field type is already this implementation
                continue
            tail = resolver.narrow(p, possible)
            named = resolver.named(p[0], p[1])
            if tail is None and not (named is not None and named.interface_object):
                continue  # this subgraph never returns a ``possible``: that alternative ends here
            if tail is not None:
                landed.append(tail)
            else:
                stuck = True
            for type_name, graph, _keys in resolver.targets(p[0]):
                if type_name != p[0] or graph == p[1]:
                    continue
                other = resolver.narrow((type_name, graph, None), possible)
                if other is not None and other not in landed:
                    landed.append(other)
        trail = _Trail(f"... on {possible}", state.trail)
        if landed:
            yield _State(possible, frozenset(landed), state.labels, state.root, trail)
        elif stuck and merged.name not in reported:
            reported.add(merged.name)
            yield _abstract_error(state, trail, merged, possible, positions)


def _position_order(position: Position) -> tuple[str, str, bool]:
    return (position[1], position[0], position[2] is not None)


def _label_choices(label: str | None, labels: Labels) -> list[Labels]:
    """Progressive ``@override``: the field must resolve with its label on and with it off."""
    if label is None:
        return [labels]
    decided = dict(labels)
    if label in decided:
        return [labels]
    return [tuple(sorted({**decided, label: on}.items())) for on in (True, False)]


def _unresolvable_fed1_external(supergraph: Supergraph, f: MergedField) -> bool:
    """A federation 1 field only ever declared ``@external`` is not part of the walk."""
    if len(f.by_graph) != 1:
        return False
    ((graph, fd),) = f.by_graph.items()
    return fd.external and supergraph.subgraphs[graph].is_fed1


def _query_text(state: _State, trail: _Trail, *, composite: bool) -> str:
    """The example query: the path's fields nested, ``...`` under a last field that needs a selection."""
    labels = trail.labels()
    operation = {"Query": "", "Mutation": "mutation ", "Subscription": "subscription "}[state.root]
    query = operation + "{\n"
    for depth, label in enumerate(labels, start=1):
        query += "  " * depth + label + (" {\n" if depth < len(labels) or composite else "\n")
    if composite:
        query += "  " * (len(labels) + 1) + "...\n" + "  " * len(labels) + "}\n"
    for depth in range(len(labels) - 1, -1, -1):
        query += "  " * depth + "}\n"
    return query


def _error(
    resolver: _Resolver, state: _State, trail: _Trail, merged: MergedType, f: MergedField, labels: Labels
) -> CompositionError:
    coordinate = f"{merged.name}.{f.name}"
    graphs = sorted({p[1] for p in state.positions})
    blocks: list[str] = []
    for graph in graphs:
        reasons = _reasons(resolver, merged, f, graph, labels)
        blocks.append(f'- from subgraph "{graph}":\n' + "\n".join(reasons))
    message = (
        "The following supergraph API query:\n"
        + _query_text(state, trail, composite=not resolver.is_leaf(f.type))
        + "cannot be satisfied by the subgraphs because:\n"
        + "\n".join(blocks)
    )
    return CompositionError(
        code="SATISFIABILITY_ERROR", message=message, subgraph=graphs[0], coordinate=coordinate
    )


def _reasons(
    resolver: _Resolver, merged: MergedType, f: MergedField, graph: str, labels: Labels
) -> list[str]:
    type_name = merged.name
    coordinate = f"{type_name}.{f.name}"
    own = f.by_graph.get(graph)
    named = resolver.named(type_name, graph)
    if own is None or named is None:
        reasons = [f'  - cannot find field "{coordinate}".']
    elif resolver.is_external(named, own, graph):
        reasons = [f'  - field "{coordinate}" is not resolvable because marked @external.']
    elif own.requires and resolver.accessible(type_name, f.name, graph, labels):
        reasons = [f'  - cannot satisfy @require conditions on field "{coordinate}".']
    else:
        reasons = [f'  - cannot find field "{coordinate}".']
    for other in sorted(f.by_graph):
        if other == graph or resolver.direct((type_name, other, None), f.name, labels) is None:
            continue
        other_named = resolver.named(type_name, other)
        keys = [k for k in other_named.keys if k.resolvable] if other_named is not None else []
        if not keys:
            reasons.append(
                f'  - cannot move to subgraph "{other}", which has field "{coordinate}", because type'
                f' "{type_name}" has no @key defined in subgraph "{other}".'
            )
        else:
            printed = ", ".join(f'@key(fields: "{k.fields}")' for k in keys)
            reasons.append(
                f'  - cannot move to subgraph "{other}" using {printed} of "{type_name}", the key field(s)'
                f' cannot be resolved from subgraph "{graph}".'
            )
    return reasons


def _abstract_error(
    state: _State, trail: _Trail, merged: MergedType, possible: str, positions: list[Position]
) -> CompositionError:
    graph = positions[0][1]
    message = (
        "The following supergraph API query:\n"
        + _query_text(state, trail, composite=True)
        + "cannot be satisfied by the subgraphs because:\n"
        + f'- from subgraph "{graph}": no subgraph can be reached to resolve the implementation type'
        f' "{possible}" of @interfaceObject type "{merged.name}".'
    )
    return CompositionError(
        code="SATISFIABILITY_ERROR", message=message, subgraph=graph, coordinate=merged.name
    )

"""Walk and choose: normalized operation -> query tree (PLANNER.md, stages 4 and 5).

For every selection the walk collects the ways to resolve it from where the plan currently is (a
*(type, subgraph)* node of the query graph): the current subgraph itself (always preferred when it
can), an entity jump through a key edge into another subgraph, or, on a ``Query`` object a field
returned, a root type re-entry into another subgraph's query root. Jump conditions (the key fields,
``@requires`` fields) are solved as nested searches from the jump's start. Choosing is a bounded
enumeration over the selections that have several options, on a cost like Apollo's: each fetch
costs ``FETCH_COST`` plus one per selected field. Results are memoized per (node, selections).
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, TypeVar

from ._operation import OpField, OpFragment, OpSelection, VarCondition, parse_field_set
from ._query_tree import QueryTree, RootGroup, TreeField, TreeFragment, TreeJump, TreeNode, TreeRootJump
from .errors import PlanningTimeout, UnsatisfiableError
from .normalize import merge_fields

if TYPE_CHECKING:
    from collections.abc import Callable

    from ._query_graph import QueryGraph
    from .normalize import NormalizedOperation

__all__ = ["FETCH_COST", "build_query_tree"]

FETCH_COST = 1000.0
MAX_COMBINATIONS = 2048
"""Cap on the assignments tried at one selection level before falling back to a greedy choice."""
MAX_INPUT_DEPTH = 4
"""How deep key/@requires conditions may nest (key chains A -> B -> C need 2)."""

Provided = tuple[OpSelection, ...] | None
_T = TypeVar("_T")
_TYPENAME = OpField(name="__typename")


@dataclass(frozen=True, slots=True)
class _Planned:
    nodes: tuple[TreeNode, ...]
    cost: float


def build_query_tree(graph: QueryGraph, operation: NormalizedOperation, *, timeout: float = 5.0) -> QueryTree:
    """Choose, for every selection of ``operation``, the subgraph resolving it (a ``QueryTree``)."""
    now = time.monotonic()
    walker = _Walker(graph, deadline=now + timeout, hard_deadline=now + 2 * timeout)
    return walker.root(operation)


class _Walker:
    def __init__(self, graph: QueryGraph, *, deadline: float, hard_deadline: float) -> None:
        self.graph = graph
        self.sg = graph.supergraph
        self.query_type = self.sg.root_types.get("query")
        self.deadline = deadline
        self.hard_deadline = hard_deadline
        self.greedy = False
        self._levels: dict[tuple[object, ...], _Planned | None] = {}
        self._groups: dict[tuple[object, ...], _Planned | None] = {}
        self._active: set[tuple[object, ...]] = set()

    # -- root -----------------------------------------------------------------------------------------

    def root(self, operation: NormalizedOperation) -> QueryTree:
        root_type = operation.root_type
        fields = _root_fields(operation.selections, ())
        if not fields:
            return QueryTree(root_type=root_type, groups=())
        options = []
        for f in fields:
            graphs = self.graph.field_graphs(root_type, f.name)
            if not graphs:
                raise UnsatisfiableError(f"no subgraph resolves {root_type}.{f.name}")
            options.append(graphs)
        if operation.kind == "mutation":
            return self._sequential_root(root_type, fields, options)
        best: tuple[float, list[tuple[str, list[OpField]]]] | None = None
        for assignment in self._assignments(
            options, lambda i, g: self._root_cost(root_type, g, (fields[i],))
        ):
            groups: dict[str, list[OpField]] = {}
            for f, g in zip(fields, assignment, strict=True):
                groups.setdefault(g, []).append(f)
            cost = 0.0
            for g, fs in groups.items():
                c = self._root_cost(root_type, g, tuple(fs))
                if c is None:
                    break
                cost += c
            else:
                if best is None or cost < best[0]:
                    best = (cost, list(groups.items()))
        if best is None:
            raise UnsatisfiableError(_unsatisfiable(root_type, fields))
        out = []
        for g, fs in best[1]:
            planned = self.level(root_type, g, tuple(fs), None, frozenset(), 0, root=True)
            assert planned is not None
            out.append(RootGroup(graph=g, children=planned.nodes))
        return QueryTree(root_type=root_type, groups=tuple(out), cost=best[0])

    def _sequential_root(
        self, root_type: str, fields: list[OpField], options: list[tuple[str, ...]]
    ) -> QueryTree:
        """Mutation root fields run one after another; neighbours for the same subgraph share a fetch."""
        chosen: list[tuple[str, list[OpField]]] = []
        total = 0.0
        for f, graphs in zip(fields, options, strict=True):
            if chosen and chosen[-1][0] in graphs:
                candidate = (*chosen[-1][1], f)
                if self._root_cost(root_type, chosen[-1][0], candidate) is not None:
                    chosen[-1][1].append(f)
                    continue
            costs = [(c, g) for g in graphs if (c := self._root_cost(root_type, g, (f,))) is not None]
            if not costs:
                raise UnsatisfiableError(_unsatisfiable(root_type, [f]))
            chosen.append((min(costs)[1], [f]))
        groups = []
        for g, fs in chosen:
            planned = self.level(root_type, g, tuple(fs), None, frozenset(), 0, root=True)
            assert planned is not None
            total += FETCH_COST + planned.cost
            groups.append(RootGroup(graph=g, children=planned.nodes))
        return QueryTree(root_type=root_type, groups=tuple(groups), sequential=True, cost=total)

    def _root_cost(self, root_type: str, graph: str, fields: tuple[OpSelection, ...]) -> float | None:
        planned = self.level(root_type, graph, fields, None, frozenset(), 0, root=True)
        return None if planned is None else FETCH_COST + planned.cost

    # -- one selection level --------------------------------------------------------------------------

    def level(
        self,
        type_name: str,
        graph: str,
        selections: tuple[OpSelection, ...],
        provided: Provided,
        satisfied: frozenset[str],
        depth: int,
        *,
        root: bool = False,
    ) -> _Planned | None:
        """Plan ``selections`` on ``type_name`` while in ``graph``; None when impossible from here.

        ``root``: the operation's root fields, where each subgraph is entered directly (no re-entry).
        """
        key = (type_name, graph, selections, provided, satisfied, depth, root)
        if key in self._levels:
            return self._levels[key]
        if key in self._active:
            return None  # a condition that needs itself
        self._check_deadline()
        self._active.add(key)
        try:
            result = self._level(type_name, graph, selections, provided, satisfied, depth, root)
        finally:
            self._active.discard(key)
        self._levels[key] = result
        return result

    def _level(
        self,
        type_name: str,
        graph: str,
        selections: tuple[OpSelection, ...],
        provided: Provided,
        satisfied: frozenset[str],
        depth: int,
        root: bool,
    ) -> _Planned | None:
        sg = self.sg
        t = sg.types[type_name]
        interface_object = self.graph.is_interface_object(type_name, graph)
        abstract = t.is_abstract and not interface_object
        nodes: list[TreeNode] = []
        remote: list[OpSelection] = []
        expand: list[OpField] = []
        cost = 0.0
        for s in selections:
            if isinstance(s, OpField):
                if s.name == "__typename":
                    if interface_object and t.is_abstract:
                        remote.append(s)  # an @interfaceObject cannot tell the real type
                    else:
                        nodes.append(TreeField(field=s))
                    continue
                local = (
                    self._abstract_field(type_name, graph, s, provided, depth)
                    if abstract
                    else self._local_field(type_name, graph, s, provided, satisfied, depth)
                )
                if local is not None:
                    nodes.extend(local.nodes)
                    cost += local.cost
                elif abstract:
                    expand.append(s)
                else:
                    remote.append(s)
                continue
            if s.defer is not None:
                sub = self._deferred(type_name, graph, s, provided, depth)
                if sub is None:
                    return None
                nodes.extend(sub.nodes)
                cost += sub.cost
                continue
            tc = s.type_condition
            if tc is None:
                sub = self.level(type_name, graph, s.selections, provided, satisfied, depth)
                if sub is None:
                    return None
                if sub.nodes:
                    nodes.append(
                        TreeFragment(type_condition=None, conditions=s.conditions, children=sub.nodes)
                    )
                cost += sub.cost
                continue
            if interface_object:
                remote.append(s)  # `... on Impl` needs a subgraph that knows the implementations
                continue
            in_graph = set(sg.possible_types(type_name, graph))
            targets = sorted(set(sg.possible_types(tc)) & in_graph)
            if not targets:
                continue  # can never match what this subgraph returns
            if sg.types[tc].kind == "object" or (
                sg.type_in_graph(tc, graph) and set(sg.possible_types(tc, graph)) >= set(targets)
            ):
                sub = self.level(tc, graph, s.selections, provided, frozenset(), depth)
                if sub is None:
                    return None
                if sub.nodes:
                    nodes.append(TreeFragment(type_condition=tc, conditions=s.conditions, children=sub.nodes))
                cost += sub.cost
            else:
                for o in targets:
                    sub = self.level(o, graph, s.selections, provided, frozenset(), depth)
                    if sub is None:
                        return None
                    if sub.nodes:
                        nodes.append(
                            TreeFragment(type_condition=o, conditions=s.conditions, children=sub.nodes)
                        )
                    cost += sub.cost
        if expand:
            # Some implementations resolve these fields elsewhere: ask per object type.
            for o in sg.possible_types(type_name, graph):
                sub = self.level(o, graph, tuple(expand), provided, frozenset(), depth)
                if sub is None:
                    return None
                if sub.nodes:
                    nodes.append(TreeFragment(type_condition=o, children=sub.nodes))
                cost += sub.cost
        if remote:
            jumps = self._jumps(type_name, graph, tuple(remote), provided, depth, reentry=not root)
            if jumps is None:
                return None
            nodes.extend(jumps.nodes)
            cost += jumps.cost
        return _Planned(tuple(nodes), cost)

    def _local_field(
        self,
        type_name: str,
        graph: str,
        s: OpField,
        provided: Provided,
        satisfied: frozenset[str],
        depth: int,
    ) -> _Planned | None:
        edge = self.graph.field_edge(type_name, graph, s.name, for_condition=depth > 0)
        child_provided: Provided = None
        if edge is None:
            found, child_provided = self._provided_field(provided, type_name, s.name)
            if not found:
                return None
        elif (edge.requires or edge.contextual) and s.name not in satisfied:
            return None  # needs values sent in a representation: only reachable by an entity jump
        elif edge.provides:
            child_provided = parse_field_set(self.sg, s.type_name, edge.provides)
        else:
            child_provided = self._provided_field(provided, type_name, s.name)[1]
        if not s.selections:
            return _Planned((TreeField(field=s),), 1.0)
        sub = self.level(s.type_name, graph, s.selections, child_provided, frozenset(), depth)
        if sub is None:
            return None
        # Nothing left (type conditions that never match): still ask for the object, so the
        # client gets {} rather than null.
        children = sub.nodes or (TreeField(field=_TYPENAME),)
        return _Planned((TreeField(field=s, children=children),), 1.0 + sub.cost)

    def _abstract_field(
        self, type_name: str, graph: str, s: OpField, provided: Provided, depth: int
    ) -> _Planned | None:
        """A field on an interface, kept on the interface when every implementation here resolves it."""
        edge = self.graph.field_edge(type_name, graph, s.name)
        if edge is None or edge.requires or edge.contextual:
            return None
        for o in self.sg.possible_types(type_name, graph):
            o_edge = self.graph.field_edge(o, graph, s.name)
            if o_edge is None or o_edge.requires or o_edge.contextual:
                return None
        return self._local_field(type_name, graph, s, provided, frozenset(), depth)

    def _provided_field(self, provided: Provided, type_name: str, name: str) -> tuple[bool, Provided]:
        """Whether ``@provides`` gives ``type_name.name`` here, and what it provides below it."""
        if provided is None:
            return False, None
        found = False
        sub: list[OpSelection] = []
        for s in provided:
            if isinstance(s, OpField):
                if s.name == name:
                    found = True
                    sub.extend(s.selections)
            elif s.type_condition is None or type_name in self.sg.possible_types(s.type_condition):
                f, inner = self._provided_field(s.selections, type_name, name)
                if f:
                    found = True
                    sub.extend(inner or ())
        return found, (tuple(sub) if found else None)

    # -- deferred fragments ---------------------------------------------------------------------------

    def _deferred(
        self, type_name: str, graph: str, s: OpFragment, provided: Provided, depth: int
    ) -> _Planned | None:
        """A ``@defer`` fragment: its fields in fetches of their own, started after the primary part.

        As in Apollo's planner, a deferred part begins with an entity jump from the object it applies
        to (through a key; into the same subgraph when that one resolves the fields: a new fetch is
        the point), or with a root type re-entry on a ``Query`` object, so the part only needs the
        key fields from the part it depends on. Without a key to start from (a value type), the
        fields are fetched with the enclosing part and only their delivery is deferred.
        """
        assert s.defer is not None
        items: tuple[OpSelection, ...] = (replace(s, defer=None),)
        targets: list[tuple[str, str]] = []
        if type_name == self.query_type:
            targets = [(type_name, g) for g in sorted(self.sg.subgraphs, key=lambda g: (g != graph, g))]
        else:
            seen = {(e.target_type, e.graph) for e in self.graph.key_edges(type_name)}
            targets = sorted(seen, key=lambda t: (t[1] != graph, t[1], t[0]))
        best: _Planned | None = None
        for target in targets:
            planned = self._group(type_name, graph, target, items, provided, depth)
            if planned is not None and (best is None or planned.cost < best.cost):
                best = planned
        if best is None:
            return self.level(type_name, graph, items, provided, frozenset(), depth)
        marked = tuple(
            replace(n, defer=s.defer) if isinstance(n, TreeJump | TreeRootJump) else n for n in best.nodes
        )
        return _Planned(marked, best.cost)

    # -- entity jumps ---------------------------------------------------------------------------------

    def _jumps(
        self,
        type_name: str,
        graph: str,
        remote: tuple[OpSelection, ...],
        provided: Provided,
        depth: int,
        *,
        reentry: bool = False,
    ) -> _Planned | None:
        """Resolve ``remote`` selections through key edges; chooses the cheapest assignment.

        ``reentry``: on the query root type (a ``Query`` object a field returned), a field may also be
        asked from the query root of any subgraph resolving it (Apollo's ``RootTypeResolution`` edge).
        """
        options: list[tuple[tuple[str, str], ...]] = []
        for s in remote:
            opts: dict[tuple[str, str], None] = {}
            if reentry and isinstance(s, OpField):
                for other in self.graph.reentry_graphs(type_name, s.name):
                    if other != graph:
                        opts[(type_name, other)] = None
            for edge in self.graph.key_edges(type_name):
                target = (edge.target_type, edge.graph)
                if target in opts or not self._resolvable_at(edge.target_type, edge.graph, s):
                    continue
                if (
                    edge.graph == graph
                    and edge.target_type == type_name
                    and not self._needs_requires(type_name, graph, s)
                ):
                    continue  # jumping into the same node gains nothing
                opts[target] = None
            if not opts:
                return None
            options.append(tuple(opts))

        def single(i: int, target: tuple[str, str]) -> float | None:
            g = self._group(type_name, graph, target, (remote[i],), provided, depth)
            return None if g is None else g.cost

        best: tuple[float, list[_Planned]] | None = None
        for assignment in self._assignments(options, single):
            groups: dict[tuple[str, str], list[OpSelection]] = {}
            for s, target in zip(remote, assignment, strict=True):
                groups.setdefault(target, []).append(s)
            planned: list[_Planned] = []
            for target, items in groups.items():
                g = self._group(type_name, graph, target, tuple(items), provided, depth)
                if g is None:
                    break
                planned.append(g)
            else:
                cost = sum(p.cost for p in planned)
                if best is None or cost < best[0]:
                    best = (cost, planned)
        if best is None:
            return None
        return _Planned(tuple(n for p in best[1] for n in p.nodes), best[0])

    def _resolvable_at(self, type_name: str, graph: str, s: OpSelection) -> bool:
        if isinstance(s, OpFragment) or s.name == "__typename":
            return not self.graph.is_interface_object(type_name, graph)
        return self.graph.field_edge(type_name, graph, s.name) is not None

    def _needs_requires(self, type_name: str, graph: str, s: OpSelection) -> bool:
        if not isinstance(s, OpField):
            return False
        edge = self.graph.field_edge(type_name, graph, s.name)
        return edge is not None and (edge.requires is not None or edge.contextual)

    def _group(
        self,
        source: str,
        graph: str,
        target: tuple[str, str],
        items: tuple[OpSelection, ...],
        provided: Provided,
        depth: int,
    ) -> _Planned | None:
        key = (source, graph, target, items, provided, depth)
        if key not in self._groups:
            self._groups[key] = self._plan_group(source, graph, target, items, provided, depth)
        return self._groups[key]

    def _plan_group(
        self,
        source: str,
        graph: str,
        target: tuple[str, str],
        items: tuple[OpSelection, ...],
        provided: Provided,
        depth: int,
    ) -> _Planned | None:
        if depth >= MAX_INPUT_DEPTH:
            return None
        target_type, target_graph = target
        if source == target_type == self.query_type:
            return self._plan_reentry(target_graph, items, depth)
        requires: list[OpSelection] = []
        satisfied: set[str] = set()
        for s in items:
            if isinstance(s, OpField):
                edge = self.graph.field_edge(target_type, target_graph, s.name)
                if edge is not None and edge.requires:
                    requires.extend(parse_field_set(self.sg, target_type, edge.requires))
                    satisfied.add(s.name)
                elif edge is not None and edge.contextual:
                    satisfied.add(s.name)  # its context values come with the fetch (``_context``)
        children = self.level(target_type, target_graph, items, None, frozenset(satisfied), depth)
        if children is None:
            return None
        if not children.nodes:
            return _Planned((), 0.0)  # nothing there can match: no jump
        best: tuple[float, TreeJump] | None = None
        for key_edge in self.graph.key_edges(source):
            if (key_edge.target_type, key_edge.graph) != target:
                continue
            wanted = merge_fields(
                self.sg, source, parse_field_set(self.sg, target_type, key_edge.key) + tuple(requires)
            )
            inputs = self.level(source, graph, wanted, provided, frozenset(), depth + 1)
            if inputs is None:
                continue
            cost = FETCH_COST + children.cost + inputs.cost
            if best is None or cost < best[0]:
                jump = TreeJump(
                    graph=target_graph,
                    source_type=source,
                    target_type=target_type,
                    key=key_edge.key,
                    inputs=inputs.nodes,
                    input_selections=wanted,
                    children=children.nodes,
                )
                best = (cost, jump)
        if best is None:
            return None
        return _Planned((best[1],), best[0])

    def _plan_reentry(self, graph: str, items: tuple[OpSelection, ...], depth: int) -> _Planned | None:
        """Root type re-entry into ``graph``: a root-kind fetch at the object's path, no inputs.

        Only fields ``graph`` resolves at its query root are assigned here, so a re-entry never
        chains into a third subgraph; entity jumps below those fields are planned as usual.
        """
        assert self.query_type is not None
        children = self.level(self.query_type, graph, items, None, frozenset(), depth)
        if children is None:
            return None
        if not children.nodes:
            return _Planned((), 0.0)
        jump = TreeRootJump(graph=graph, root_type=self.query_type, children=children.nodes)
        return _Planned((jump,), FETCH_COST + children.cost)

    # -- bounded choice -------------------------------------------------------------------------------

    def _assignments(
        self,
        options: list[tuple[_T, ...]],
        single: Callable[[int, _T], float | None],
    ) -> list[tuple[_T, ...]]:
        """Candidate assignments (one option per selection): every combination, or greedy past the cap.

        Selections with one option are fixed; the rest are enumerated up to ``MAX_COMBINATIONS``.
        Past the cap (or after the planning timeout) each selection joins an option already chosen
        by another selection when it can, else takes its cheapest option alone.
        """
        total = 1
        for opts in options:
            total *= len(opts)
        if total <= MAX_COMBINATIONS and not self.greedy:
            return list(itertools.product(*options))
        chosen: list[_T] = []
        used: set[_T] = {opts[0] for opts in options if len(opts) == 1}
        for i, opts in enumerate(options):
            pick = next((o for o in opts if o in used), None)
            if pick is None:
                costs = [(c, n, o) for n, o in enumerate(opts) if (c := single(i, o)) is not None]
                pick = min(costs, key=lambda x: (x[0], x[1]))[2] if costs else opts[0]
            used.add(pick)
            chosen.append(pick)
        return [tuple(chosen)]

    def _check_deadline(self) -> None:
        now = time.monotonic()
        if now >= self.hard_deadline:
            raise PlanningTimeout("planning took too long: the operation is too large to plan in time")
        if not self.greedy and now >= self.deadline:
            self.greedy = True  # out of time: finish with greedy choices


def _root_fields(selections: tuple[OpSelection, ...], conditions: tuple[VarCondition, ...]) -> list[OpField]:
    """Root fields with the conditions of enclosing (type-less) fragments pushed onto them."""
    out: list[OpField] = []
    for s in selections:
        if isinstance(s, OpField):
            if conditions:
                s = replace(s, conditions=tuple(sorted(set(s.conditions) | set(conditions))))
            out.append(s)
        else:
            out.extend(_root_fields(s.selections, tuple(sorted(set(conditions) | set(s.conditions)))))
    return out


def _unsatisfiable(root_type: str, fields: list[OpField]) -> str:
    names = ", ".join(f"{root_type}.{f.name}" for f in fields)
    return f"cannot plan {names}: no combination of subgraphs can resolve every selected field"

"""Fetch graph: query tree -> a DAG of fetch steps (PLANNER.md, stage 6).

Each step is one request to one subgraph: a root fetch, or an entity fetch at a response path with
its input (``requires``: ``__typename`` plus key and ``@requires`` fields, written against the
supergraph), output selection, ``@skip``/``@include`` condition, and rewrites. A jump's step waits
for every step that produces its inputs, so key chains and ``@requires`` chains order themselves;
a step holding a ``@fromContext`` field also waits for the steps fetching its context values at an
ancestor (``_context``).

A root type re-entry (``TreeRootJump``) becomes a root-kind step at the response path of the ``Query``
object a field returned: a plain ``query`` operation with no input, waiting for the step that
selects that object (which selects its ``__typename`` so the object exists to merge into).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from ._context import NO_BINDINGS, ContextBindings
from ._operation import OpField, VarCondition
from ._query_tree import QueryTree, TreeField, TreeFragment, TreeJump, TreeNode, TreeRootJump
from ._selection import SelectionSet
from .errors import PlanningError
from .nodes import KeyRenamer, Rewrite, ValueSetter

if TYPE_CHECKING:
    from router.supergraph import Supergraph

    from .nodes import OperationKind

__all__ = ["FetchGraph", "Step", "build_fetch_graph", "path_with_filter"]

_TYPENAME = OpField(name="__typename")


class Step:
    """One fetch under construction."""

    __slots__ = (
        "conditions",
        "defer",
        "deps",
        "filters",
        "graph",
        "group",
        "id",
        "input_rewrites",
        "kind",
        "output_rewrites",
        "path",
        "requires",
        "selection",
        "unfiltered",
    )

    def __init__(
        self,
        *,
        id: int,
        graph: str,
        kind: OperationKind | None,
        path: tuple[str, ...],
        conditions: tuple[VarCondition, ...],
        group: int,
        defer: int | None = None,
    ) -> None:
        self.id = id
        self.defer = defer
        """The deferred part (``DeferMark.id``) this fetch belongs to; None: the primary part."""
        self.graph = graph
        self.kind = kind
        """``query``/``mutation`` for a root fetch, None for an entity fetch. A root fetch with a
        ``path`` re-enters the query root at a ``Query`` object of the response (always ``query``)."""
        self.path = path
        self.conditions = conditions
        self.group = group
        self.selection = SelectionSet()
        self.requires = SelectionSet()
        self.filters: set[str] = set()
        self.unfiltered = False
        self.input_rewrites: dict[tuple[object, ...], Rewrite] = {}
        self.output_rewrites: dict[tuple[object, ...], Rewrite] = {}
        self.deps: set[int] = set()

    @property
    def is_entity(self) -> bool:
        return self.kind is None

    @property
    def flatten_path(self) -> tuple[str, ...]:
        if self.filters and not self.unfiltered:
            return (*self.path, "|[" + ",".join(sorted(self.filters)) + "]")
        return self.path

    def absorb(self, other: Step) -> None:
        """Merge ``other`` (same subgraph, path and condition) into this step."""
        self.selection.merge(other.selection)
        self.requires.merge(other.requires)
        self.filters |= other.filters
        self.unfiltered = self.unfiltered or other.unfiltered
        self.input_rewrites.update(other.input_rewrites)
        self.output_rewrites.update(other.output_rewrites)
        self.deps |= other.deps
        self.deps.discard(self.id)


class FetchGraph:
    """The steps of one plan and their dependencies; ``sequential`` for mutations."""

    def __init__(self, *, sequential: bool) -> None:
        self.sequential = sequential
        self.steps: dict[int, Step] = {}
        self._next_id = 0

    def new_step(
        self,
        *,
        graph: str,
        kind: OperationKind | None,
        path: tuple[str, ...],
        conditions: tuple[VarCondition, ...],
        group: int,
        defer: int | None = None,
    ) -> Step:
        step = Step(
            id=self._next_id,
            graph=graph,
            kind=kind,
            path=path,
            conditions=conditions,
            group=group,
            defer=defer,
        )
        self._next_id += 1
        self.steps[step.id] = step
        return step

    def ancestors(self, step_id: int) -> set[int]:
        """Every step ``step_id`` waits for, directly or not."""
        seen: set[int] = set()
        todo = list(self.steps[step_id].deps)
        while todo:
            d = todo.pop()
            if d not in seen:
                seen.add(d)
                todo.extend(self.steps[d].deps)
        return seen

    def dependents(self, step_id: int) -> list[Step]:
        return [s for s in self.steps.values() if step_id in s.deps]

    def remove(self, step_id: int, *, into: int) -> None:
        """Drop ``step_id`` after its work moved into ``into``: its dependents now wait for ``into``."""
        del self.steps[step_id]
        for s in self.steps.values():
            if step_id in s.deps:
                s.deps.discard(step_id)
                if s.id != into:
                    s.deps.add(into)

    def entity_step(
        self,
        *,
        graph: str,
        path: tuple[str, ...],
        conditions: tuple[VarCondition, ...],
        deps: set[int],
        group: int,
        kind: OperationKind | None = None,
        defer: int | None = None,
    ) -> Step:
        """An entity step at ``path`` waiting for ``deps``: an existing one when no cycle results.

        With ``kind``, a root-kind step re-entering the query root at ``path`` instead. Steps of
        different deferred parts are never shared.
        """
        for s in self.steps.values():
            if (
                s.kind == kind
                and s.path == path
                and s.graph == graph
                and s.conditions == conditions
                and s.group == group
                and s.defer == defer
                and s.id not in deps
                and not any(s.id in self.ancestors(d) for d in deps)
            ):
                s.deps |= deps
                return s
        step = self.new_step(
            graph=graph, kind=kind, path=path, conditions=conditions, group=group, defer=defer
        )
        step.deps |= deps
        return step


def path_with_filter(path: tuple[str, ...], types: tuple[str, ...]) -> tuple[str, ...]:
    """``path`` narrowed to objects whose ``__typename`` is in ``types`` (replaces a trailing filter)."""
    segment = "|[" + ",".join(types) + "]"
    if path and path[-1].startswith("|["):
        return (*path[:-1], segment)
    return (*path, segment)


def build_fetch_graph(
    supergraph: Supergraph,
    tree: QueryTree,
    operation_kind: OperationKind,
    contexts: ContextBindings = NO_BINDINGS,
) -> FetchGraph:
    """Turn the query tree into fetch steps (one per root group, one per entity jump, merged by reuse)."""
    builder = _Builder(supergraph, FetchGraph(sequential=tree.sequential), contexts)
    for index, group in enumerate(tree.groups):
        common = _common_conditions(group.children)
        step = builder.graph.new_step(
            graph=group.graph, kind=operation_kind, path=(), conditions=common, group=index, defer=group.defer
        )
        builder.add(step, step.selection, group.children, (), tree.root_type, (), common, internal=False)
    if contexts:
        builder.wait_for_context_values()
    return builder.graph


class _Builder:
    """Walks the query tree, filling steps' selections and creating a step per entity jump."""

    def __init__(self, supergraph: Supergraph, graph: FetchGraph, contexts: ContextBindings) -> None:
        self.supergraph = supergraph
        self.graph = graph
        self.contexts = contexts
        self.context_producers: dict[str, set[int]] = {}
        """context variable -> steps fetching its value at the ancestor."""
        self.context_consumers: dict[int, set[str]] = {}
        """step -> context variables its fields take as arguments."""

    def wait_for_context_values(self) -> None:
        """Make each step with ``@fromContext`` fields wait for the steps fetching the values."""
        for step_id, variables in sorted(self.context_consumers.items()):
            step = self.graph.steps[step_id]
            for variable in sorted(variables):
                for producer in sorted(self.context_producers.get(variable, ())):
                    if producer == step_id or step_id in self.graph.ancestors(producer):
                        raise PlanningError(
                            f"cannot plan the context value ${variable}: the fetch that reads it"
                            " would have to wait for itself"
                        )
                    step.deps.add(producer)

    def has_context_fields(self, nodes: tuple[TreeNode, ...]) -> bool:
        for n in nodes:
            if isinstance(n, TreeField) and n.field.variables & self.contexts.rewrites.keys():
                return True
            if isinstance(n, TreeFragment) and self.has_context_fields(n.children):
                return True
        return False

    def add(
        self,
        step: Step,
        selection: SelectionSet,
        nodes: tuple[TreeNode, ...],
        path: tuple[str, ...],
        type_name: str,
        conditions: tuple[VarCondition, ...],
        strip: tuple[VarCondition, ...],
        *,
        internal: bool,
    ) -> tuple[set[int], dict[str, str]]:
        """Add ``nodes`` to ``selection`` of ``step`` at ``path``.

        Returns the steps touched (they produce what was added) and the response keys that got an
        internal alias. Client selections go first, so planner-added key fields take the aliases.
        """
        touched = {step.id}
        renames: dict[str, str] = {}
        ordered = [n for n in nodes if not isinstance(n, TreeJump | TreeRootJump)] + [
            n for n in nodes if isinstance(n, TreeJump | TreeRootJump)
        ]
        for n in ordered:
            if isinstance(n, TreeField):
                f = n.field
                own = tuple(c for c in f.conditions if c not in strip)
                item = selection.add_field(
                    f, conditions=own, internal=internal, shape=self.shape(type_name, f.name, step.graph)
                )
                if item.response_key != f.response_key:
                    renames[f.response_key] = item.response_key
                if self.contexts and f.variables & self.contexts.rewrites.keys():
                    self.context_consumers.setdefault(step.id, set()).update(
                        f.variables & self.contexts.rewrites.keys()
                    )
                if n.children:
                    if self.is_abstract(f.type_name):
                        # The response shaper types each object by __typename (type conditions).
                        item.sub.add_field(_TYPENAME, conditions=(), internal=True)
                    sub_path = (*path, item.response_key, *("@",) * f.list_depth)
                    t, _ = self.add(
                        step,
                        item.sub,
                        n.children,
                        sub_path,
                        f.type_name,
                        _union(conditions, f.conditions),
                        (),
                        internal=internal,
                    )
                    touched |= t
                if self.contexts and f.alias is not None and f.alias in self.contexts.producers:
                    variable = self.contexts.producers[f.alias]
                    self.context_producers.setdefault(variable, set()).add(step.id)
                    if n.children:
                        self.context_producers[variable] |= t
            elif isinstance(n, TreeFragment):
                own = tuple(c for c in n.conditions if c not in strip)
                tc = n.type_condition
                if tc is None or tc == type_name:
                    target = selection.add_fragment(None, own).sub if own else selection
                    sub_type, sub_path = type_name, path
                else:
                    target = selection.add_fragment(tc, own).sub
                    sub_type = tc
                    sub_path = path_with_filter(path, self.supergraph.possible_types(tc))
                t, r = self.add(
                    step,
                    target,
                    n.children,
                    sub_path,
                    sub_type,
                    _union(conditions, n.conditions),
                    (),
                    internal=internal,
                )
                touched |= t
                renames.update(r)
            elif isinstance(n, TreeRootJump):
                touched |= self.reenter(step, selection, n, path, conditions, internal=internal)
            else:
                touched |= self.jump(step, selection, n, path, conditions, internal=internal)
        return touched, renames

    def is_abstract(self, type_name: str) -> bool:
        """An interface or union of the supergraph (its objects need ``__typename``)."""
        t = self.supergraph.types.get(type_name)
        return t is not None and t.is_abstract

    def shape(self, type_name: str, field_name: str, graph: str) -> str:
        """The type ``graph`` declares for the field (it may differ from the supergraph's)."""
        t = self.supergraph.types.get(type_name)
        f = t.fields.get(field_name) if t is not None else None
        if f is None:
            return ""
        join = f.join(graph)
        return join.type if join is not None and join.type else f.type

    def jump(
        self,
        step: Step,
        selection: SelectionSet,
        jump: TreeJump,
        path: tuple[str, ...],
        conditions: tuple[VarCondition, ...],
        *,
        internal: bool,
    ) -> set[int]:
        """Select the jump's inputs in ``step`` and its children in an entity step at ``path``.

        The entity step is shared with other jumps into the same subgraph at the same path and
        condition when that makes no cycle; it waits for every step producing an input.
        """
        selection.add_field(_TYPENAME, conditions=(), internal=True)
        # Inputs are fetched whatever the jump's own condition: they often share a fetch with
        # unconditional fields, which costs less than a separate conditional fetch.
        producers, renames = self.add(
            step, selection, jump.inputs, path, jump.source_type, conditions, (), internal=True
        )
        common = _common_conditions(jump.children)
        defer = jump.defer.id if jump.defer is not None else step.defer
        base, filters = path, cast("tuple[str, ...]", ())
        if path and path[-1].startswith("|["):
            base, filters = path[:-1], tuple(path[-1][2:-1].split(","))
        if self.contexts and self.has_context_fields(jump.children):
            # Not reused: it gets more dependencies (the context values) once the graph is built,
            # which could close a cycle through a reused step; the optimizer merges it when safe.
            child = self.graph.new_step(
                graph=jump.graph,
                kind=None,
                path=base,
                conditions=_union(conditions, common),
                group=step.group,
                defer=defer,
            )
            child.deps |= producers
        else:
            child = self.graph.entity_step(
                graph=jump.graph,
                path=base,
                conditions=_union(conditions, common),
                deps=producers,
                group=step.group,
                defer=defer,
            )
        if filters:
            child.filters.update(filters)
        else:
            child.unfiltered = True
        source = jump.source_type
        inputs = child.requires.add_fragment(source, ()).sub
        inputs.add_field(_TYPENAME, conditions=(), internal=True)
        inputs.add_selections(jump.input_selections, renames)
        for original, alias in sorted(renames.items()):
            child.input_rewrites[("rename", source, alias)] = KeyRenamer(
                path=(f"... on {source}", alias), rename_key_to=original
            )
        if jump.target_type != source:
            child.input_rewrites[("typename", source)] = ValueSetter(
                path=(f"... on {source}", "__typename"), set_value_to=jump.target_type
            )
        output = child.selection.add_fragment(jump.target_type, ()).sub
        if self.is_abstract(jump.target_type) and not self.supergraph.is_interface_object(
            jump.target_type, jump.graph
        ):
            # The real type of an interface entity (an @interfaceObject only knows the interface).
            output.add_field(_TYPENAME, conditions=(), internal=True)
        touched, _ = self.add(
            child, output, jump.children, path, jump.target_type, conditions, common, internal=internal
        )
        return producers | touched

    def reenter(
        self,
        step: Step,
        selection: SelectionSet,
        jump: TreeRootJump,
        path: tuple[str, ...],
        conditions: tuple[VarCondition, ...],
        *,
        internal: bool,
    ) -> set[int]:
        """Ask ``jump.children`` in a root-kind ``query`` step of ``jump.graph`` at ``path``.

        ``step`` selects ``__typename`` of the ``Query`` object so it exists (non-null) for the
        re-entry's data to merge into; the re-entry step waits for it. Steps re-entering one
        subgraph at one path and condition are shared when that makes no cycle.
        """
        selection.add_field(_TYPENAME, conditions=(), internal=True)
        common = _common_conditions(jump.children)
        child = self.graph.entity_step(
            graph=jump.graph,
            path=path,
            conditions=_union(conditions, common),
            deps={step.id},
            group=step.group,
            kind="query",
            defer=jump.defer.id if jump.defer is not None else step.defer,
        )
        child.unfiltered = True
        touched, _ = self.add(
            child, child.selection, jump.children, path, jump.root_type, conditions, common, internal=internal
        )
        return {step.id} | touched


def _common_conditions(nodes: tuple[TreeNode, ...]) -> tuple[VarCondition, ...]:
    """Conditions every top-level node shares (they move to the fetch's ``Condition``)."""
    common: set[VarCondition] | None = None
    for n in nodes:
        if isinstance(n, TreeField):
            own = set(n.field.conditions)
        elif isinstance(n, TreeFragment):
            own = set(n.conditions)
        else:
            own = set()
        common = own if common is None else common & own
    return tuple(sorted(common or ()))


def _union(a: tuple[VarCondition, ...], b: tuple[VarCondition, ...]) -> tuple[VarCondition, ...]:
    return tuple(sorted(set(a) | set(b))) if b else a

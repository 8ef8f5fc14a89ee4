"""Plan assembly: fetch graph -> plan nodes (PLANNER.md, stage 8).

From the steps with no dependencies: a step whose dependents wait only for it becomes
``Sequence[step, Parallel[dependents]]``; a step with several parents runs once all of them are done.
Entity steps, and root-kind steps re-entering the query root at a path, go inside ``Flatten(path)``; steps with variable ``@skip``/``@include`` inside ``Condition``.
Mutation root groups run in document order. With ``@defer``, each part (the primary, every deferred
fragment) is assembled from its own steps (``assemble_parts``); a part runs after the parts it
depends on, so their steps count as done.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._context import NO_BINDINGS, ContextBindings
from ._fetch_graph import FetchGraph, Step
from .nodes import Condition, Fetch, Flatten, Parallel, PlanNode, Sequence

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from ._operation import VarCondition

__all__ = ["assemble_parts", "assemble_plan"]


def assemble_plan(
    graph: FetchGraph,
    *,
    operation_name: str | None,
    variable_definitions: Mapping[str, str],
    contexts: ContextBindings = NO_BINDINGS,
) -> PlanNode | None:
    """The plan node tree of ``graph`` (None when there is no step)."""
    assembler = _Assembler(graph, operation_name, variable_definitions, contexts)
    if not graph.steps:
        return None
    if graph.sequential:
        groups = sorted({s.group for s in graph.steps.values()})
        return _sequence(
            [assembler.run({s.id for s in graph.steps.values() if s.group == g}) for g in groups]
        )
    return assembler.run(set(graph.steps))


def assemble_parts(
    graph: FetchGraph,
    deferred: Iterable[int],
    *,
    operation_name: str | None,
    variable_definitions: Mapping[str, str],
    contexts: ContextBindings = NO_BINDINGS,
) -> tuple[PlanNode | None, dict[int, PlanNode | None]]:
    """The plan of the primary part (steps with no ``defer``) and of each ``deferred`` part."""
    assembler = _Assembler(graph, operation_name, variable_definitions, contexts)

    def part(defer: int | None) -> PlanNode | None:
        ids = {s.id for s in graph.steps.values() if s.defer == defer}
        if not ids:
            return None
        # Other parts' steps: done before this part starts (the ones it depends on) or unrelated.
        assembler.handled = set(graph.steps) - ids
        if graph.sequential:
            groups = sorted({graph.steps[i].group for i in ids})
            return _sequence([assembler.run({i for i in ids if graph.steps[i].group == g}) for g in groups])
        return assembler.run(ids)

    primary = part(None)
    return primary, {d: part(d) for d in deferred}


class _Assembler:
    def __init__(
        self,
        graph: FetchGraph,
        operation_name: str | None,
        variables: Mapping[str, str],
        contexts: ContextBindings,
    ) -> None:
        self.graph = graph
        self.contexts = contexts
        self.operation_name = operation_name
        self.variables = variables
        self.handled: set[int] = set()
        self.count = 0

    def run(self, ids: set[int]) -> PlanNode:
        stages: list[PlanNode] = []
        while ids - self.handled:
            ready = sorted(i for i in ids - self.handled if self.graph.steps[i].deps <= self.handled)
            if not ready:
                raise AssertionError("the fetch graph has a cycle")
            stages.append(self._parallel(ready, ids, (), frozenset(self.handled)))
        return _sequence(stages)

    def _parallel(
        self, ready: list[int], ids: set[int], inherited: tuple[VarCondition, ...], done: frozenset[int]
    ) -> PlanNode:
        """``ready`` steps side by side, each followed by the dependents only it was holding back.

        ``done`` are the steps certainly finished before any of ``ready`` starts: a dependent may
        follow step ``i`` inside its branch only if everything else it waits for is in ``done``.
        """
        self.handled.update(ready)
        branches: list[PlanNode] = []
        for i in ready:
            step = self.graph.steps[i]
            own = tuple(c for c in step.conditions if c not in inherited)
            conditions = tuple(sorted(set(inherited) | set(step.conditions)))
            node: PlanNode = self._fetch(step)
            after = done | {i}
            exclusive = sorted(
                d.id
                for d in self.graph.dependents(i)
                if d.id in ids and d.id not in self.handled and d.deps <= after
            )
            if exclusive:
                node = _sequence([node, self._parallel(exclusive, ids, conditions, after)])
            branches.append(_wrap(node, own))
        return branches[0] if len(branches) == 1 else Parallel(nodes=tuple(branches))

    def _fetch(self, step: Step) -> PlanNode:
        self.count += 1
        fetch = _to_fetch(step, self.operation_name, self.count, self.variables, self.contexts)
        return Flatten(path=step.flatten_path, node=fetch) if step.is_entity or step.path else fetch


def _wrap(node: PlanNode, conditions: tuple[VarCondition, ...]) -> PlanNode:
    for c in reversed(conditions):
        node = (
            Condition(condition=c.variable, if_clause=node)
            if c.include
            else Condition(condition=c.variable, else_clause=node)
        )
    return node


def _sequence(nodes: list[PlanNode]) -> PlanNode:
    flat: list[PlanNode] = []
    for n in nodes:
        flat.extend(n.nodes if isinstance(n, Sequence) else (n,))
    return flat[0] if len(flat) == 1 else Sequence(nodes=tuple(flat))


def _to_fetch(
    step: Step,
    operation_name: str | None,
    index: int,
    variables: Mapping[str, str],
    contexts: ContextBindings,
) -> Fetch:
    used = tuple(sorted(step.selection.variables()))
    # Context variables are declared like the client's but filled by the executor, not forwarded.
    bound = tuple(v for v in used if v in contexts.rewrites)
    name = f"{operation_name}__{step.graph}__{index}" if operation_name else None
    declarations = [variables[v] for v in used if v in variables]
    selection = step.selection.text()
    if step.is_entity:
        declarations.insert(0, "$representations: [_Any!]!")
        body = "{ _entities(representations: $representations) " + selection + " }"
        kind = "query"
    else:
        body = selection
        kind = step.kind or "query"
    head = kind + (f" {name}" if name else "") + (f"({', '.join(declarations)})" if declarations else "")
    return Fetch(
        service_name=step.graph,
        operation=f"{head} {body}",
        operation_kind=kind,  # type: ignore[arg-type]
        operation_name=name,
        variable_usages=tuple(v for v in used if v not in contexts.rewrites) if bound else used,
        requires=step.requires.to_selections() if step.is_entity else (),
        input_rewrites=tuple(step.input_rewrites[k] for k in sorted(step.input_rewrites, key=str)),
        output_rewrites=tuple(step.output_rewrites[k] for k in sorted(step.output_rewrites, key=str)),
        context_rewrites=tuple(r for v in bound for r in contexts.rewrites[v]),
        requires_text=step.requires.text() if step.is_entity else "",
        selection_text=selection,
    )

"""Checks any plan must pass: every entity fetch runs after the fetches that select its inputs, and a
root fetch at a path (root type re-entry) after the fetch that selects the object it merges into."""

from __future__ import annotations

from graphql import parse
from graphql.language import ast

from router.planner import (
    Condition,
    Fetch,
    FieldSelection,
    Flatten,
    Parallel,
    PlanNode,
    Sequence,
    Subscription,
)

Position = tuple[str, ...]


def check_inputs_fetched_first(node: PlanNode | None) -> None:
    """Each field an entity fetch's representations carry is selected, at that path, by a fetch
    that has finished before it starts (Sequence order; Parallel branches give no guarantee)."""
    _walk(node, frozenset())


def _walk(
    node: PlanNode | None, before: frozenset[tuple[tuple[str, ...], Fetch]]
) -> frozenset[tuple[Position, Fetch]]:
    """Check ``node`` given the fetches finished before it; returns the fetches it runs."""
    if node is None:
        return frozenset()
    if isinstance(node, Fetch | Flatten):
        fetch = node.node if isinstance(node, Flatten) else node
        path = _position(node.path) if isinstance(node, Flatten) else ()
        if fetch.is_entity_fetch:
            available = {key for p, f in before for key in _selected(f, p)}
            for fragment in fetch.requires:
                for selection in getattr(fragment, "selections", ()):
                    assert isinstance(selection, FieldSelection)
                    wanted = (*path, selection.response_key)
                    assert wanted in available, f"{fetch.service_name} needs {wanted} before it runs"
        elif path:
            available = {key for p, f in before for key in _selected(f, p)}
            assert path in available, f"{fetch.service_name} re-enters at {path} before it is fetched"
        return frozenset({(path, fetch)})
    if isinstance(node, Subscription):
        # Each event's data is what the primary fetched: the rest runs after it, like a Sequence.
        primary = _walk(node.primary, before)
        return primary | _walk(node.rest, before | primary)
    if isinstance(node, Sequence):
        done: frozenset[tuple[Position, Fetch]] = frozenset()
        for child in node.nodes:
            done |= _walk(child, before | done)
        return done
    if isinstance(node, Parallel):
        ran: frozenset[tuple[Position, Fetch]] = frozenset()
        for child in node.nodes:
            ran |= _walk(child, before)
        return ran
    assert isinstance(node, Condition)
    return _walk(node.if_clause, before) | _walk(node.else_clause, before)


def _position(path: tuple[str, ...]) -> Position:
    return tuple(s for s in path if not s.startswith("|["))


def _selected(fetch: Fetch, path: Position) -> set[Position]:
    """Every (path..., response key) the fetch writes into the response."""
    operation = parse(fetch.operation).definitions[0]
    assert isinstance(operation, ast.OperationDefinitionNode)
    selection_set = operation.selection_set
    if fetch.is_entity_fetch:
        entities = selection_set.selections[0]
        assert isinstance(entities, ast.FieldNode) and entities.selection_set is not None
        selection_set = entities.selection_set
    out: set[Position] = set()
    _collect(selection_set, path, out)
    return out


def _collect(selection_set: ast.SelectionSetNode, path: Position, out: set[Position]) -> None:
    for selection in selection_set.selections:
        if isinstance(selection, ast.FieldNode):
            key = (selection.alias or selection.name).value
            out.add((*path, key))
            if selection.selection_set is not None:
                # Lists are not visible in the document: accept the key with any number of "@".
                for depth in range(3):
                    _collect(selection.selection_set, (*path, key, *("@",) * depth), out)
        elif isinstance(selection, ast.InlineFragmentNode):
            _collect(selection.selection_set, path, out)

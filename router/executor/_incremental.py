"""Incremental delivery of a ``Defer`` plan: the initial payload, then one payload per deferred part.

Implements the response format of the incremental delivery RFC as Apollo Router speaks it
(``deferSpec=20220824``): ``{"data": ..., "hasNext": true}`` first (the operation shaped without its
deferred fragments), then ``{"incremental": [{"data", "path", "label"?, "errors"?}], "hasNext": ...}``
as each deferred part finishes; the last payload has ``"hasNext": false``. A deferred part starts
once the part it depends on has been delivered; independent parts run concurrently and are delivered
in the order they finish. A deferred fragment inside a list gives one ``incremental`` entry per item.
Errors of a deferred part (failed fetches, subgraph errors, nulls) go in its own entries, and a null
in a non-null position bubbles no further than the deferred fragment.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import orjson

from ._execute import _PlanRun
from ._merge import deep_merge

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Mapping

    from graphql import SelectionSetNode

    from router.planner import Defer, DeferredNode

    from ._fetch import SubgraphClient
    from ._possible_types import PossibleTypes

__all__ = ["DeferredShape", "PrimaryShape", "deliver_incrementally"]


#: Shapes the initial payload: (merged data, errors, failed paths) -> the client's data.
PrimaryShape = Callable[
    [dict[str, Any], list[dict[str, Any]], list[tuple[str | int, ...]]], dict[str, Any] | None
]
#: Shapes one deferred fragment at one object: (node, fragment selection, object, client path,
#: errors, failed paths) -> (whether the fragment applies to the object, its data).
DeferredShape = Callable[
    [
        "DeferredNode",
        "SelectionSetNode",
        dict[str, Any],
        list[str | int],
        list[dict[str, Any]],
        list[tuple[str | int, ...]],
    ],
    tuple[bool, dict[str, Any] | None],
]


async def deliver_incrementally(
    plan: Defer,
    *,
    client: SubgraphClient,
    possible_types: PossibleTypes,
    variables: Mapping[str, Any],
    headers: Mapping[str, str] | None,
    shape_primary: PrimaryShape,
    shape_deferred: DeferredShape,
    subselections: Mapping[str, SelectionSetNode],
    extensions: Mapping[str, Any] | None = None,
) -> AsyncIterator[dict[str, Any]]:
    """Run ``plan`` and yield its payloads (see the module docstring).

    ``extensions`` go in the initial payload (e.g. the query plan for GraphiQL).
    """
    primary = _PlanRun(client=client, possible=possible_types, variables=variables, headers=headers)
    if plan.primary is not None:
        await primary.node(plan.primary)
    errors = primary.errors
    failed = list(primary.failed_paths)
    data = shape_primary(primary.data, errors, failed)
    initial: dict[str, Any] = {"data": data}
    if errors:
        initial["errors"] = errors
    if extensions:
        initial["extensions"] = dict(extensions)
    if data is None or not plan.deferred:
        # Nothing a deferred fragment could attach to: the response is complete.
        yield {**initial, "hasNext": False}
        return
    yield {**initial, "hasNext": True}

    merged = primary.data
    delivered = orjson.loads(orjson.dumps(data))  # the client's view so far; deferred data joins it
    children: dict[str | None, list[DeferredNode]] = {}
    for node in plan.deferred:
        children.setdefault(node.depends, []).append(node)

    async def run(node: DeferredNode) -> _PlanRun:
        part = _PlanRun(
            client=client, possible=possible_types, variables=variables, headers=headers, data=merged
        )
        if node.node is not None:
            await part.node(node.node)
        return part

    running: dict[asyncio.Task[_PlanRun], DeferredNode] = {}

    def start(parent: str | None) -> None:
        for node in children.get(parent, ()):
            running[asyncio.create_task(run(node))] = node

    start(None)
    try:
        while running:
            done, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
            entries: list[dict[str, Any]] = []
            # Several parts finishing together are delivered in plan order (deterministic output).
            for task in sorted(done, key=lambda t: int(running[t].id)):
                node = running.pop(task)
                part = task.result()
                failed.extend(part.failed_paths)
                entries.extend(
                    _entries(
                        node, subselections[node.id], merged, delivered, part.errors, failed, shape_deferred
                    )
                )
                start(node.id)
            if entries or not running:
                payload: dict[str, Any] = {"hasNext": bool(running)}
                if entries:
                    payload = {"incremental": entries, **payload}
                yield payload
    finally:
        for task in running:
            task.cancel()


def _entries(
    node: DeferredNode,
    selection: SelectionSetNode,
    merged: dict[str, Any],
    delivered: dict[str, Any],
    errors: list[dict[str, Any]],
    failed: list[tuple[str | int, ...]],
    shape_deferred: DeferredShape,
) -> list[dict[str, Any]]:
    """One entry per object the deferred fragment applies to; the part's errors go with the entry
    whose path they are under (errors without such a path go with the first entry)."""
    entries: list[dict[str, Any]] = []
    for path, target, source in _positions(node.query_path, delivered, merged):
        applies, shaped = shape_deferred(node, selection, source, path, errors, failed)
        if not applies:
            continue
        entry: dict[str, Any] = {"data": shaped, "path": path}
        if node.label is not None:
            entry["label"] = node.label
        entries.append(entry)
        if shaped is not None:
            deep_merge(target, orjson.loads(orjson.dumps(shaped)))
    if not errors:
        return entries
    if not entries:
        # The errors still reach the client: with the deepest path the fragment has for sure.
        prefix = [key for key in node.query_path if key != "@" and not key.startswith("|[")]
        entry = {"data": None, "path": prefix}
        if node.label is not None:
            entry["label"] = node.label
        entries.append(entry)
    for error in errors:
        error_path = error.get("path")
        owner = entries[0]
        if isinstance(error_path, list):
            owner = next((e for e in entries if error_path[: len(e["path"])] == e["path"]), owner)
        owner.setdefault("errors", []).append(error)
    return entries


def _positions(
    query_path: tuple[str, ...], delivered: Any, merged: Any
) -> list[tuple[list[str | int], dict[str, Any], dict[str, Any]]]:
    """(client path, object in the client's view, object in the merged data) for each object the
    path reaches in what the client has already received (nulls and left-out fields reach nothing)."""
    found: list[tuple[list[str | int], dict[str, Any], dict[str, Any]]] = []

    def walk(i: int, path: list[str | int], view: Any, data: Any) -> None:
        if view is None or data is None:
            return
        if i == len(query_path):
            if isinstance(view, dict) and isinstance(data, dict):
                found.append((path, view, data))
            return
        segment = query_path[i]
        if segment == "@":
            if isinstance(view, list) and isinstance(data, list):
                for index, (item, source) in enumerate(zip(view, data, strict=False)):
                    walk(i + 1, [*path, index], item, source)
        elif isinstance(view, dict) and isinstance(data, dict) and segment in view:
            walk(i + 1, [*path, segment], view[segment], data.get(segment))

    walk(0, [], delivered, merged)
    return found

"""Run a query plan: fetches over HTTP, results merged into one response tree.

Implements the executor side of the plan contract in PLANNER.md: ``Sequence`` children in order,
``Parallel`` children concurrently, ``Condition`` on a boolean variable, root ``Fetch``es merged at
the root, ``Flatten``ed entity fetches batched into one ``_entities`` call, and ``Flatten``ed root
fetches (root type re-entry) merged into the ``Query`` objects at their path. A ``Defer`` plan run
here runs its primary, then every deferred part, into one result (no incremental delivery: that is
``_incremental``). A subgraph that fails
nulls only the part of the response its fetch would have filled and adds one error; the plan goes on.
What the client asked for is decided later, by the shaper, from the merged tree returned here.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    parse,
)

from router.planner import Condition, Defer, Fetch, Flatten, Parallel, Sequence

from ._context import group_by_context
from ._flatten import collect_positions, collect_representations, path_prefix
from ._merge import deep_merge, merge_entity
from ._response_errors import ErrorCode, client_error, failure_error, subgraph_error
from ._rewrites import apply_rewrites
from .errors import SubgraphError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from graphql import SelectionSetNode

    from router.planner import PlanNode, QueryPlan

    from ._fetch import SubgraphClient, SubgraphResponse
    from ._flatten import Representations
    from ._possible_types import PossibleTypes

__all__ = ["PlanResult", "execute_plan"]


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanResult:
    """The merged subgraph data, the errors so far, and the paths nulled by failed fetches.

    ``failed_paths`` lets the shaper tell a null that an error already explains (a failed fetch, a
    subgraph error) from one that needs its own error.
    """

    data: dict[str, Any]
    errors: list[dict[str, Any]]
    failed_paths: list[tuple[str | int, ...]]


async def execute_plan(
    plan: QueryPlan,
    *,
    client: SubgraphClient,
    possible_types: PossibleTypes,
    variables: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> PlanResult:
    """Walk ``plan`` and return what the subgraphs answered, merged; never raises for a subgraph.

    ``variables`` are the operation's coerced variable values (``Condition`` reads them, fetches
    forward those in their ``variable_usages``); ``headers`` go with every subgraph request.
    """
    run = _PlanRun(client=client, possible=possible_types, variables=variables or {}, headers=headers)
    if plan.node is not None:
        await run.node(plan.node)
    return PlanResult(data=run.data, errors=run.errors, failed_paths=run.failed_paths)


class _PlanRun:
    """The state of one plan execution: the response tree and its errors."""

    def __init__(
        self,
        *,
        client: SubgraphClient,
        possible: PossibleTypes,
        variables: Mapping[str, Any],
        headers: Mapping[str, str] | None,
        data: dict[str, Any] | None = None,
    ) -> None:
        self._client = client
        self._possible = possible
        self._variables = variables
        self._headers = headers
        self.data: dict[str, Any] = {} if data is None else data
        self.errors: list[dict[str, Any]] = []
        self.failed_paths: list[tuple[str | int, ...]] = []

    async def node(self, node: PlanNode) -> None:
        if isinstance(node, Fetch):
            if node.is_entity_fetch:
                await self._entity_fetch((), node)
            else:
                await self._root_fetch(node)
        elif isinstance(node, Flatten):
            if node.node.is_entity_fetch:
                await self._entity_fetch(node.path, node.node)
            else:
                await self._reentry_fetch(node.path, node.node)
        elif isinstance(node, Sequence):
            for child in node.nodes:
                await self.node(child)
        elif isinstance(node, Parallel):
            # Children only ever merge into the tree between awaits, so sharing it is safe. A task
            # group, not gather: an unexpected exception cancels the siblings instead of orphaning them.
            async with asyncio.TaskGroup() as group:
                for child in node.nodes:
                    group.create_task(self.node(child))
        elif isinstance(node, Condition):
            branch = node.if_clause if self._variables.get(node.condition) is True else node.else_clause
            if branch is not None:
                await self.node(branch)
        elif isinstance(node, Defer):
            # Everything in one response: parts in document order (a part follows the one it is in).
            for part in (node.primary, *(d.node for d in node.deferred)):
                if part is not None:
                    await self.node(part)

    async def _root_fetch(self, fetch: Fetch) -> None:
        try:
            response = await self._send(fetch, self._fetch_variables(fetch))
        except SubgraphError as exc:
            self.errors.append(failure_error(exc, None))
            self.failed_paths.extend((key,) for key in _root_response_keys(fetch.operation))
            return
        if response.data is not None:
            if fetch.output_rewrites:
                apply_rewrites(response.data, fetch.output_rewrites, self._possible)
            deep_merge(self.data, response.data)
        for error in response.errors:
            path = error.get("path")
            self.errors.append(subgraph_error(error, fetch.service_name, path if _is_path(path) else None))

    async def _reentry_fetch(self, path: tuple[str, ...], fetch: Fetch) -> None:
        """Root type re-entry: a plain query whose data belongs in each ``Query`` object at ``path``.

        Sent once, as Apollo's gateway does (one operation, one set of variables: one answer), and
        merged into every object the path reaches; when every one is null nothing is sent. The
        subgraph's error paths are relative to its own root, so they are re-pathed under each object.
        """
        positions = collect_positions(self.data, path, self._possible)
        if not positions:
            return
        try:
            response = await self._send(fetch, self._fetch_variables(fetch))
        except SubgraphError as exc:
            self.errors.append(failure_error(exc, path_prefix(path)))
            keys = _root_response_keys(fetch.operation)
            for position in positions:
                prefix = position.path_list()
                self.failed_paths.extend((*prefix, key) for key in keys)
            return
        data = response.data
        if data is not None:
            if fetch.output_rewrites:
                apply_rewrites(data, fetch.output_rewrites, self._possible)
            # Merging moves objects in: every object but the last gets its own copy.
            encoded = orjson.dumps(data) if len(positions) > 1 else b""
            for position in positions[:-1]:
                deep_merge(position.target, orjson.loads(encoded))
            deep_merge(positions[-1].target, data)
        for error in response.errors:
            error_path = error.get("path")
            if not (_is_path(error_path) and error_path):
                self.errors.append(subgraph_error(error, fetch.service_name, None))
                continue
            for position in positions:
                self.errors.append(
                    subgraph_error(error, fetch.service_name, [*position.path_list(), *error_path])
                )

    async def _entity_fetch(self, path: tuple[str, ...], fetch: Fetch) -> None:
        representations = collect_representations(self.data, path, fetch, self._possible)
        if not representations.encoded:
            return
        if fetch.context_rewrites:
            await self._contextual_entity_fetch(path, fetch, representations)
            return
        variables = self._fetch_variables(fetch)
        variables["representations"] = representations.as_json_array()
        try:
            response = await self._send(fetch, variables)
        except SubgraphError as exc:
            self.errors.append(failure_error(exc, path_prefix(path)))
            self._fail_all(representations)
            return
        self._merge_entities(path, fetch, representations, response)
        for error in response.errors:
            self._add_entity_error(error, fetch.service_name, representations)

    async def _contextual_entity_fetch(
        self, path: tuple[str, ...], fetch: Fetch, representations: Representations
    ) -> None:
        """One ``_entities`` request per distinct set of ``@fromContext`` values (``_context``).

        The groups are sent concurrently and merged in order, so errors come out deterministically.
        """
        groups = group_by_context(self.data, fetch, representations, self._possible)
        sent = [g for g in groups if not g.errors]
        results: list[SubgraphResponse | SubgraphError | None] = [None] * len(sent)

        async def send(i: int, variables: dict[str, Any]) -> None:
            try:
                results[i] = await self._send(fetch, variables)
            except SubgraphError as exc:
                results[i] = exc

        async with asyncio.TaskGroup() as tasks:
            for i, group in enumerate(sent):
                variables = self._fetch_variables(fetch)
                variables.update(group.variables)
                variables["representations"] = group.representations.as_json_array()
                tasks.create_task(send(i, variables))
        for group in groups:
            self.errors.extend(group.errors)
            self.failed_paths.extend(group.failed_paths)
        for group, result in zip(sent, results, strict=True):
            assert result is not None
            if isinstance(result, SubgraphError):
                self.errors.append(failure_error(result, path_prefix(path)))
                self._fail_all(group.representations)
                continue
            self._merge_entities(path, fetch, group.representations, result)
            for error in result.errors:
                self._add_entity_error(error, fetch.service_name, group.representations)

    def _merge_entities(
        self,
        path: tuple[str, ...],
        fetch: Fetch,
        representations: Representations,
        response: SubgraphResponse,
    ) -> None:
        entities = response.data.get("_entities") if response.data is not None else None
        expected = len(representations.encoded)
        if not isinstance(entities, list) or len(entities) != expected:
            if entities is not None or not response.errors:
                # Without a count that matches, no item can be trusted to belong to a position.
                got = f"{len(entities)} entities" if isinstance(entities, list) else "no '_entities' list"
                self.errors.append(
                    client_error(
                        f"Subgraph '{fetch.service_name}' returned {got} for {expected} representations.",
                        code=ErrorCode.INVALID_SUBGRAPH_RESPONSE,
                        path=path_prefix(path),
                        extensions={"serviceName": fetch.service_name},
                    )
                )
            self._fail_all(representations)
            return
        for entity, positions in zip(entities, representations.positions, strict=True):
            if entity is None:
                # The owning subgraph says the entity does not exist: the reference becomes null
                # (the shaper adds an error only if that position is non-null).
                for position in positions:
                    position.set_null()
                continue
            if not isinstance(entity, dict):
                continue
            if fetch.output_rewrites:
                apply_rewrites(entity, fetch.output_rewrites, self._possible)
            for position in positions:
                merge_entity(position.target, entity, self._possible.is_object_type)

    def _add_entity_error(
        self, error: dict[str, Any], service_name: str, representations: Representations
    ) -> None:
        """Re-path ``["_entities", i, *rest]`` to every position of representation i, plus rest."""
        path = error.get("path")
        if (
            isinstance(path, list)
            and _is_path(path)
            and len(path) >= 2
            and path[0] == "_entities"
            and isinstance(path[1], int)
            and 0 <= path[1] < len(representations.positions)
        ):
            rest = path[2:]
            for position in representations.positions[path[1]]:
                self.errors.append(subgraph_error(error, service_name, [*position.path_list(), *rest]))
        else:
            # A path into the subgraph's own operation means nothing in the client's response.
            self.errors.append(subgraph_error(error, service_name, None))

    def _fail_all(self, representations: Representations) -> None:
        for positions in representations.positions:
            self.failed_paths.extend(tuple(position.path_list()) for position in positions)

    def _fetch_variables(self, fetch: Fetch) -> dict[str, Any]:
        variables = self._variables
        return {name: variables[name] for name in fetch.variable_usages if name in variables}

    async def _send(self, fetch: Fetch, variables: dict[str, Any]) -> SubgraphResponse:
        return await self._client.fetch(
            fetch.service_name,
            query=fetch.operation,
            variables=variables,
            operation_name=fetch.operation_name,
            headers=self._headers,
            # Entity fetches are queries even in a mutation's plan: only root mutation fields are not.
            idempotent=fetch.operation_kind == "query",
        )


def _is_path(path: object) -> bool:
    return isinstance(path, list) and all(isinstance(key, str | int) for key in path)


def _root_response_keys(operation: str) -> list[str]:
    """The top-level response keys a root fetch would have filled (only read when it failed)."""
    try:
        document = parse(operation, no_location=True)
    except GraphQLError:
        return []
    fragments: dict[str, FragmentDefinitionNode] = {}
    selection_set: SelectionSetNode | None = None
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            selection_set = selection_set or definition.selection_set
        elif isinstance(definition, FragmentDefinitionNode):
            fragments[definition.name.value] = definition
    keys: list[str] = []
    _add_keys(selection_set, fragments, keys)
    return keys


def _add_keys(
    selection_set: SelectionSetNode | None, fragments: Mapping[str, FragmentDefinitionNode], keys: list[str]
) -> None:
    for selection in selection_set.selections if selection_set else ():
        if isinstance(selection, FieldNode):
            keys.append(selection.alias.value if selection.alias else selection.name.value)
        elif isinstance(selection, InlineFragmentNode):
            _add_keys(selection.selection_set, fragments, keys)
        elif isinstance(selection, FragmentSpreadNode) and selection.name.value in fragments:
            _add_keys(fragments[selection.name.value].selection_set, fragments, keys)

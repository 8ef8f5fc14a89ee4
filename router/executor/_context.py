"""Context values of an entity fetch: ``@fromContext`` arguments read from each entity's ancestors.

Implements the executor side of a ``Fetch``'s ``contextRewrites`` (join spec v0.5
``contextArguments``): for every position of an entity fetch, each rewrite walks up the response
(``..`` = one object up, lists skipped), keeps the ancestor only if ``... on T`` matches its
``__typename``, and reads the value by response keys; the first rewrite of a variable that finds a
value wins, none gives ``null``.

Entities under different ancestors can need different values, and a variable holds one value per
request, so positions are grouped by their values and each group is one ``_entities`` request with
its own variables (``ContextGroup``). Separate requests, rather than one request with an aliased
``_entities`` per group, keep the subgraph operation exactly as planned (no per-request document to
build, validate or cache in the subgraph) and keep error paths (``["_entities", i, ...]``) as they
are; the groups are sent concurrently. The usual case is one group.

A null value for a non-null argument is not sent: the subgraph would reject the whole request, so
the router fails only that group's positions, with an error at each one's field (``NULL_CONTEXT_VALUE``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import orjson
from graphql import FieldNode, GraphQLError, NonNullTypeNode, OperationDefinitionNode, VariableNode, parse

from ._flatten import Representations
from ._response_errors import client_error

if TYPE_CHECKING:
    from graphql import SelectionSetNode

    from router.planner import Fetch, KeyRenamer

    from ._flatten import Position
    from ._possible_types import PossibleTypes

__all__ = ["NULL_CONTEXT_VALUE", "ContextGroup", "group_by_context"]

NULL_CONTEXT_VALUE = "NULL_CONTEXT_VALUE"
_UP = ".."
_FRAGMENT_PREFIX = "... on "
_MISSING: Any = object()


@dataclass(slots=True, kw_only=True)
class ContextGroup:
    """Representations that share their context values, and those values as request variables.

    ``errors``/``failed_paths`` are set instead when a value is null for a non-null argument: the
    group is then not sent.
    """

    variables: dict[str, Any]
    representations: Representations
    errors: list[dict[str, Any]] = field(default_factory=list)
    failed_paths: list[tuple[str | int, ...]] = field(default_factory=list)


def group_by_context(
    data: dict[str, Any], fetch: Fetch, representations: Representations, possible: PossibleTypes
) -> list[ContextGroup]:
    """Split ``representations`` of ``fetch`` by the context values of their positions (in order)."""
    rewrites: dict[str, list[KeyRenamer]] = {}
    for rewrite in fetch.context_rewrites:
        rewrites.setdefault(rewrite.rename_key_to, []).append(rewrite)
    groups: dict[bytes, ContextGroup] = {}
    for encoded, positions in zip(representations.encoded, representations.positions, strict=True):
        for position in positions:
            chain = _objects(data, position)
            values = {
                variable: _first_value(chain, alternatives, possible)
                for variable, alternatives in rewrites.items()
            }
            key = orjson.dumps(values, option=orjson.OPT_SORT_KEYS)
            group = groups.get(key)
            if group is None:
                group = groups[key] = ContextGroup(
                    variables=values, representations=Representations(encoded=[], positions=[])
                )
            reps = group.representations
            # A representation seen under other values too is sent once per group it belongs to.
            if reps.encoded and reps.encoded[-1] == encoded:
                reps.positions[-1].append(position)
            else:
                reps.encoded.append(encoded)
                reps.positions.append([position])
    out = list(groups.values())
    required = _non_null_arguments(fetch.operation)
    for group in out:
        for variable, value in sorted(group.variables.items()):
            if value is None and variable in required:
                _fail(group, *required[variable])
                break
    return out


def _objects(data: dict[str, Any], position: Position) -> list[dict[str, Any]]:
    """The objects from the root down to ``position`` (each list level skipped)."""
    chain = [data]
    value: Any = data
    for key in position.path_list():
        value = value[key]
        if isinstance(value, dict):
            chain.append(value)
    return chain


def _first_value(chain: list[dict[str, Any]], rewrites: list[KeyRenamer], possible: PossibleTypes) -> Any:
    for rewrite in rewrites:
        value = _read(chain, rewrite.path, possible)
        if value is not _MISSING:
            return value
    return None


def _read(chain: list[dict[str, Any]], path: tuple[str, ...], possible: PossibleTypes) -> Any:
    up = 0
    while up < len(path) and path[up] == _UP:
        up += 1
    if up >= len(chain):
        return _MISSING
    value: Any = chain[-1 - up]
    for segment in path[up:]:
        if value is None:
            return None
        if not isinstance(value, dict):
            return _MISSING
        if segment.startswith(_FRAGMENT_PREFIX):
            if not possible.matches(value.get("__typename"), segment[len(_FRAGMENT_PREFIX) :]):
                return _MISSING
        elif segment in value:
            value = value[segment]
        else:
            return _MISSING
    return value


def _fail(group: ContextGroup, field_key: str, argument: str) -> None:
    for positions in group.representations.positions:
        for position in positions:
            path = [*position.path_list(), field_key]
            group.errors.append(
                client_error(
                    f'Argument "{argument}" of field "{field_key}" is non-null, but the value its'
                    " @fromContext selection read from the enclosing object is null.",
                    code=NULL_CONTEXT_VALUE,
                    path=path,
                )
            )
            group.failed_paths.append(tuple(path))


@lru_cache(maxsize=256)
def _non_null_arguments(operation: str) -> dict[str, tuple[str, str]]:
    """Non-null variables of ``operation`` -> (response key of the field using it, argument name)."""
    try:
        document = parse(operation, no_location=True)
    except GraphQLError:
        return {}
    out: dict[str, tuple[str, str]] = {}
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        non_null = {
            v.variable.name.value
            for v in definition.variable_definitions or ()
            if isinstance(v.type, NonNullTypeNode) and v.variable.name.value != "representations"
        }
        if non_null:
            _arguments_using(definition.selection_set, non_null, out)
    return out


def _arguments_using(
    selection_set: SelectionSetNode | None, variables: set[str], out: dict[str, tuple[str, str]]
) -> None:
    for selection in selection_set.selections if selection_set else ():
        if isinstance(selection, FieldNode):
            key = selection.alias.value if selection.alias else selection.name.value
            for argument in selection.arguments or ():
                if isinstance(argument.value, VariableNode) and argument.value.name.value in variables:
                    out.setdefault(argument.value.name.value, (key, argument.name.value))
        _arguments_using(getattr(selection, "selection_set", None), variables, out)

"""``@context`` / ``@fromContext`` (federation 2.8): where a context may be set and read.

A subgraph rule, since a context lives inside one subgraph: an argument with ``@fromContext``
must sit on an object field the router can reach by entity key (``CONTEXT_NO_RESOLVABLE_KEY``),
must not be on an interface or implement one, has no default (``CONTEXT_NOT_SET``), must name a
context some type of the same subgraph sets (``CONTEXT_NOT_SET``, ``NO_CONTEXT_IN_SELECTION``), and
its selection must pick exactly one value of the argument's type from every type that sets it
(``CONTEXT_INVALID_SELECTION``). Context names are alphanumeric (``CONTEXT_NAME_INVALID``).

Supergraph rules add that an argument contextual in one subgraph may not be required from the
client in another (``CONTEXTUAL_ARGUMENT_NOT_CONTEXTUAL_IN_ALL_SUBGRAPHS``), and that no query can
reach such a field without passing a type that sets its context (``SATISFIABILITY_ERROR``: the
router would have no value to pass). The checks and codes follow the composers the oracle tests
compare against.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from graphql import FieldNode, GraphQLSyntaxError, InlineFragmentNode, SelectionSetNode, parse
from graphql.language import OperationDefinitionNode

from .._context import context_name_in_supergraph, is_valid_context_name
from .._merge import Supergraph
from .._model import ROOT_TYPE_NAMES, Argument, ContextReference, NamedType, Subgraph
from .._typeref import TypeRef, named_type, parse_type_ref
from ..errors import CompositionError
from ._common import is_required

__all__ = ["check_context_arguments", "check_context_reachability", "check_contexts"]

_TYPENAME = TypeRef(non_null=True, name="String")


class _InvalidSelection(Exception):
    """The ``@fromContext`` selection cannot yield one value of the argument's type."""


def check_contexts(subgraph: Subgraph) -> Iterator[CompositionError]:
    """Validate every ``@context`` and ``@fromContext`` of one subgraph."""
    owners: dict[str, list[str]] = {}
    for named in subgraph.types.values():
        for name in named.contexts:
            owners.setdefault(name, []).append(named.name)
            if not is_valid_context_name(name):
                yield _error(
                    subgraph,
                    "CONTEXT_NAME_INVALID",
                    f'Context name "{name}" is invalid. It should have only alphanumeric characters.',
                    named.name,
                )
    for definition in subgraph.directive_definitions.values():
        for arg in definition.args.values():
            if arg.from_context is not None:
                yield _error(
                    subgraph,
                    "CONTEXT_NOT_SET",
                    f'@fromContext argument cannot be used on a directive definition "@{definition.name}'
                    f'({arg.name}:)".',
                    f"@{definition.name}({arg.name}:)",
                )
    for named in subgraph.types.values():
        for field in named.fields.values():
            for arg in field.args.values():
                if arg.from_context is not None:
                    coordinate = f"{named.name}.{field.name}({arg.name}:)"
                    yield from _check_argument(
                        subgraph, named, field.name, arg, arg.from_context, owners, coordinate
                    )


def _check_argument(
    subgraph: Subgraph,
    named: NamedType,
    field_name: str,
    arg: Argument,
    reference: ContextReference,
    owners: dict[str, list[str]],
    coordinate: str,
) -> Iterator[CompositionError]:
    if named.kind != "OBJECT":
        yield _error(
            subgraph,
            "CONTEXT_NOT_SET",
            f'@fromContext argument cannot be used on a field that exists on an abstract type "{coordinate}".',
            coordinate,
        )
        return
    for interface in named.interfaces:
        implemented = subgraph.types.get(interface)
        if implemented is not None and implemented.kind == "INTERFACE" and field_name in implemented.fields:
            yield _error(
                subgraph,
                "CONTEXT_NOT_SET",
                f'@fromContext argument cannot be used on a field implementing an interface field "{interface}'
                f'.{field_name}".',
                coordinate,
            )
    if arg.default is not None:
        yield _error(
            subgraph,
            "CONTEXT_NOT_SET",
            f'@fromContext arguments may not have a default value: "{coordinate}".',
            coordinate,
        )
    if reference.context is None or not reference.selection.strip():
        yield _error(
            subgraph,
            "NO_CONTEXT_IN_SELECTION",
            f'@fromContext argument does not reference a context "{reference.field}".',
            coordinate,
        )
        return
    context_owners = owners.get(reference.context)
    if not context_owners:
        yield _error(
            subgraph,
            "CONTEXT_NOT_SET",
            f'Context "{reference.context}" is used at location "{coordinate}" but is never set.',
            coordinate,
        )
        return
    try:
        _SelectionCheck(subgraph, parse_type_ref(arg.type)).check(reference.selection, context_owners)
    except _InvalidSelection as exc:
        yield _error(
            subgraph,
            "CONTEXT_INVALID_SELECTION",
            f'Context "{reference.context}" is used in "{coordinate}" but the selection is invalid: {exc}',
            coordinate,
        )
    if not any(key.resolvable for key in named.keys):
        yield _error(
            subgraph,
            "CONTEXT_NO_RESOLVABLE_KEY",
            f'Object "{named.name}" has no resolvable key but has a field with a contextual argument.',
            coordinate,
        )


@dataclass(frozen=True, slots=True)
class _Fragment:
    type_condition: str | None
    selections: tuple[_Selection, ...]


@dataclass(frozen=True, slots=True)
class _FieldSelection:
    name: str
    selections: tuple[_Selection, ...] | None


_Selection = _FieldSelection | _Fragment


class _SelectionCheck:
    """Resolves a context selection on each type that sets the context to one type, then compares.

    The selection is either one field path (``{ user { id } }``) or one inline fragment per possible
    type (``... on A { x } ... on B { y }``); each must resolve to the argument's type, nullability
    included, with a leaf taken as nullable (the context's value may be missing at run time).
    """

    def __init__(self, subgraph: Subgraph, expected: TypeRef) -> None:
        self.subgraph = subgraph
        self.expected = expected

    def check(self, selection: str, owners: Sequence[str]) -> None:
        selections = _compile(_parse_selection(selection))
        if not selections:
            raise _InvalidSelection("no selection is made")
        if isinstance(selections[0], _FieldSelection):
            if len(selections) > 1:
                raise _InvalidSelection("multiple selections are made")
            for owner in owners:
                self._expect(self._resolve(owner, selections))
            return
        branches: dict[str, tuple[_Selection, ...]] = {}
        for item in selections:
            if isinstance(item, _FieldSelection):
                raise _InvalidSelection("multiple fields could be selected")
            if item.type_condition is None:
                raise _InvalidSelection("inline fragments must have type conditions")
            if item.type_condition in branches:
                raise _InvalidSelection("type conditions have same name")
            branches[item.type_condition] = item.selections
        used: set[str] = set()
        for owner in owners:
            runtime = self._runtime_types(owner)
            applicable = [name for name in branches if name in runtime]
            if not applicable:
                raise _InvalidSelection(f'no type condition matches the location "{owner}"')
            for name in applicable:
                used.add(name)
                branch_type = self.subgraph.types.get(name)
                if branch_type is None or branch_type.kind != "OBJECT":
                    raise _InvalidSelection("type conditions must be an object type")
                self._expect(self._resolve(name, branches[name]))
        for name in branches:
            if name not in used:
                raise _InvalidSelection(f'type condition "{name}" is never used.')

    def _expect(self, resolved: TypeRef) -> None:
        if not _matches(resolved, self.expected):
            raise _InvalidSelection(
                f'the type of the selection "{resolved}" does not match the expected type "{self.expected}"'
            )

    def _mismatch(self) -> _InvalidSelection:
        return _InvalidSelection(
            f'the type of the selection does not match the expected type "{self.expected}"'
        )

    def _runtime_types(self, owner: str) -> set[str]:
        named = self.subgraph.types.get(owner)
        if named is None:
            return set()
        if named.kind == "UNION":
            return set(named.members)
        if named.kind == "INTERFACE":
            return {
                t.name for t in self.subgraph.types.values() if t.kind == "OBJECT" and owner in t.interfaces
            }
        return {owner}

    def _resolve(self, type_name: str, selections: Sequence[_Selection]) -> TypeRef:
        named = self.subgraph.types.get(type_name)
        if named is None or named.kind not in ("OBJECT", "INTERFACE", "UNION"):
            raise self._mismatch()
        if named.interface_object:
            raise _InvalidSelection(f'One of the types in the selection is an interfaceObject: "{type_name}"')
        resolved: TypeRef | None = None
        for selection in selections:
            current = self._resolve_one(named, selection)
            if resolved is None:
                resolved = current
            elif not (_matches(resolved, current) and _matches(current, resolved)):
                raise self._mismatch()
        if resolved is None:
            raise self._mismatch()
        return resolved

    def _resolve_one(self, named: NamedType, selection: _Selection) -> TypeRef:
        if isinstance(selection, _Fragment):
            if selection.type_condition is None:
                raise self._mismatch()
            return self._resolve(selection.type_condition, selection.selections)
        if selection.name == "__typename":
            return _TYPENAME
        if named.kind == "UNION":
            raise self._mismatch()
        field = named.fields.get(selection.name)
        if field is None and named.kind == "OBJECT":
            field = next(
                (
                    interface.fields[selection.name]
                    for name in named.interfaces
                    if (interface := self.subgraph.types.get(name)) is not None
                    and interface.kind == "INTERFACE"
                    and selection.name in interface.fields
                ),
                None,
            )
        if field is None:
            raise _InvalidSelection(f'Cannot query field "{selection.name}" on type "{named.name}".')
        field_type = parse_type_ref(field.type)
        if selection.selections is None:
            return _nullable(field_type)
        nested = self._resolve(_named(field_type), selection.selections)
        return _wrap_lists(field_type, nested)


def _parse_selection(selection: str) -> SelectionSetNode:
    text = selection if selection.strip().startswith("{") else "{" + selection + "}"
    try:
        document = parse("query " + text, no_location=True)
    except GraphQLSyntaxError as exc:
        raise _InvalidSelection(exc.message) from exc
    operation = document.definitions[0]
    if not isinstance(operation, OperationDefinitionNode):
        raise _InvalidSelection("no selection is made")
    return operation.selection_set


def _compile(selection_set: SelectionSetNode) -> tuple[_Selection, ...]:
    compiled: list[_Selection] = []
    for selection in selection_set.selections:
        if not isinstance(selection, FieldNode | InlineFragmentNode):
            raise _InvalidSelection("fragment spread is not allowed")
        if isinstance(selection, FieldNode) and selection.alias is not None:
            raise _InvalidSelection("aliases are not allowed in the selection")
        if selection.directives:
            raise _InvalidSelection("directives are not allowed in the selection")
        nested = _compile(selection.selection_set) if selection.selection_set else None
        if isinstance(selection, FieldNode):
            compiled.append(_FieldSelection(name=selection.name.value, selections=nested))
        else:
            condition = selection.type_condition.name.value if selection.type_condition else None
            compiled.append(_Fragment(type_condition=condition, selections=nested or ()))
    return tuple(compiled)


def _nullable(type_ref: TypeRef) -> TypeRef:
    return TypeRef(non_null=False, name=type_ref.name, of_type=type_ref.of_type)


def _named(type_ref: TypeRef) -> str:
    while type_ref.name is None:
        assert type_ref.of_type is not None
        type_ref = type_ref.of_type
    return type_ref.name


def _wrap_lists(field_type: TypeRef, resolved: TypeRef) -> TypeRef:
    """The field's list nesting (nullable at every level) around the nested selection's type."""
    if field_type.of_type is not None:
        return TypeRef(non_null=False, of_type=_wrap_lists(field_type.of_type, resolved))
    return resolved


def _matches(selected: TypeRef, expected: TypeRef) -> bool:
    """Whether a value of ``selected`` type can be passed where ``expected`` is declared."""
    if expected.non_null:
        return selected.non_null and _matches(_nullable(selected), _nullable(expected))
    if selected.non_null:
        return _matches(_nullable(selected), expected)
    if expected.of_type is not None:
        return selected.of_type is not None and _matches(selected.of_type, expected.of_type)
    return selected.of_type is None and selected.name == expected.name


def check_context_arguments(supergraph: Supergraph) -> Iterator[CompositionError]:
    """An argument the router fills from a context somewhere may not be required from clients elsewhere."""
    for merged in supergraph.types.values():
        for merged_field in merged.fields.values():
            by_name: dict[str, list[tuple[str, Argument]]] = {}
            for graph, field in merged_field.by_graph.items():
                for arg in field.args.values():
                    by_name.setdefault(arg.name, []).append((graph, arg))
            for name, per_graph in by_name.items():
                if not any(arg.from_context for _, arg in per_graph):
                    continue
                for graph, arg in per_graph:
                    if arg.from_context is None and is_required(arg.type, arg.default):
                        coordinate = f"{merged.name}.{merged_field.name}({name}:)"
                        yield CompositionError(
                            code="CONTEXTUAL_ARGUMENT_NOT_CONTEXTUAL_IN_ALL_SUBGRAPHS",
                            message=(
                                f'Argument "{coordinate}" is contextual in at least one subgraph but in'
                                f' subgraph "{graph}" it does not have @fromContext, is not nullable and'
                                " has no default value."
                            ),
                            subgraph=graph,
                            coordinate=coordinate,
                        )


def check_context_reachability(supergraph: Supergraph) -> Iterator[CompositionError]:
    """Every query path to a field with context arguments must pass a type that sets each context.

    Types are the nodes (a path may jump subgraphs through keys, so the merged type graph is what
    queries walk); a type sets a context when it, an interface it implements or a union it belongs
    to carries ``@context`` with that name in the field's subgraph.
    """
    for merged in supergraph.types.values():
        for merged_field in merged.fields.values():
            for graph, field in sorted(merged_field.by_graph.items()):
                contexts = sorted(
                    {
                        a.from_context.context
                        for a in field.args.values()
                        if a.from_context and a.from_context.context
                    }
                )
                for name in contexts:
                    setters = _context_setters(supergraph, context_name_in_supergraph(graph, name))
                    if merged.name not in setters and _reachable_avoiding(supergraph, merged.name, setters):
                        coordinate = f"{merged.name}.{merged_field.name}"
                        yield CompositionError(
                            code="SATISFIABILITY_ERROR",
                            message=(
                                f'A query can reach "{coordinate}" without passing a type that sets context'
                                f' "{name}" of subgraph "{graph}": from subgraph "{graph}": could not find a'
                                f' match for required context for field "{coordinate}".'
                            ),
                            subgraph=graph,
                            coordinate=coordinate,
                        )


def _context_setters(supergraph: Supergraph, qualified: str) -> set[str]:
    owners = {
        t.name
        for t in supergraph.types.values()
        if any(
            context_name_in_supergraph(g, c) == qualified for g, n in t.by_graph.items() for c in n.contexts
        )
    }
    return owners | {member for owner in owners for member in supergraph.possible_types(owner)}


def _reachable_avoiding(supergraph: Supergraph, target: str, avoided: set[str]) -> bool:
    seen: set[str] = set()
    frontier = [name for name in ROOT_TYPE_NAMES if name in supergraph.types and name not in avoided]
    while frontier:
        name = frontier.pop()
        if name == target:
            return True
        if name in seen:
            continue
        seen.add(name)
        t = supergraph.types[name]
        following = [named_type(f.type) for f in t.fields.values()]
        if t.kind in ("INTERFACE", "UNION"):
            following += supergraph.possible_types(name)
        frontier += [n for n in following if n in supergraph.types and n not in avoided and n not in seen]
    return False


def _error(subgraph: Subgraph, code: str, message: str, coordinate: str) -> CompositionError:
    return CompositionError(
        code=code, message=f"[{subgraph.name}] {message}", subgraph=subgraph.name, coordinate=coordinate
    )

"""Response shaping: from the merged subgraph data, exactly the response the client's operation asks.

Implements 'Executing Selection Sets', 'CollectFields' and 'Value Completion' of the GraphQL spec
(section 6.3-6.4) over data that is already there instead of resolvers: fields in the client's order
under the client's aliases, fragments applied by the object's runtime type against the API schema,
``@skip``/``@include`` honoured, planner-only fields (keys, internal ``__typename``) left out, a
missing field read as null, leaf values checked against their scalar or enum type, and a null in a
non-null position propagated to the nearest nullable parent (the whole ``data`` when it reaches the
root). Each null that no earlier error explains gets an error with its ``path``.

For incremental delivery (``@defer``) the initial payload is shaped with ``defer=True``: fragments
with an active ``@defer`` are left out; ``shape_deferred`` shapes one deferred fragment at one object.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import orjson
from graphql import (
    BooleanValueNode,
    FieldNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLUnionType,
    InlineFragmentNode,
    VariableNode,
)

from ._response_errors import ErrorCode, client_error

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

    from graphql import (
        FragmentDefinitionNode,
        GraphQLCompositeType,
        GraphQLField,
        GraphQLOutputType,
        GraphQLSchema,
        SelectionNode,
        SelectionSetNode,
    )

    from ._possible_types import PossibleTypes

__all__ = ["is_deferred", "shape_deferred", "shape_response"]

# A response path as a linked list of (previous, key) pairs: one small tuple per step; the list
# form is built only for an error (graphql-core's NamedTuple ``Path`` per field and list item was
# a tenth of shaping's cost on the deep benchmark query).
Path = tuple["Path", str | int] | None

_META_FIELDS = frozenset(("__schema", "__type"))


def shape_response(
    *,
    possible_types: PossibleTypes,
    root_type: GraphQLObjectType,
    selection_set: SelectionSetNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any],
    data: dict[str, Any],
    errors: list[dict[str, Any]],
    failed_paths: Iterable[tuple[str | int, ...]] = (),
    introspection: Mapping[str, Any] | None = None,
    denied: Mapping[int, str] | None = None,
    defer: bool = False,
) -> dict[str, Any] | None:
    """The client's ``data`` built from ``data``; errors found on the way are appended to ``errors``.

    ``denied`` maps the id of each field node the request may not see to its error message (the
    router's ``@authenticated``/``@requiresScopes`` check): those fields are null with an
    ``UNAUTHORIZED`` error.

    ``errors`` (already in the response) and ``failed_paths`` (parts a failed fetch left out)
    explain nulls, so those get no second error. ``introspection`` holds the already executed
    ``__schema``/``__type`` root fields by response key. ``defer``: leave out fragments with an
    active ``@defer`` (the initial payload of an incremental response).
    """
    shaper = (
        _DenyingShaper(possible_types, fragments, variables, errors, failed_paths, denied)
        if denied
        else _Shaper(possible_types, fragments, variables, errors, failed_paths)
    )
    shaper.defer = defer
    fields = shaper.collect(root_type, selection_set, (selection_set,))
    try:
        return shaper.complete_object(root_type, fields, data, None, introspection)
    except _Bubble:
        return None


def shape_deferred(
    *,
    possible_types: PossibleTypes,
    parent_type: GraphQLCompositeType,
    selection_set: SelectionSetNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any],
    data: dict[str, Any],
    path: list[str | int],
    errors: list[dict[str, Any]],
    failed_paths: Iterable[tuple[str | int, ...]] = (),
    denied: Mapping[int, str] | None = None,
) -> tuple[bool, dict[str, Any] | None]:
    """One deferred fragment (``selection_set``: the fragment without ``@defer``) at the object
    ``data`` found at ``path``: (whether it applies to that object, its shaped fields).

    Fragments nested in it with an active ``@defer`` are left out (they come later). A null that
    reaches the fragment's own level makes the whole payload's ``data`` null ("Defer and Stream",
    incremental delivery RFC: null bubbling stops at the deferred fragment).
    """
    shaper = (
        _DenyingShaper(possible_types, fragments, variables, errors, failed_paths, denied)
        if denied
        else _Shaper(possible_types, fragments, variables, errors, failed_paths)
    )
    shaper.defer = True
    runtime: GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType = parent_type
    fields: list[_Field] | None
    if isinstance(parent_type, GraphQLObjectType):
        fields = shaper.collect(parent_type, selection_set, (selection_set,))
    else:
        typename = data.get("__typename")
        schema = possible_types.schema
        found = schema.get_type(typename) if isinstance(typename, str) else None
        if isinstance(found, GraphQLObjectType) and schema.is_sub_type(parent_type, found):
            runtime = found
            fields = shaper.collect(found, selection_set, (selection_set,))
        else:
            fields = shaper.collect_static(parent_type, selection_set, (selection_set,))
    if not fields:
        return False, None
    at: Path = None
    for key in path:
        at = (at, key)
    try:
        return True, shaper.complete_object(runtime, fields, data, at)
    except _Bubble:
        return True, None


def is_deferred(selection: InlineFragmentNode | FragmentSpreadNode, variables: Mapping[str, Any]) -> bool:
    """Whether the fragment has an active ``@defer``: ``if`` absent, true, or a variable not false
    (the planner's rule, ``router.planner.normalize``)."""
    for directive in selection.directives or ():
        if directive.name.value != "defer":
            continue
        for argument in directive.arguments or ():
            if argument.name.value == "if":
                value = argument.value
                if isinstance(value, BooleanValueNode):
                    return value.value
                if isinstance(value, VariableNode):
                    return variables.get(value.name.value) is not False
        return True
    return False


class _Bubble(Exception):
    """A null reached a non-null position: unwind to the nearest nullable one."""


_INVALID: Any = object()


class _Field:
    """One collected field: response key, field name, its nodes (merged sub-selections), definition,
    and for a leaf field the check of its value (the fast path: most values in a response are
    leaves). Sub-selections are collected once per runtime type and kept here, so every object and
    list item below this field reuses them."""

    __slots__ = ("children", "definition", "key", "leaf", "name", "nodes", "selection_sets")

    def __init__(
        self,
        key: str,
        name: str,
        nodes: list[FieldNode],
        definition: GraphQLField | None,
        leaf: Callable[[Any], Any] | None,
    ) -> None:
        self.key = key
        self.name = name
        self.nodes = nodes
        self.definition = definition
        self.leaf = leaf
        self.selection_sets = [node.selection_set for node in nodes if node.selection_set]
        self.children: dict[str, list[_Field]] = {}


class _Shaper:
    """The state of shaping one response: memoised field collection and the errors so far."""

    def __init__(
        self,
        possible: PossibleTypes,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
        errors: list[dict[str, Any]],
        failed_paths: Iterable[tuple[str | int, ...]],
    ) -> None:
        self._possible = possible
        self.defer = False
        """Leave out fragments with an active ``@defer`` (they are delivered later)."""
        self._schema: GraphQLSchema = possible.schema
        self._fragments = fragments
        self._variables = variables
        self._errors = errors
        # Selections repeat for every item of a list: collect once per (selection, runtime type).
        self._collected: dict[tuple[int, str], list[_Field]] = {}
        self._collected_static: dict[tuple[int, str], list[_Field] | None] = {}
        # A null is explained when an error or failed fetch sits at, under, or above its path.
        self._explained_exact: set[tuple[str | int, ...]] = set()
        self._explained_prefixes: set[tuple[str | int, ...]] = set()
        for error in errors:
            path = error.get("path")
            if isinstance(path, list):
                self._explain(tuple(path))
        for failed in failed_paths:
            self._explain(failed)

    # -- CollectFields ---------------------------------------------------------------------------

    def collect(
        self, type_: GraphQLObjectType, key: object, selection_sets: Iterable[SelectionSetNode]
    ) -> list[_Field]:
        """The fields of ``selection_sets`` for objects of ``type_``, grouped by response key."""
        cache_key = (id(key), type_.name)
        collected = self._collected.get(cache_key)
        if collected is None:
            collected = self._collect(type_, selection_sets)
            self._collected[cache_key] = collected
        return collected

    def collect_static(
        self,
        abstract: GraphQLInterfaceType | GraphQLUnionType,
        key: object,
        selection_sets: Iterable[SelectionSetNode],
    ) -> list[_Field] | None:
        """The fields for an object whose concrete type the data does not name, or None when
        the client asked for that name (``__typename``).

        A subgraph sends no ``__typename`` where the plan did not ask for it (a selection of
        interface fields only, or ``__typename`` fetched only inside ``... on Book``, so an object
        without it is no Book), and an ``@interfaceObject`` subgraph names the interface. As in
        the Apollo router, fragments then apply when the declared type itself meets their
        condition; type-specific fragments are left out.
        """
        cache_key = (id(key), "?" + abstract.name)
        if cache_key in self._collected_static:
            return self._collected_static[cache_key]
        collected: list[_Field] | None = self._collect(abstract, selection_sets)
        if collected is not None and any(entry.name == "__typename" for entry in collected):
            collected = None
        self._collected_static[cache_key] = collected
        return collected

    def _collect(
        self, type_: GraphQLCompositeType, selection_sets: Iterable[SelectionSetNode]
    ) -> list[_Field]:
        grouped: dict[str, list[FieldNode]] = {}
        visited: set[str] = set()
        for selection_set in selection_sets:
            self._collect_into(type_, selection_set, grouped, visited)
        fields = {} if isinstance(type_, GraphQLUnionType) else type_.fields
        collected: list[_Field] = []
        for response_key, nodes in grouped.items():
            definition = fields.get(nodes[0].name.value)
            leaf = _leaf_check(definition.type) if definition is not None else None
            collected.append(_Field(response_key, nodes[0].name.value, nodes, definition, leaf))
        return collected

    def _collect_into(
        self,
        type_: GraphQLCompositeType,
        selection_set: SelectionSetNode,
        grouped: dict[str, list[FieldNode]],
        visited: set[str],
    ) -> None:
        for selection in selection_set.selections:
            if selection.directives and not self._included(selection):
                continue
            if isinstance(selection, FieldNode):
                key = selection.alias.value if selection.alias else selection.name.value
                nodes = grouped.get(key)
                if nodes is None:
                    grouped[key] = [selection]
                else:
                    nodes.append(selection)
            elif (
                self.defer
                and isinstance(selection, InlineFragmentNode | FragmentSpreadNode)
                and is_deferred(selection, self._variables)
            ):
                continue
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                if condition is None or self._applies(type_, condition.name.value):
                    self._collect_into(type_, selection.selection_set, grouped, visited)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self._fragments.get(name)
                if name in visited or fragment is None:
                    continue
                visited.add(name)
                if self._applies(type_, fragment.type_condition.name.value):
                    self._collect_into(type_, fragment.selection_set, grouped, visited)

    def _applies(self, type_: GraphQLCompositeType, condition: str) -> bool:
        """'DoesFragmentTypeApply'; an abstract type stands for an object of unknown type and only
        meets its own name and the interfaces it implements."""
        if isinstance(type_, GraphQLObjectType):
            return type_.name in self._possible.names(condition)
        if condition == type_.name:
            return True
        return isinstance(type_, GraphQLInterfaceType) and any(i.name == condition for i in type_.interfaces)

    def _included(self, selection: SelectionNode) -> bool:
        for directive in selection.directives or ():
            name = directive.name.value
            if name not in ("skip", "include"):
                continue
            condition = False
            for argument in directive.arguments or ():
                if argument.name.value == "if":
                    value = argument.value
                    if isinstance(value, BooleanValueNode):
                        condition = value.value
                    elif isinstance(value, VariableNode):
                        condition = self._variables.get(value.name.value) is True
            if condition == (name == "skip"):
                return False
        return True

    # -- Value completion ------------------------------------------------------------------------

    def complete_object(
        self,
        type_: GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType,
        fields: list[_Field],
        source: dict[str, Any],
        path: Path,
        meta: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for field in fields:
            key = field.key
            leaf = field.leaf
            if leaf is not None:
                value = source.get(key)
                if value is not None:
                    checked = leaf(value)
                    if checked is not _INVALID:
                        result[key] = checked
                        continue
            definition = field.definition
            if field.name == "__typename":
                # The runtime type, not the data's: an @interfaceObject subgraph answers the interface.
                result[key] = type_.name
            elif definition is None:
                if field.name in _META_FIELDS and meta is not None:
                    result[key] = meta.get(key)
            else:
                result[key] = self._complete(definition.type, source.get(key), field, (path, key), type_)
        return result

    def _complete(
        self,
        type_: GraphQLOutputType,
        value: Any,
        field: _Field,
        path: Path,
        parent: GraphQLCompositeType,
    ) -> Any:
        """Complete ``value``; raise ``_Bubble`` when it ends up null in a non-null position."""
        if isinstance(type_, GraphQLNonNull):
            result = self._complete_nullable(type_.of_type, value, field, path, parent)
            if result is None:
                if not self._is_explained(path):
                    self._error(
                        f"Cannot return null for non-nullable field {parent.name}.{field.name}.",
                        path,
                        field.nodes,
                    )
                raise _Bubble
            return result
        return self._complete_nullable(type_, value, field, path, parent)

    def _complete_nullable(
        self,
        type_: GraphQLOutputType,
        value: Any,
        field: _Field,
        path: Path,
        parent: GraphQLCompositeType,
    ) -> Any:
        if value is None:
            return None
        try:
            if isinstance(type_, GraphQLObjectType):
                if not isinstance(value, dict):
                    checked = _INVALID
                else:
                    fields = field.children.get(type_.name)
                    if fields is None:
                        fields = field.children[type_.name] = self._collect(type_, field.selection_sets)
                    return self.complete_object(type_, fields, value, path)
            elif isinstance(type_, GraphQLList):
                if not isinstance(value, list):
                    checked = _INVALID
                else:
                    item_type = type_.of_type
                    complete = self._complete
                    return [
                        complete(item_type, item, field, (path, index), parent)
                        for index, item in enumerate(value)
                    ]
            elif isinstance(type_, GraphQLScalarType):
                checked = _SCALARS.get(type_.name, _custom_scalar)(value)
            elif isinstance(type_, GraphQLEnumType):
                checked = value if type(value) is str and value in type_.values else _INVALID
            elif not isinstance(value, dict):
                checked = _INVALID
            else:
                return self._complete_abstract(type_, value, field, path, parent)  # type: ignore[arg-type]
        except _Bubble:
            return None
        if checked is _INVALID:
            self._invalid_value(str(type_), value, field, path, parent)
            return None
        return checked

    def _complete_abstract(
        self,
        abstract: GraphQLInterfaceType | GraphQLUnionType,
        value: dict[str, Any],
        field: _Field,
        path: Path,
        parent: GraphQLCompositeType,
    ) -> dict[str, Any] | None:
        """'ResolveAbstractType' by ``__typename``, then complete as that object type."""
        typename = value.get("__typename")
        runtime = self._schema.get_type(typename) if isinstance(typename, str) else None
        if isinstance(runtime, GraphQLObjectType) and self._schema.is_sub_type(abstract, runtime):
            fields = field.children.get(runtime.name)
            if fields is None:
                fields = field.children[runtime.name] = self._collect(runtime, field.selection_sets)
            return self.complete_object(runtime, fields, value, path)
        if typename is None or typename == abstract.name:
            static = self.collect_static(abstract, field, field.selection_sets)
            if static is not None:
                return self.complete_object(abstract, static, value, path)
        self._error(
            f"Field '{parent.name}.{field.name}' returned an object whose __typename "
            f"{_preview(typename)} is not a possible type of '{abstract.name}'.",
            path,
            field.nodes,
            code=ErrorCode.INVALID_SUBGRAPH_RESPONSE,
        )
        return None

    # -- Errors ----------------------------------------------------------------------------------

    def _invalid_value(
        self,
        type_name: str,
        value: Any,
        field: _Field,
        path: Path,
        parent: GraphQLCompositeType,
    ) -> None:
        self._error(
            f"Field '{parent.name}.{field.name}' returned an invalid {type_name} value: {_preview(value)}.",
            path,
            field.nodes,
            code=ErrorCode.INVALID_SUBGRAPH_RESPONSE,
        )

    def _error(self, message: str, path: Path, nodes: list[FieldNode], *, code: str | None = None) -> None:
        path_list = _path_list(path)
        self._explain(tuple(path_list))
        self._errors.append(client_error(message, code=code, path=path_list, locations=_locations(nodes)))

    def _explain(self, path: tuple[str | int, ...]) -> None:
        self._explained_exact.add(path)
        for end in range(len(path) + 1):
            self._explained_prefixes.add(path[:end])

    def _is_explained(self, path: Path) -> bool:
        if not self._explained_exact:
            return False
        keys = tuple(_path_list(path))
        if keys in self._explained_prefixes:
            return True
        return any(keys[:end] in self._explained_exact for end in range(len(keys)))


def _path_list(path: Path) -> list[str | int]:
    keys: list[str | int] = []
    while path is not None:
        path, key = path
        keys.append(key)
    keys.reverse()
    return keys


def _locations(nodes: list[FieldNode]) -> list[dict[str, int]] | None:
    loc = nodes[0].loc
    if loc is None:
        return None
    location = loc.source.get_location(loc.start)
    return [{"line": location.line, "column": location.column}]


def _preview(value: Any) -> str:
    try:
        text = orjson.dumps(value).decode()
    except TypeError:
        text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


# Leaf checks per built-in scalar ('Scalars' of the GraphQL spec: result coercion). A value that
# JSON can carry but the type can't is an invalid subgraph response, never silently converted,
# except an integer ID, which the spec serialises as a string.
_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1


def _check_int(value: Any) -> Any:
    return value if type(value) is int and _INT_MIN <= value <= _INT_MAX else _INVALID


def _check_float(value: Any) -> Any:
    return value if (type(value) is float and math.isfinite(value)) or type(value) is int else _INVALID


def _check_string(value: Any) -> Any:
    return value if type(value) is str else _INVALID


def _check_boolean(value: Any) -> Any:
    return value if type(value) is bool else _INVALID


def _check_id(value: Any) -> Any:
    if type(value) is str:
        return value
    return str(value) if type(value) is int else _INVALID


def _custom_scalar(value: Any) -> Any:
    return value  # custom scalars are opaque JSON to the router


_SCALARS: dict[str, Callable[[Any], Any]] = {
    "Int": _check_int,
    "Float": _check_float,
    "String": _check_string,
    "Boolean": _check_boolean,
    "ID": _check_id,
}


def _leaf_check(type_: GraphQLOutputType) -> Callable[[Any], Any] | None:
    """The value check of a scalar or enum field (nullable or not), None for other fields."""
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    if isinstance(type_, GraphQLScalarType):
        return _SCALARS.get(type_.name, _custom_scalar)  # type: ignore[no-any-return]
    if isinstance(type_, GraphQLEnumType):
        values = type_.values

        def check_enum(value: Any) -> Any:
            return value if type(value) is str and value in values else _INVALID

        return check_enum
    return None


class _DenyingShaper(_Shaper):
    """A shaper for an operation some of whose fields were denied (see ``_authorization``): each
    denied field is null with an ``UNAUTHORIZED`` error at its path; that error explains the null,
    so a non-null denied field bubbles without a second 'Cannot return null' error."""

    def __init__(
        self,
        possible: PossibleTypes,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
        errors: list[dict[str, Any]],
        failed_paths: Iterable[tuple[str | int, ...]],
        denied: Mapping[int, str],
    ) -> None:
        super().__init__(possible, fragments, variables, errors, failed_paths)
        self._denied = denied

    def _denial(self, nodes: list[FieldNode]) -> str | None:
        for node in nodes:
            message = self._denied.get(id(node))
            if message is not None:
                return message
        return None

    def _collect(
        self, type_: GraphQLCompositeType, selection_sets: Iterable[SelectionSetNode]
    ) -> list[_Field]:
        # A denied leaf must take the slow path through ``_complete`` (where its error is added),
        # even if another, allowed selection of the same response key fetched a value.
        collected = super()._collect(type_, selection_sets)
        for field in collected:
            if self._denial(field.nodes) is not None:
                field.leaf = None
        return collected

    def _complete(
        self,
        type_: GraphQLOutputType,
        value: Any,
        field: _Field,
        path: Path,
        parent: GraphQLCompositeType,
    ) -> Any:
        message = self._denial(field.nodes)
        if message is not None:
            self._error(message, path, field.nodes, code=ErrorCode.UNAUTHORIZED)
            value = None
        return super()._complete(type_, value, field, path, parent)

"""Merge validated subgraphs into the supergraph model (types, fields, and who resolves what).

The merge is deliberately permissive: it always produces a model, taking the first definition
when subgraphs disagree, and leaves judging the disagreement to the rules in
:mod:`schema.rules`, which see both the subgraphs and this model. That keeps one place that
decides *what* the supergraph looks like and one module per rule that decides *whether* it may.

Merge semantics follow the federation 2 composition spec: an output field takes the most general
of the subgraphs' types (nullable over non-null, an interface or union over its implementations
and members), argument and input field types the most restrictive nullability; arguments and input
fields are intersected; enums are unioned when used only as output, intersected when only as
input; union members and interface implementations are unioned.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace

from graphql import FieldNode, InlineFragmentNode, SelectionSetNode

from ._fieldset import FieldSetError, parse_field_set
from ._model import (
    Access,
    AppliedDirective,
    Argument,
    EnumValue,
    Field,
    ListSize,
    NamedType,
    Subgraph,
    TypeKind,
)
from ._typeref import merge_input_types, named_type, output_supertype, parse_type_ref

__all__ = [
    "MergedArgument",
    "MergedEnumValue",
    "MergedField",
    "MergedType",
    "Supergraph",
    "is_named_subtype",
    "merge",
]


@dataclass(slots=True, kw_only=True)
class MergedArgument:
    """An argument or input field across subgraphs; ``by_graph`` keeps each subgraph's own."""

    name: str
    type: str
    default: str | None = None
    description: str | None = None
    deprecated: str | None = None
    inaccessible: bool = False
    tags: set[str] = field(default_factory=set)
    directives: list[AppliedDirective] = field(default_factory=list)
    by_graph: dict[str, Argument] = field(default_factory=dict)
    cost: int | None = None


@dataclass(slots=True, kw_only=True)
class MergedField:
    """A field of an object or interface across subgraphs."""

    name: str
    type: str
    description: str | None = None
    deprecated: str | None = None
    inaccessible: bool = False
    tags: set[str] = field(default_factory=set)
    directives: list[AppliedDirective] = field(default_factory=list)
    args: dict[str, MergedArgument] = field(default_factory=dict)
    access: Access = field(default_factory=Access)
    by_graph: dict[str, Field] = field(default_factory=dict)
    #: Set on fields an implementation only gets through an ``@interfaceObject``.
    from_interface_object: bool = False
    cost: int | None = None
    list_size: ListSize | None = None

    def resolving_graphs(self) -> list[str]:
        """Subgraphs that can resolve this field themselves (not ``@external`` there)."""
        return [graph for graph, f in self.by_graph.items() if not f.external]


@dataclass(slots=True, kw_only=True)
class MergedEnumValue:
    """An enum value across subgraphs."""

    name: str
    description: str | None = None
    deprecated: str | None = None
    inaccessible: bool = False
    tags: set[str] = field(default_factory=set)
    directives: list[AppliedDirective] = field(default_factory=list)
    graphs: list[str] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class MergedType:
    """A named type of the supergraph with each subgraph's view of it in ``by_graph``."""

    name: str
    kind: TypeKind
    description: str | None = None
    inaccessible: bool = False
    tags: set[str] = field(default_factory=set)
    directives: list[AppliedDirective] = field(default_factory=list)
    interfaces: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    fields: dict[str, MergedField] = field(default_factory=dict)
    input_fields: dict[str, MergedArgument] = field(default_factory=dict)
    values: dict[str, MergedEnumValue] = field(default_factory=dict)
    access: Access = field(default_factory=Access)
    by_graph: dict[str, NamedType] = field(default_factory=dict)
    #: Subgraphs where this interface is an ``@interfaceObject`` (an object type there).
    interface_object_graphs: list[str] = field(default_factory=list)
    cost: int | None = None

    def is_entity(self) -> bool:
        return any(t.keys for t in self.by_graph.values())


@dataclass(slots=True, kw_only=True)
class Supergraph:
    """The merged model: types by name plus the inputs the printer and rules need."""

    subgraphs: dict[str, Subgraph]
    types: dict[str, MergedType]
    enum_usage: dict[str, tuple[bool, bool]]  # enum -> (used as input, used as output)
    required: set[tuple[str, str, str]]  # (graph, type, field) selected by some @requires
    provided: set[tuple[str, str, str]]  # (graph, type, field) selected by some @provides
    key_fields: set[tuple[str, str, str]]  # (graph, type, field) selected by some @key

    def possible_types(self, abstract: str) -> list[str]:
        """Object types a union or interface can be, in the supergraph."""
        t = self.types.get(abstract)
        if t is None:
            return []
        if t.kind == "UNION":
            return list(t.members)
        return sorted(
            name
            for name, other in self.types.items()
            if other.kind == "OBJECT" and abstract in other.interfaces
        )


def merge(subgraphs: Sequence[Subgraph]) -> Supergraph:
    """Merge ``subgraphs`` (already sorted by name) into the supergraph model."""
    types: dict[str, MergedType] = {}
    for subgraph in subgraphs:
        for named in subgraph.types.values():
            kind: TypeKind = named.kind
            if named.interface_object:
                kind = "INTERFACE"
            merged = types.get(named.name)
            if merged is None:
                merged = types[named.name] = MergedType(name=named.name, kind=kind)
            elif merged.kind != kind:
                continue  # TYPE_KIND_MISMATCH, reported by rules._types
            _merge_type(merged, subgraph, named)
    _add_interface_object_fields(types)
    enum_usage = _enum_usage(subgraphs)
    for merged in types.values():
        if merged.kind == "ENUM":
            _settle_enum(merged, enum_usage.get(merged.name, (False, False)))
        elif merged.kind == "INPUT_OBJECT":
            _settle_input(merged)
        elif merged.kind in ("OBJECT", "INTERFACE"):
            for merged_field in merged.fields.values():
                _settle_args(merged_field)
                _settle_output_type(types, merged_field)
    required, provided, key_fields = _field_set_usage(subgraphs)
    return Supergraph(
        subgraphs={s.name: s for s in subgraphs},
        types=types,
        enum_usage=enum_usage,
        required=required,
        provided=provided,
        key_fields=key_fields,
    )


def _merge_common(
    target: MergedType | MergedField | MergedArgument | MergedEnumValue,
    source: NamedType | Field | Argument | EnumValue,
) -> None:
    if source.description and not target.description:
        target.description = source.description
    if source.inaccessible:
        target.inaccessible = True
    target.tags.update(source.tags)
    if (
        not isinstance(source, NamedType)
        and not isinstance(target, MergedType)
        and source.deprecated
        and not target.deprecated
    ):
        target.deprecated = source.deprecated
    for directive in source.directives:
        if directive not in target.directives:
            target.directives.append(directive)
    if isinstance(target, MergedType | MergedField) and isinstance(source, NamedType | Field):
        target.access = target.access.merged(source.access)
    if (
        not isinstance(target, MergedEnumValue)
        and not isinstance(source, EnumValue)
        and source.cost is not None
    ):
        # The supergraph charges what the most expensive subgraph says (cost spec: max weight).
        target.cost = source.cost if target.cost is None else max(target.cost, source.cost)
    if isinstance(target, MergedField) and isinstance(source, Field) and source.list_size is not None:
        target.list_size = _merge_list_size(target.list_size, source.list_size)


def _merge_list_size(merged: ListSize | None, other: ListSize) -> ListSize:
    """The most generous sizes: largest ``assumedSize``, every slicing argument and sized field."""
    if merged is None:
        return other
    assumed = [s for s in (merged.assumed_size, other.assumed_size) if s is not None]
    return ListSize(
        assumed_size=max(assumed) if assumed else None,
        slicing_arguments=_union(merged.slicing_arguments, other.slicing_arguments),
        sized_fields=_union(merged.sized_fields, other.sized_fields),
        require_one_slicing_argument=merged.require_one_slicing_argument
        and other.require_one_slicing_argument,
    )


def _union(a: tuple[str, ...] | None, b: tuple[str, ...] | None) -> tuple[str, ...] | None:
    if a is None and b is None:
        return None
    return tuple(dict.fromkeys((*(a or ()), *(b or ()))))


def _merge_type(merged: MergedType, subgraph: Subgraph, named: NamedType) -> None:
    merged.by_graph[subgraph.name] = named
    _merge_common(merged, named)
    if named.interface_object:
        merged.interface_object_graphs.append(subgraph.name)
    for interface in named.interfaces:
        if interface not in merged.interfaces:
            merged.interfaces.append(interface)
    for member in named.members:
        if member not in merged.members:
            merged.members.append(member)
    for value in named.values.values():
        merged_value = merged.values.get(value.name)
        if merged_value is None:
            merged_value = merged.values[value.name] = MergedEnumValue(name=value.name)
        _merge_common(merged_value, value)
        merged_value.graphs.append(subgraph.name)
    for input_field in named.input_fields.values():
        merged_input = merged.input_fields.get(input_field.name)
        if merged_input is None:
            merged_input = merged.input_fields[input_field.name] = MergedArgument(
                name=input_field.name, type=input_field.type
            )
        _merge_argument(merged_input, subgraph.name, input_field)
    for f in named.fields.values():
        merged_field = merged.fields.get(f.name)
        if merged_field is None:
            merged_field = merged.fields[f.name] = MergedField(name=f.name, type=f.type)
        elif not f.external and all(other.external for other in merged_field.by_graph.values()):
            merged_field.type = f.type  # a resolving definition outranks external ones
        merged_field.by_graph[subgraph.name] = f
        _merge_common(merged_field, f)
        for arg in f.args.values():
            merged_arg = merged_field.args.get(arg.name)
            if merged_arg is None:
                merged_arg = merged_field.args[arg.name] = MergedArgument(name=arg.name, type=arg.type)
            _merge_argument(merged_arg, subgraph.name, arg)


def _merge_argument(merged: MergedArgument, graph: str, arg: Argument) -> None:
    if merged.by_graph and parse_type_ref(arg.type).same_shape(parse_type_ref(merged.type)):
        merged.type = merge_input_types(merged.type, arg.type)
    merged.by_graph[graph] = arg
    if arg.default is not None and merged.default is None:
        merged.default = arg.default
    _merge_common(merged, arg)


def _settle_args(merged_field: MergedField) -> None:
    """Keep the arguments every subgraph defining the field has (federation: intersection).

    An argument that is ``@fromContext`` in any subgraph is the router's to fill, never the
    client's, so it leaves the supergraph field (``join__field(contextArguments:)`` carries it).
    """
    graphs = set(merged_field.by_graph)
    merged_field.args = {
        name: arg
        for name, arg in merged_field.args.items()
        if set(arg.by_graph) == graphs and not any(a.from_context for a in arg.by_graph.values())
    }
    list_size = merged_field.list_size
    if list_size is not None and list_size.slicing_arguments:
        # A slicing argument the supergraph field lost (not in every subgraph) is disregarded;
        # rules._cost reports a field left with none.
        kept = tuple(a for a in list_size.slicing_arguments if a in merged_field.args)
        merged_field.list_size = replace(list_size, slicing_arguments=kept)


def _settle_output_type(types: dict[str, MergedType], merged_field: MergedField) -> None:
    """Covariant field types: the supergraph returns the most general of the subgraphs' types.

    Runs once every subgraph's ``implements`` and union members are merged, because whether
    ``Book`` fits ``Media`` is a supergraph fact. The type is one of the subgraphs' own (the one
    every other fits: ``String`` for ``String!``, ``[String]`` for ``[String!]!``), as federation
    never invents a common supertype: ``[String!]`` and ``[String]!`` have none among themselves,
    so they are left as they are for ``rules._types`` to report, as Apollo's composer and the
    oracle do.
    """
    resolved = [fd.type for fd in merged_field.by_graph.values() if not fd.external]
    if len(set(resolved)) < 2:
        return
    for candidate in resolved:
        if all(
            output_supertype(candidate, t, lambda sub, sup: is_named_subtype(types, sub, sup)) == candidate
            for t in resolved
        ):
            merged_field.type = candidate
            return


def is_named_subtype(types: Mapping[str, MergedType], sub: str, sup: str) -> bool:
    """Whether ``sub`` implements interface ``sup`` or is a member of union ``sup`` in the supergraph."""
    sup_type, sub_type = types.get(sup), types.get(sub)
    if sup_type is None or sub_type is None:
        return False
    if sup_type.kind == "UNION":
        return sub in sup_type.members
    return sup_type.kind == "INTERFACE" and sup in sub_type.interfaces


def _settle_input(merged: MergedType) -> None:
    graphs = set(merged.by_graph)
    merged.input_fields = {name: f for name, f in merged.input_fields.items() if set(f.by_graph) == graphs}


def _settle_enum(merged: MergedType, usage: tuple[bool, bool]) -> None:
    """Union for output-only (and unused) enums, intersection for input-only ones."""
    as_input, as_output = usage
    if as_input and not as_output:
        graphs = set(merged.by_graph)
        merged.values = {name: v for name, v in merged.values.items() if set(v.graphs) == graphs}


def _enum_usage(subgraphs: Sequence[Subgraph]) -> dict[str, tuple[bool, bool]]:
    """Where each type is used: as input (argument, input field) and/or as output (field type)."""
    used_in: dict[str, list[bool]] = {}
    for subgraph in subgraphs:
        for named in subgraph.types.values():
            for f in named.fields.values():
                used_in.setdefault(named_type(f.type), [False, False])[1] = True
                for arg in f.args.values():
                    used_in.setdefault(named_type(arg.type), [False, False])[0] = True
            for input_field in named.input_fields.values():
                used_in.setdefault(named_type(input_field.type), [False, False])[0] = True
    return {name: (flags[0], flags[1]) for name, flags in used_in.items()}


def _add_interface_object_fields(types: dict[str, MergedType]) -> None:
    """Give implementations the fields only an ``@interfaceObject`` contributes to their interface."""
    for interface in types.values():
        if interface.kind != "INTERFACE" or not interface.interface_object_graphs:
            continue
        for obj in types.values():
            if obj.kind != "OBJECT" or interface.name not in obj.interfaces:
                continue
            for name, interface_field in interface.fields.items():
                if name in obj.fields:
                    continue
                if not any(g in interface.interface_object_graphs for g in interface_field.by_graph):
                    continue
                obj.fields[name] = MergedField(
                    name=name,
                    type=interface_field.type,
                    description=interface_field.description,
                    deprecated=interface_field.deprecated,
                    inaccessible=interface_field.inaccessible,
                    tags=set(interface_field.tags),
                    args={k: v for k, v in interface_field.args.items()},
                    from_interface_object=True,
                )


def _field_set_usage(
    subgraphs: Sequence[Subgraph],
) -> tuple[set[tuple[str, str, str]], set[tuple[str, str, str]], set[tuple[str, str, str]]]:
    required: set[tuple[str, str, str]] = set()
    provided: set[tuple[str, str, str]] = set()
    keys: set[tuple[str, str, str]] = set()
    for subgraph in subgraphs:
        for named in subgraph.types.values():
            for key in named.keys:
                keys.update(_selected(subgraph, named.name, key.fields))
            for f in named.fields.values():
                if f.requires:
                    required.update(_selected(subgraph, named.name, f.requires))
                if f.provides:
                    provided.update(_selected(subgraph, named_type(f.type), f.provides))
    return required, provided, keys


def _selected(subgraph: Subgraph, type_name: str, fields: str) -> Iterator[tuple[str, str, str]]:
    """Every ``(graph, type, field)`` a field set selects, nested selections included."""
    try:
        selection_set = parse_field_set(fields)
    except FieldSetError:
        return
    yield from _walk(subgraph, type_name, selection_set)


def _walk(
    subgraph: Subgraph, type_name: str, selection_set: SelectionSetNode
) -> Iterator[tuple[str, str, str]]:
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            name = selection.name.value
            yield subgraph.name, type_name, name
            named = subgraph.types.get(type_name)
            f = named.fields.get(name) if named else None
            if selection.selection_set and f is not None:
                yield from _walk(subgraph, named_type(f.type), selection.selection_set)
        elif isinstance(selection, InlineFragmentNode):
            target = selection.type_condition.name.value if selection.type_condition else type_name
            yield from _walk(subgraph, target, selection.selection_set)

"""The supergraph model: which subgraph resolves which type and field (federation join spec v0.3+).

Built once per supergraph by ``load_supergraph``; immutable afterwards. Subgraphs are named as in
``@join__graph(name:)``; field sets (keys, requires, provides) are kept as their source text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal, TypeAlias

if TYPE_CHECKING:
    from collections.abc import Mapping

    from graphql import GraphQLSchema

__all__ = [
    "ContextArgument",
    "FieldJoin",
    "Key",
    "ListSize",
    "Supergraph",
    "SupergraphField",
    "SupergraphType",
    "TypeJoin",
    "TypeKind",
]

TypeKind: TypeAlias = Literal["object", "interface", "union", "enum", "input", "scalar"]


def _empty() -> Mapping[str, tuple[str, ...]]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True, kw_only=True)
class Key:
    """One ``@join__type(graph:, key:)``: the entity can be looked up in ``graph`` by ``fields``."""

    graph: str
    fields: str
    resolvable: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class TypeJoin:
    """One ``@join__type`` application (join spec ``join__type``)."""

    graph: str
    key: str | None = None
    extension: bool = False
    resolvable: bool = True
    is_interface_object: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class ContextArgument:
    """One ``join__ContextArgument``: an argument the router fills from a context (join spec v0.5).

    ``context`` is the supergraph-wide context name (``<subgraph>__<name>``) that types set with
    ``@context``; ``selection`` is read on the nearest such type above the field, as written.
    """

    name: str
    type: str
    context: str
    selection: str


@dataclass(frozen=True, slots=True, kw_only=True)
class FieldJoin:
    """One ``@join__field`` application (join spec ``join__field``).

    ``graph`` is None for ``@join__field`` without a graph (a field only an ``@interfaceObject`` provides).
    """

    graph: str | None
    requires: str | None = None
    provides: str | None = None
    type: str | None = None
    external: bool = False
    override: str | None = None
    override_label: str | None = None
    used_overridden: bool = False
    context_arguments: tuple[ContextArgument, ...] = ()
    """Arguments ``graph`` expects from the router, not the client (``@fromContext``)."""

    def is_active(self, override_labels: frozenset[str]) -> bool:
        """Whether ``graph`` resolves the field, given the progressive override labels that are on.

        The new owner of a progressively overridden field carries ``override`` and ``overrideLabel``
        (active when the label is on); the previous owner carries only ``overrideLabel`` (active when off).
        """
        if self.graph is None or self.external or self.used_overridden:
            return False
        if self.override_label is None:
            return True
        label_on = self.override_label in override_labels
        return label_on if self.override is not None else not label_on


@dataclass(frozen=True, slots=True, kw_only=True)
class ListSize:
    """``@listSize`` of a list field (cost spec v0.1, IBM GraphQL Cost Directive): how long it is.

    The size is the value of the first given ``slicing_arguments`` (``first``, ``limit``), else
    ``assumed_size``, else the router's default; with ``sized_fields`` the size is that of those
    child lists (a connection's ``edges``), not of the field itself.
    """

    assumed_size: int | None = None
    slicing_arguments: tuple[str, ...] = ()
    sized_fields: tuple[str, ...] = ()
    require_one_slicing_argument: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class SupergraphField:
    """A field (or input field) of the supergraph with where it is resolved."""

    name: str
    type: str
    named_type: str
    joins: tuple[FieldJoin, ...] = ()
    inaccessible: bool = False
    authenticated: bool = False
    requires_scopes: tuple[tuple[str, ...], ...] = ()
    policies: tuple[tuple[str, ...], ...] = ()
    cost: int | None = None
    """``@cost(weight:)`` of the field (or input field), replacing its type's weight."""
    list_size: ListSize | None = None
    argument_costs: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    """argument -> ``@cost(weight:)``, added when the operation gives that argument."""

    def join(self, graph: str) -> FieldJoin | None:
        for j in self.joins:
            if j.graph == graph:
                return j
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class SupergraphType:
    """A named type of the supergraph with its per-subgraph membership."""

    name: str
    kind: TypeKind
    joins: tuple[TypeJoin, ...] = ()
    fields: Mapping[str, SupergraphField] = field(default_factory=lambda: MappingProxyType({}))
    implements: Mapping[str, tuple[str, ...]] = field(default_factory=_empty)
    """graph -> interfaces this type implements in that graph (``@join__implements``)."""
    union_members: Mapping[str, tuple[str, ...]] = field(default_factory=_empty)
    """graph -> members of this union in that graph (``@join__unionMember``)."""
    enum_values: Mapping[str, tuple[str, ...]] = field(default_factory=_empty)
    """enum value -> graphs that define it (``@join__enumValue``)."""
    inaccessible: bool = False
    authenticated: bool = False
    requires_scopes: tuple[tuple[str, ...], ...] = ()
    policies: tuple[tuple[str, ...], ...] = ()
    contexts: tuple[str, ...] = ()
    """Contexts this type sets (``@context(name:)``) for ``contextArguments`` below it."""
    cost: int | None = None
    """``@cost(weight:)`` of an object, scalar or enum type (demand control)."""

    @property
    def graphs(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for j in self.joins:
            seen[j.graph] = None
        return tuple(seen)

    @property
    def is_abstract(self) -> bool:
        return self.kind in ("interface", "union")

    @property
    def is_composite(self) -> bool:
        return self.kind in ("object", "interface", "union")


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Supergraph:
    """A loaded supergraph: the subgraphs, the type/field model and the API schema clients see.

    Compared and hashed by identity, so planner caches can key on it.
    """

    subgraphs: Mapping[str, str]
    """subgraph name -> routing URL, from the ``join__Graph`` enum."""
    types: Mapping[str, SupergraphType]
    root_types: Mapping[str, str]
    """operation kind (``query``, ``mutation``, ``subscription``) -> root type name."""
    api_schema: GraphQLSchema
    schema: GraphQLSchema
    """The full supergraph schema (join internals included), for planner type lookups."""
    join_version: str
    possible: Mapping[tuple[str, str | None], tuple[str, ...]] = field(repr=False)
    """(abstract or object type, graph or None for the supergraph) -> sorted possible object types."""

    def type_in_graph(self, type_name: str, graph: str) -> bool:
        """Whether ``graph`` defines ``type_name`` (types without ``@join__type`` exist everywhere)."""
        t = self.types.get(type_name)
        if t is None:
            return False
        if not t.joins:
            return True
        return any(j.graph == graph for j in t.joins)

    def keys(self, type_name: str, graph: str) -> tuple[Key, ...]:
        """The keys of ``type_name`` in ``graph``, in declaration order."""
        t = self.types.get(type_name)
        if t is None:
            return ()
        return tuple(
            Key(graph=graph, fields=j.key, resolvable=j.resolvable)
            for j in t.joins
            if j.graph == graph and j.key is not None
        )

    def is_interface_object(self, type_name: str, graph: str) -> bool:
        t = self.types.get(type_name)
        return t is not None and any(j.graph == graph and j.is_interface_object for j in t.joins)

    def field_graphs(
        self, type_name: str, field_name: str, override_labels: frozenset[str]
    ) -> tuple[str, ...]:
        """The subgraphs that resolve ``type_name.field_name`` themselves (not external, not overridden)."""
        t = self.types[type_name]
        f = t.fields.get(field_name)
        if f is None:
            return ()
        if not f.joins:
            return t.graphs if t.joins else tuple(self.subgraphs)
        return tuple(j.graph for j in f.joins if j.graph is not None and j.is_active(override_labels))

    def field_join(self, type_name: str, field_name: str, graph: str) -> FieldJoin | None:
        f = self.types[type_name].fields.get(field_name)
        return f.join(graph) if f is not None else None

    def possible_types(self, type_name: str, graph: str | None = None) -> tuple[str, ...]:
        """Object types ``type_name`` can resolve to, in ``graph`` or (None) the supergraph; sorted.

        Per subgraph from ``@join__implements`` and ``@join__unionMember``: members may differ.
        """
        return self.possible.get((type_name, graph), ())

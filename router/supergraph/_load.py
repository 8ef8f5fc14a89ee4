"""``load_supergraph``: supergraph SDL -> ``Supergraph`` (federation join spec v0.3, v0.4, v0.5)."""

from __future__ import annotations

from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypedDict

from graphql import (
    GraphQLEnumType,
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLUnionType,
    build_ast_schema,
    get_named_type,
    parse,
    value_from_ast_untyped,
)

from ._api_schema import build_api_schema
from ._links import Link, read_links
from ._model import (
    ContextArgument,
    FieldJoin,
    ListSize,
    Supergraph,
    SupergraphField,
    SupergraphType,
    TypeJoin,
    TypeKind,
)
from .errors import SupergraphError, SupergraphSyntaxError, UnsupportedSupergraphError

if TYPE_CHECKING:
    from collections.abc import Iterable

    from graphql import GraphQLNamedType, GraphQLSchema
    from graphql.language import DirectiveNode

__all__ = ["load_supergraph"]

SUPPORTED_JOIN_VERSIONS = ((0, 3), (0, 4), (0, 5))
_BUILT_IN = frozenset({"String", "Int", "Float", "Boolean", "ID"})


def load_supergraph(sdl: str) -> Supergraph:
    """Read a federation v2 supergraph SDL into the immutable model the planner and executor use.

    Raises ``SupergraphError`` (with a message saying what to change) for malformed SDL, a missing
    join spec or an unsupported link/join version.
    """
    try:
        document = parse(sdl)
    except GraphQLError as exc:
        raise SupergraphSyntaxError(f"the supergraph SDL does not parse: {exc.message}") from exc
    links = read_links(document)
    join = _join_link(links)
    try:
        schema = build_ast_schema(document)
    except (GraphQLError, TypeError) as exc:
        raise SupergraphSyntaxError(f"the supergraph SDL is not a valid schema: {exc}") from exc
    names = _Names(links, join)
    graphs, subgraphs = _read_graphs(schema, names)
    types: dict[str, SupergraphType] = {}
    for name, named in schema.type_map.items():
        if name.startswith("__") or name in _BUILT_IN or names.internal_type(name):
            continue
        types[name] = _read_type(named, names, graphs)
    root_types = {
        kind: t.name
        for kind, t in (
            ("query", schema.query_type),
            ("mutation", schema.mutation_type),
            ("subscription", schema.subscription_type),
        )
        if t is not None
    }
    inaccessible = names.directive_of("inaccessible", "inaccessible")
    return Supergraph(
        subgraphs=MappingProxyType(subgraphs),
        types=MappingProxyType(types),
        root_types=MappingProxyType(root_types),
        api_schema=build_api_schema(document, links, inaccessible),
        schema=schema,
        join_version="v{}.{}".format(*join.version),
        possible=MappingProxyType(_possible_types(types, schema, tuple(subgraphs))),
    )


def _join_link(links: tuple[Link, ...]) -> Link:
    if not any(link.spec == "link" for link in links):
        raise UnsupportedSupergraphError(
            'the supergraph has no @link(url: "https://specs.apollo.dev/link/v1.0") on its schema: '
            "is this a federation 2 supergraph?"
        )
    for link in links:
        if link.spec == "link" and link.version[0] != 1:
            raise UnsupportedSupergraphError(f"unsupported link spec version {link.url}: expected v1.x")
    joins = [link for link in links if link.spec == "join"]
    if not joins:
        raise UnsupportedSupergraphError(
            'the supergraph does not link the join spec (@link(url: "https://specs.apollo.dev/join/v0.3"))'
        )
    join = joins[0]
    if join.version not in SUPPORTED_JOIN_VERSIONS:
        supported = ", ".join("v{}.{}".format(*v) for v in SUPPORTED_JOIN_VERSIONS)
        raise UnsupportedSupergraphError(
            f"unsupported join spec version {join.url}: this router reads {supported}; "
            "recompose the supergraph"
        )
    return join


class _Names:
    """Local names of the spec directives this loader reads."""

    def __init__(self, links: tuple[Link, ...], join: Link) -> None:
        self._links = links
        self.join_type = join.directive("type")
        self.join_field = join.directive("field")
        self.join_graph = join.directive("graph")
        self.join_implements = join.directive("implements")
        self.join_union_member = join.directive("unionMember")
        self.join_enum_value = join.directive("enumValue")
        self.graph_enum = join.imports.get("Graph", f"{join.alias}__Graph")
        self.inaccessible = self.directive_of("inaccessible", "inaccessible")
        self.authenticated = self.directive_of("authenticated", "authenticated")
        self.requires_scopes = self.directive_of("requiresScopes", "requiresScopes")
        self.policy = self.directive_of("policy", "policy")
        self.context = self.directive_of("context", "context")
        # Demand control: the cost spec's own names, plus federation's when a composer kept those.
        self.cost = {self.directive_of("cost", "cost"), self.directive_of("federation", "cost")} - {None}
        self.list_size = {
            self.directive_of("cost", "listSize"),
            self.directive_of("federation", "listSize"),
        } - {None}
        self.join_directive = join.directive("directive")

    def cost_directive(self, d: DirectiveNode) -> tuple[str, dict[str, Any]] | None:
        """``("cost" | "listSize", arguments)`` for a cost directive, applied or via ``@join__directive``."""
        name = d.name.value
        if name in self.cost:
            return "cost", _args(d)
        if name in self.list_size:
            return "listSize", _args(d)
        if name == self.join_directive:
            args = _args(d)
            spec_name = str(args.get("name", "")).removeprefix("federation__")
            if spec_name in ("cost", "listSize") and isinstance(args.get("args"), dict):
                return spec_name, args["args"]
        return None

    def directive_of(self, spec: str, directive: str) -> str | None:
        for link in self._links:
            if link.spec == spec:
                return link.directive(directive)
        return None

    def internal_type(self, name: str) -> bool:
        return any(
            link.owns(name, is_directive=False) for link in self._links if link.spec in ("link", "join")
        )


def _args(directive: DirectiveNode) -> dict[str, Any]:
    return {a.name.value: value_from_ast_untyped(a.value) for a in directive.arguments or ()}


def _directives(element: Any) -> Iterable[DirectiveNode]:
    nodes = [getattr(element, "ast_node", None), *(getattr(element, "extension_ast_nodes", None) or ())]
    for node in nodes:
        if node is not None:
            yield from node.directives or ()


def _read_graphs(schema: GraphQLSchema, names: _Names) -> tuple[dict[str, str], dict[str, str]]:
    enum = schema.get_type(names.graph_enum)
    if not isinstance(enum, GraphQLEnumType):
        raise SupergraphError(f"the supergraph has no {names.graph_enum} enum listing its subgraphs")
    graphs: dict[str, str] = {}
    subgraphs: dict[str, str] = {}
    for value_name, value in enum.values.items():
        for d in _directives(value):
            if d.name.value == names.join_graph:
                args = _args(d)
                graphs[value_name] = str(args["name"])
                subgraphs[str(args["name"])] = str(args["url"])
        if value_name not in graphs:
            raise SupergraphError(f"{names.graph_enum}.{value_name} has no @{names.join_graph}(name:, url:)")
    return graphs, dict(sorted(subgraphs.items()))


def _graph(args: dict[str, Any], graphs: dict[str, str], where: str) -> str | None:
    value = args.get("graph")
    if value is None:
        return None
    if value not in graphs:
        raise SupergraphError(f"{where} names an unknown graph {value!r}")
    return graphs[value]


def _scopes(args: dict[str, Any], name: str = "scopes") -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(str(s) for s in group) for group in args.get(name) or ())


def _read_type(named: GraphQLNamedType, names: _Names, graphs: dict[str, str]) -> SupergraphType:
    kind: TypeKind
    if isinstance(named, GraphQLObjectType):
        kind = "object"
    elif isinstance(named, GraphQLInterfaceType):
        kind = "interface"
    elif isinstance(named, GraphQLUnionType):
        kind = "union"
    elif isinstance(named, GraphQLEnumType):
        kind = "enum"
    elif isinstance(named, GraphQLInputObjectType):
        kind = "input"
    else:
        kind = "scalar"
    where = f"type {named.name}"
    joins: list[TypeJoin] = []
    implements: dict[str, list[str]] = {}
    members: dict[str, list[str]] = {}
    contexts: list[str] = []
    for d in _directives(named):
        name = d.name.value
        args = _args(d)
        if name == names.join_type:
            graph = _graph(args, graphs, where)
            if graph is None:
                raise SupergraphError(f"@{name} on {named.name} has no graph")
            joins.append(
                TypeJoin(
                    graph=graph,
                    key=args.get("key"),
                    extension=bool(args.get("extension", False)),
                    resolvable=bool(args.get("resolvable", True)),
                    is_interface_object=bool(args.get("isInterfaceObject", False)),
                )
            )
        elif name == names.join_implements:
            graph = _graph(args, graphs, where)
            if graph is not None:
                implements.setdefault(graph, []).append(str(args["interface"]))
        elif name == names.join_union_member:
            graph = _graph(args, graphs, where)
            if graph is not None:
                members.setdefault(graph, []).append(str(args["member"]))
        elif name == names.context and isinstance(args.get("name"), str):
            contexts.append(args["name"])
    type_cost = _cost(named, names)
    fields: dict[str, SupergraphField] = {}
    if isinstance(named, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
        for field_name, f in named.fields.items():
            fields[field_name] = _read_field(named.name, field_name, f, names, graphs)
    enum_values: dict[str, tuple[str, ...]] = {}
    if isinstance(named, GraphQLEnumType):
        for value_name, value in named.values.items():
            enum_values[value_name] = tuple(
                g
                for d in _directives(value)
                if d.name.value == names.join_enum_value
                and (g := _graph(_args(d), graphs, f"{named.name}.{value_name}")) is not None
            )
    return SupergraphType(
        name=named.name,
        kind=kind,
        joins=tuple(joins),
        fields=MappingProxyType(fields),
        implements=MappingProxyType({g: tuple(v) for g, v in implements.items()}),
        union_members=MappingProxyType({g: tuple(v) for g, v in members.items()}),
        enum_values=MappingProxyType(enum_values),
        contexts=tuple(contexts),
        cost=type_cost,
        **_access(named, names),
    )


class _Access(TypedDict):
    inaccessible: bool
    authenticated: bool
    requires_scopes: tuple[tuple[str, ...], ...]
    policies: tuple[tuple[str, ...], ...]


def _access(node: Any, names: _Names) -> _Access:
    """The access metadata of a type or field: ``@inaccessible``, ``@authenticated``,
    ``@requiresScopes`` and ``@policy`` (as keyword arguments of its model)."""
    access: _Access = {
        "inaccessible": False,
        "authenticated": False,
        "requires_scopes": (),
        "policies": (),
    }
    for d in _directives(node):
        name = d.name.value
        if name == names.inaccessible:
            access["inaccessible"] = True
        elif name == names.authenticated:
            access["authenticated"] = True
        elif name == names.requires_scopes:
            access["requires_scopes"] = _scopes(_args(d))
        elif name == names.policy:
            access["policies"] = _scopes(_args(d), "policies")
    return access


def _read_field(
    type_name: str, field_name: str, f: Any, names: _Names, graphs: dict[str, str]
) -> SupergraphField:
    where = f"field {type_name}.{field_name}"
    joins: list[FieldJoin] = []
    for d in _directives(f):
        name = d.name.value
        args = _args(d)
        if name == names.join_field:
            joins.append(
                FieldJoin(
                    graph=_graph(args, graphs, where),
                    requires=args.get("requires"),
                    provides=args.get("provides"),
                    type=args.get("type"),
                    external=bool(args.get("external", False)),
                    override=args.get("override"),
                    override_label=args.get("overrideLabel"),
                    used_overridden=bool(args.get("usedOverridden", False)),
                    context_arguments=_context_arguments(args.get("contextArguments"), where),
                )
            )
    argument_costs = {
        arg_name: weight
        for arg_name, arg in (getattr(f, "args", None) or {}).items()
        if (weight := _cost(arg, names)) is not None
    }
    return SupergraphField(
        name=field_name,
        type=str(f.type),
        named_type=get_named_type(f.type).name,
        joins=tuple(joins),
        cost=_cost(f, names),
        list_size=_list_size(f, names),
        argument_costs=MappingProxyType(argument_costs),
        **_access(f, names),
    )


def _cost(element: Any, names: _Names) -> int | None:
    """``@cost(weight:)`` on a type, field or argument (the largest, should several apply)."""
    weights = [
        args["weight"]
        for d in _directives(element)
        if (found := names.cost_directive(d)) is not None and found[0] == "cost"
        for args in [found[1]]
        if isinstance(args.get("weight"), int)
    ]
    return max(weights) if weights else None


def _list_size(element: Any, names: _Names) -> ListSize | None:
    for d in _directives(element):
        found = names.cost_directive(d)
        if found is None or found[0] != "listSize":
            continue
        args = found[1]
        assumed = args.get("assumedSize")
        return ListSize(
            assumed_size=assumed if isinstance(assumed, int) else None,
            slicing_arguments=tuple(str(a) for a in args.get("slicingArguments") or ()),
            sized_fields=tuple(str(a) for a in args.get("sizedFields") or ()),
            require_one_slicing_argument=args.get("requireOneSlicingArgument", True) is not False,
        )
    return None


def _context_arguments(value: Any, where: str) -> tuple[ContextArgument, ...]:
    """``join__field(contextArguments:)`` (join v0.5) as model records."""
    out: list[ContextArgument] = []
    for item in value or ():
        if not isinstance(item, dict) or not all(
            isinstance(item.get(k), str) for k in _CONTEXT_ARGUMENT_KEYS
        ):
            raise SupergraphError(
                f"{where} has a contextArguments entry without {', '.join(_CONTEXT_ARGUMENT_KEYS)}"
            )
        out.append(
            ContextArgument(
                name=item["name"], type=item["type"], context=item["context"], selection=item["selection"]
            )
        )
    return tuple(out)


_CONTEXT_ARGUMENT_KEYS = ("name", "type", "context", "selection")


def _possible_types(
    types: dict[str, SupergraphType], schema: GraphQLSchema, graphs: tuple[str, ...]
) -> dict[tuple[str, str | None], tuple[str, ...]]:
    def in_graph(t: SupergraphType, graph: str) -> bool:
        return not t.joins or any(j.graph == graph for j in t.joins)

    out: dict[tuple[str, str | None], tuple[str, ...]] = {}
    for t in types.values():
        if t.kind == "object":
            out[(t.name, None)] = (t.name,)
            for g in graphs:
                if in_graph(t, g):
                    out[(t.name, g)] = (t.name,)
        elif t.kind == "union":
            st = schema.get_type(t.name)
            assert isinstance(st, GraphQLUnionType)
            out[(t.name, None)] = tuple(sorted(m.name for m in st.types))
            for g in graphs:
                if t.union_members:
                    out[(t.name, g)] = tuple(sorted(t.union_members.get(g, ())))
                elif in_graph(t, g):
                    out[(t.name, g)] = tuple(sorted(m.name for m in st.types if in_graph(types[m.name], g)))
        elif t.kind == "interface":
            st = schema.get_type(t.name)
            assert isinstance(st, GraphQLInterfaceType)
            impls = schema.get_implementations(st).objects
            out[(t.name, None)] = tuple(sorted(o.name for o in impls))
            for g in graphs:
                members = []
                for o in impls:
                    ot = types[o.name]
                    if ot.implements:
                        if t.name in ot.implements.get(g, ()):
                            members.append(o.name)
                    elif in_graph(ot, g) and in_graph(t, g):
                        members.append(o.name)
                out[(t.name, g)] = tuple(sorted(members))
    return out

"""Supergraph model -> supergraph SDL (join spec) and API schema SDL.

Implements the output side of the federation join spec (https://specs.apollo.dev/join): a
``join__Graph`` enum naming the subgraphs, ``@join__type`` per subgraph that defines a type
(one per ``@key``), ``@join__field`` where a field is not simply resolvable by every subgraph
that has its type, ``@join__implements``, ``@join__unionMember`` and ``@join__enumValue``.

The output is deterministic: types sorted by name (root types first), subgraphs sorted by name,
fields in first-seen order (subgraphs visited by name), so a committed supergraph can be compared
byte for byte.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from graphql.language.block_string import print_block_string
from graphql.language.print_string import print_string

from ._context import context_name_in_supergraph
from ._merge import MergedArgument, MergedEnumValue, MergedField, MergedType, Supergraph
from ._model import ROOT_TYPE_NAMES, Access, NamedType
from ._typeref import merge_input_types

__all__ = ["graph_enum_names", "join_version", "print_api_schema", "print_supergraph"]

_JOIN_BY_FEDERATION_MINOR = {7: "v0.4", 8: "v0.5", 9: "v0.5"}

_LINK_DEFINITIONS = '''\
directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) \
repeatable on SCHEMA

scalar link__Import

enum link__Purpose {
  """
  `SECURITY` features provide metadata necessary to securely resolve fields.
  """
  SECURITY
  """
  `EXECUTION` features provide metadata necessary for operation execution.
  """
  EXECUTION
}'''

_TAG_DEFINITION = (
    "directive @tag(name: String!) repeatable on FIELD_DEFINITION | OBJECT | INTERFACE | UNION"
    " | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION | SCHEMA"
)
_INACCESSIBLE_DEFINITION = (
    "directive @inaccessible on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ENUM | ENUM_VALUE"
    " | SCALAR | INPUT_OBJECT | INPUT_FIELD_DEFINITION | ARGUMENT_DEFINITION"
)


_COST_URL = "https://specs.apollo.dev/cost/v0.1"


def _cost_names(supergraph: Supergraph) -> dict[str, str]:
    """Names of ``@cost``/``@listSize`` in the supergraph: as the subgraphs applying them spell them.

    Empty when no subgraph applies either, and then the cost spec is not linked at all.
    """
    names: dict[str, str] = {}
    for name in sorted(supergraph.subgraphs):
        names.update(supergraph.subgraphs[name].cost_names)
    return names


def _cost_link(names: dict[str, str]) -> str:
    """The cost spec's ``@link``: ``@cost`` is the spec's own name, ``@listSize`` is imported."""
    imports = []
    if names.get("cost", "cost") != "cost":
        imports.append(f'{{ name: "@cost", as: "@{names["cost"]}" }}')
    if "listSize" in names:
        local = names["listSize"]
        imports.append('"@listSize"' if local == "listSize" else f'{{ name: "@listSize", as: "@{local}" }}')
    return f'@link(url: "{_COST_URL}"' + (f", import: [{', '.join(imports)}]" if imports else "") + ")"


def _cost_definitions(names: dict[str, str]) -> str:
    return (
        f"directive @{names.get('cost', 'cost')}(weight: Int!) on ARGUMENT_DEFINITION | ENUM | FIELD_DEFINITION"
        " | INPUT_FIELD_DEFINITION | OBJECT | SCALAR\n\n"
        f"directive @{names.get('listSize', 'listSize')}(\n  assumedSize: Int\n  slicingArguments: [String!]\n"
        "  sizedFields: [String!]\n  requireOneSlicingArgument: Boolean = true\n) on FIELD_DEFINITION"
    )


def _strings(values: tuple[str, ...]) -> str:
    return "[" + ", ".join(_quote(v) for v in values) + "]"


_CONTEXT_LINK = '@link(url: "https://specs.apollo.dev/context/v0.1", for: SECURITY)'
_CONTEXT_DEFINITIONS = (
    "directive @context(name: String!) repeatable on OBJECT | INTERFACE | UNION\n\n"
    "directive @context__fromContext(field: context__ContextFieldValue) on ARGUMENT_DEFINITION\n\n"
    "scalar context__ContextFieldValue"
)


def _uses_context(supergraph: Supergraph) -> bool:
    """Whether any subgraph sets a ``@context`` or reads one with ``@fromContext``."""
    for subgraph in supergraph.subgraphs.values():
        for named in subgraph.types.values():
            if named.contexts:
                return True
            if any(a.from_context for f in named.fields.values() for a in f.args.values()):
                return True
    return False


def _context_arguments(graph: str, f: MergedField) -> str | None:
    """``contextArguments`` of one subgraph's ``@join__field``: the arguments the router fills there."""
    entries = []
    for arg in f.by_graph[graph].args.values():
        reference = arg.from_context
        if reference is None or reference.context is None:
            continue
        entries.append(
            f"{{context: {_quote(context_name_in_supergraph(graph, reference.context))}, name: {_quote(arg.name)},"
            f" type: {_quote(_argument_type(f, arg.name))}, selection: {_quote(reference.selection)}}}"
        )
    return "[" + ", ".join(entries) + "]" if entries else None


def _argument_type(f: MergedField, name: str) -> str:
    """An argument's supergraph type across the subgraphs that define it (non-null wins)."""
    types = [field.args[name].type for field in f.by_graph.values() if name in field.args]
    merged = types[0]
    for other in types[1:]:
        merged = merge_input_types(merged, other)
    return merged


def join_version(supergraph: Supergraph) -> str:
    """Join spec version for the highest federation version any subgraph links (as the oracle does)."""
    minor = max((_minor(s.federation_version) for s in supergraph.subgraphs.values()), default=0)
    return _JOIN_BY_FEDERATION_MINOR.get(minor, "v0.3")


def _minor(version: str) -> int:
    major, _, minor = version.partition(".")
    return int(minor) if major == "2" else 0


def graph_enum_names(names: Iterable[str]) -> dict[str, str]:
    """Subgraph name -> ``join__Graph`` value: upper-cased, invalid characters as ``_``, unique."""
    result: dict[str, str] = {}
    used: set[str] = set()
    for name in sorted(names):
        value = re.sub(r"[^A-Za-z0-9_]", "_", name).upper()
        if value[:1].isdigit():
            value = "_" + value
        candidate, n = value, 1
        while candidate in used:
            candidate, n = f"{value}_{n}", n + 1
        used.add(candidate)
        result[name] = candidate
    return result


def _join_field_definition(version: str) -> str:
    extra = ""
    if version in ("v0.4", "v0.5"):
        extra += "\n  overrideLabel: String"
    if version == "v0.5":
        extra += "\n  contextArguments: [join__ContextArgument!]"
    return (
        "directive @join__field(\n  graph: join__Graph\n  requires: join__FieldSet\n  provides:"
        " join__FieldSet\n"
        "  type: String\n  external: Boolean\n  override: String\n  usedOverridden: Boolean"
        + extra
        + "\n) repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION"
    )


def _join_definitions(version: str) -> list[str]:
    definitions = [
        "directive @join__enumValue(graph: join__Graph!) repeatable on ENUM_VALUE",
        "directive @join__graph(name: String!, url: String!) on ENUM_VALUE",
        _join_field_definition(version),
    ]
    if version == "v0.5":
        definitions.append(
            "input join__ContextArgument {\n  name: String!\n  type: String!\n  context: String!\n"
            "  selection: join__FieldValue!\n}"
        )
    definitions += [
        "directive @join__implements(graph: join__Graph!, interface: String!) repeatable on OBJECT |"
        " INTERFACE",
        "directive @join__type(\n  graph: join__Graph!\n  key: join__FieldSet\n  extension: Boolean! ="
        " false\n"
        "  resolvable: Boolean! = true\n  isInterfaceObject: Boolean! = false\n"
        ") repeatable on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR",
        "directive @join__unionMember(graph: join__Graph!, member: String!) repeatable on UNION",
        "scalar join__FieldSet",
    ]
    if version == "v0.5":
        definitions.append("scalar join__FieldValue")
    return definitions


def _ordered_types(supergraph: Supergraph) -> list[MergedType]:
    roots = [supergraph.types[n] for n in ROOT_TYPE_NAMES if n in supergraph.types]
    rest = [t for name, t in sorted(supergraph.types.items()) if name not in ROOT_TYPE_NAMES]
    return roots + rest


def _description(text: str | None, indent: str) -> str:
    if not text:
        return ""
    printed = print_block_string(text) if "\n" in text or len(text) > 70 else print_string(text)
    return "\n".join(indent + line if line else line for line in printed.split("\n")) + "\n"


def _args(pairs: Iterable[tuple[str, str | None]]) -> str:
    present = [f"{k}: {v}" for k, v in pairs if v is not None]
    return f"({', '.join(present)})" if present else ""


def _quote(value: str) -> str:
    return print_string(value)


def _common_directives(
    element: MergedType | MergedField | MergedArgument | MergedEnumValue, *, api: bool
) -> list[str]:
    out: list[str] = []
    if not api:
        if element.inaccessible:
            out.append("@inaccessible")
        out += [f"@tag(name: {_quote(tag)})" for tag in sorted(element.tags)]
        if isinstance(element, MergedType | MergedField):
            out += _access_directives(element.access)
    deprecated = getattr(element, "deprecated", None)
    if deprecated is not None:
        out.append(
            "@deprecated"
            if deprecated == "No longer supported"
            else f"@deprecated(reason: {_quote(deprecated)})"
        )
    out += [d.printed for d in element.directives]
    return out


def _dnf(value: tuple[tuple[str, ...], ...]) -> str:
    return "[" + ", ".join("[" + ", ".join(_quote(v) for v in inner) + "]" for inner in value) + "]"


def _access_directives(access: Access) -> list[str]:
    out: list[str] = []
    if access.authenticated:
        out.append("@authenticated")
    if access.scopes:
        out.append(f"@requiresScopes(scopes: {_dnf(access.scopes)})")
    if access.policies:
        out.append(f"@policy(policies: {_dnf(access.policies)})")
    return out


_ACCESS_SPECS = (
    (
        "authenticated",
        '@link(url: "https://specs.apollo.dev/authenticated/v0.1", for: SECURITY)',
        "directive @authenticated on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM",
    ),
    (
        "scopes",
        '@link(url: "https://specs.apollo.dev/requiresScopes/v0.1", for: SECURITY)',
        "directive @requiresScopes(scopes: [[requiresScopes__Scope!]!]!)"
        " on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM\n\nscalar requiresScopes__Scope",
    ),
    (
        "policies",
        '@link(url: "https://specs.apollo.dev/policy/v0.1", for: SECURITY)',
        "directive @policy(policies: [[policy__Policy!]!]!)"
        " on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM\n\nscalar policy__Policy",
    ),
)


def _uses_access(supergraph: Supergraph, attribute: str) -> bool:
    for t in supergraph.types.values():
        if getattr(t.access, attribute) or any(getattr(f.access, attribute) for f in t.fields.values()):
            return True
    return False


@dataclass(slots=True)
class _Printer:
    supergraph: Supergraph
    graphs: dict[str, str]
    api: bool
    cost_names: dict[str, str]

    # -- cost spec -------------------------------------------------------------------------
    def cost(self, element: MergedType | MergedField | MergedArgument) -> list[str]:
        if self.api or element.cost is None:
            return []
        return [f"@{self.cost_names.get('cost', 'cost')}(weight: {element.cost})"]

    def list_size(self, t: MergedType, f: MergedField) -> list[str]:
        size = f.list_size
        if self.api or size is None:
            return []
        # As the oracle does: an interface field whose implementations slice too states the
        # requirement explicitly, so a reader of either sees the same rule.
        explicit = (
            t.kind == "INTERFACE"
            and bool(size.slicing_arguments)
            and any(
                (impl := self.supergraph.types[name].fields.get(f.name)) is not None
                and impl.list_size is not None
                and bool(impl.list_size.slicing_arguments)
                for name in self.supergraph.possible_types(t.name)
            )
        )
        require_one = size.require_one_slicing_argument
        return [
            f"@{self.cost_names.get('listSize', 'listSize')}"
            + _args(
                [
                    (
                        "requireOneSlicingArgument",
                        ("true" if require_one else "false") if explicit or not require_one else None,
                    ),
                    ("assumedSize", str(size.assumed_size) if size.assumed_size is not None else None),
                    (
                        "slicingArguments",
                        _strings(size.slicing_arguments) if size.slicing_arguments is not None else None,
                    ),
                    ("sizedFields", _strings(size.sized_fields) if size.sized_fields is not None else None),
                ]
            )
        ]

    # -- join directives -------------------------------------------------------------------
    def join_types(self, t: MergedType) -> list[str]:
        if self.api:
            return []
        out: list[str] = []
        graph_names = sorted(self.supergraph.subgraphs) if t.name == "Query" else sorted(t.by_graph)
        for graph in graph_names:
            named = t.by_graph.get(graph)
            enum = self.graphs[graph]
            if named is None or not named.keys or t.kind not in ("OBJECT", "INTERFACE"):
                out.append(f"@join__type(graph: {enum})")
                continue
            for key in named.keys:
                out.append(
                    "@join__type"
                    + _args(
                        [
                            ("graph", enum),
                            ("key", _quote(key.fields)),
                            ("extension", "true" if self._extension(graph, named) else None),
                            ("resolvable", None if key.resolvable else "false"),
                            ("isInterfaceObject", "true" if named.interface_object else None),
                        ]
                    )
                )
        if t.kind in ("OBJECT", "INTERFACE"):
            for graph in sorted(t.by_graph):
                for interface in t.by_graph[graph].interfaces:
                    out.append(
                        f"@join__implements(graph: {self.graphs[graph]}, interface: {_quote(interface)})"
                    )
        if t.kind == "UNION":
            for graph in sorted(t.by_graph):
                for member in t.by_graph[graph].members:
                    out.append(f"@join__unionMember(graph: {self.graphs[graph]}, member: {_quote(member)})")
        for graph in sorted(t.by_graph):
            out += [
                f"@context(name: {_quote(context_name_in_supergraph(graph, name))})"
                for name in t.by_graph[graph].contexts
            ]
        return out

    def _extension(self, graph: str, named: NamedType) -> bool:
        if self.supergraph.subgraphs[graph].is_fed1:
            return named.uses_extends
        return named.extension

    def join_fields(self, t: MergedType, f: MergedField) -> list[str]:
        """``@join__field``s of one field; none when every subgraph of the type resolves it plainly."""
        if self.api:
            return []
        if f.from_interface_object:
            return ["@join__field"]
        type_graphs = sorted(self.supergraph.subgraphs) if t.name == "Query" else sorted(t.by_graph)
        graphs = sorted(f.by_graph)
        # Not on Query: the oracle never records a subgraph's own type of a root query field
        # (Mutation's it does), and a root field's shape never meets another type's in a fetch.
        type_differs = t.name != "Query" and any(f.by_graph[g].type != f.type for g in graphs)
        overridden = {f.by_graph[g].override for g in graphs if f.by_graph[g].override}
        labels = {
            source: f.by_graph[g].override_label
            for g in graphs
            for source in [f.by_graph[g].override]
            if source and f.by_graph[g].override_label
        }
        entries: list[list[tuple[str, str | None]]] = []
        context_arguments = {g: _context_arguments(g, f) for g in graphs}
        needs_join = (
            graphs != type_graphs or type_differs or bool(overridden) or any(context_arguments.values())
        )
        for g in graphs:
            meta = f.by_graph[g]
            named = t.by_graph[g]
            used_as_key = (g, t.name, f.name) in self.supergraph.key_fields
            required = (g, t.name, f.name) in self.supergraph.required
            provided = (g, t.name, f.name) in self.supergraph.provided
            # A key field of an extension is external only in name: the reference carries it.
            key_of_extension = used_as_key and named.extension
            external = meta.external and (provided or not key_of_extension)
            if (meta.external and not key_of_extension) or meta.requires or meta.provides:
                needs_join = True
            used_overridden = g in overridden and used_as_key and not meta.external
            if g in overridden and not (labels.get(g) or used_overridden or (external and required)):
                continue  # the overriding subgraph resolves it now
            if (
                external
                and named.extension
                and not (meta.requires or meta.provides or type_differs or required or provided)
            ):
                continue  # an unused external of an extension says nothing about resolving
            label = meta.override_label or labels.get(g)
            entries.append(
                [
                    ("graph", self.graphs[g]),
                    ("requires", _quote(meta.requires) if meta.requires else None),
                    ("provides", _quote(meta.provides) if meta.provides else None),
                    ("type", _quote(meta.type) if type_differs else None),
                    ("external", "true" if external else None),
                    ("override", _quote(meta.override) if meta.override else None),
                    ("overrideLabel", _quote(label) if label else None),
                    ("usedOverridden", "true" if used_overridden else None),
                    ("contextArguments", context_arguments[g]),
                ]
            )
        if not needs_join:
            return []
        if len(entries) == 1 and len(type_graphs) == 1 and all(value is None for _, value in entries[0][1:]):
            return []  # the only subgraph of the type resolves the field plainly
        return ["@join__field" + _args(entry) for entry in entries]

    # -- elements ------------------------------------------------------------------------------
    def argument(self, arg: MergedArgument, indent: str) -> str:
        directives = self.cost(arg) + _common_directives(arg, api=self.api)
        default = f" = {arg.default}" if arg.default is not None else ""
        return (
            _description(arg.description, indent)
            + f"{indent}{arg.name}: {arg.type}{default}"
            + "".join(" " + d for d in directives)
        )

    def field(self, t: MergedType, f: MergedField) -> str:
        args = [a for a in f.args.values() if not (self.api and a.inaccessible)]
        if args and any(a.description for a in args):
            arg_text = "(\n" + "\n".join(self.argument(a, "    ") for a in args) + "\n  )"
        elif args:
            arg_text = "(" + ", ".join(self.argument(a, "") for a in args) + ")"
        else:
            arg_text = ""
        directives = (
            self.join_fields(t, f) + self.cost(f) + self.list_size(t, f) + _common_directives(f, api=self.api)
        )
        return (
            _description(f.description, "  ")
            + f"  {f.name}{arg_text}: {f.type}"
            + "".join(" " + d for d in directives)
        )

    def input_field(self, t: MergedType, f: MergedArgument) -> str:
        directives: list[str] = []
        type_differs = any(arg.type != f.type for arg in f.by_graph.values())
        if not self.api and (type_differs or sorted(f.by_graph) != sorted(t.by_graph)):
            directives = [
                "@join__field"
                + _args(
                    [
                        ("graph", self.graphs[g]),
                        ("type", _quote(f.by_graph[g].type) if type_differs else None),
                    ]
                )
                for g in sorted(f.by_graph)
            ]
        text = self.argument(f, "  ")
        return text + "".join(" " + d for d in directives)

    def enum_value(self, t: MergedType, v: MergedEnumValue) -> str:
        directives = (
            [] if self.api else [f"@join__enumValue(graph: {self.graphs[g]})" for g in sorted(v.graphs)]
        )
        directives += _common_directives(v, api=self.api)
        return _description(v.description, "  ") + f"  {v.name}" + "".join(" " + d for d in directives)

    def named_type(self, t: MergedType) -> str | None:
        if self.api and t.inaccessible:
            return None
        head_directives = self.join_types(t) + self.cost(t) + _common_directives(t, api=self.api)
        directives = "".join(" " + d for d in head_directives)
        description = _description(t.description, "")
        if t.kind in ("OBJECT", "INTERFACE"):
            keyword = "type" if t.kind == "OBJECT" else "interface"
            interfaces = [i for i in t.interfaces if not (self.api and self._inaccessible_type(i))]
            implements = f" implements {' & '.join(interfaces)}" if interfaces else ""
            fields = [self.field(t, f) for f in t.fields.values() if not (self.api and f.inaccessible)]
            return f"{description}{keyword} {t.name}{implements}{directives} {{\n" + "\n".join(fields) + "\n}"
        if t.kind == "UNION":
            members = [m for m in t.members if not (self.api and self._inaccessible_type(m))]
            return f"{description}union {t.name}{directives} = " + " | ".join(members)
        if t.kind == "ENUM":
            values = [self.enum_value(t, v) for v in t.values.values() if not (self.api and v.inaccessible)]
            return f"{description}enum {t.name}{directives} {{\n" + "\n".join(values) + "\n}"
        if t.kind == "INPUT_OBJECT":
            inputs = [
                self.input_field(t, f) for f in t.input_fields.values() if not (self.api and f.inaccessible)
            ]
            return f"{description}input {t.name}{directives} {{\n" + "\n".join(inputs) + "\n}"
        return f"{description}scalar {t.name}{directives}"

    def _inaccessible_type(self, name: str) -> bool:
        t = self.supergraph.types.get(name)
        return t is not None and t.inaccessible


def _uses(supergraph: Supergraph, attribute: str) -> bool:
    """Whether any element of the supergraph carries ``@inaccessible``/``@tag``."""
    for t in supergraph.types.values():
        elements: list[MergedType | MergedField | MergedArgument | MergedEnumValue] = [t]
        elements += t.fields.values()
        elements += [a for f in t.fields.values() for a in f.args.values()]
        elements += t.input_fields.values()
        elements += t.values.values()
        for element in elements:
            if attribute == "inaccessible" and element.inaccessible:
                return True
            if attribute == "tag" and element.tags:
                return True
    return False


def _root_operations(supergraph: Supergraph) -> str:
    lines = [f"  {name.lower()}: {name}" for name in ROOT_TYPE_NAMES if name in supergraph.types]
    return "{\n" + "\n".join(lines) + "\n}"


def print_supergraph(supergraph: Supergraph, *, composed_directives: list[str], links: list[str]) -> str:
    """The supergraph SDL: core/join ``@link``s, spec definitions, ``join__Graph``, the types."""
    version = join_version(supergraph)
    graphs = graph_enum_names(supergraph.subgraphs)
    uses_tag = _uses(supergraph, "tag")
    uses_inaccessible = _uses(supergraph, "inaccessible")
    schema_links = [
        '@link(url: "https://specs.apollo.dev/link/v1.0")',
        f'@link(url: "https://specs.apollo.dev/join/{version}", for: EXECUTION)',
    ]
    if uses_tag:
        schema_links.append('@link(url: "https://specs.apollo.dev/tag/v0.3")')
    if uses_inaccessible:
        schema_links.append('@link(url: "https://specs.apollo.dev/inaccessible/v0.2", for: SECURITY)')
    used_access = [spec for spec in _ACCESS_SPECS if _uses_access(supergraph, spec[0])]
    uses_context = _uses_context(supergraph)
    if uses_context:
        schema_links.append(_CONTEXT_LINK)
    cost_names = _cost_names(supergraph)
    if cost_names:
        schema_links.append(_cost_link(cost_names))
    schema_links += [link for _, link, _ in used_access]
    schema_links += links
    blocks = ["schema\n" + "".join(f"  {link}\n" for link in schema_links) + _root_operations(supergraph)]
    blocks += _join_definitions(version)
    if uses_context:
        blocks.append(_CONTEXT_DEFINITIONS)
    blocks.append(_LINK_DEFINITIONS)
    if uses_tag:
        blocks.append(_TAG_DEFINITION)
    if cost_names:
        blocks.append(_cost_definitions(cost_names))
    if uses_inaccessible:
        blocks.append(_INACCESSIBLE_DEFINITION)
    blocks += [definition for _, _, definition in used_access]
    blocks += composed_directives
    blocks.append(
        "enum join__Graph {\n"
        + "\n".join(
            f"  {graphs[name]} @join__graph(name: {_quote(name)}, url:"
            f" {_quote(supergraph.subgraphs[name].url)})"
            for name in sorted(supergraph.subgraphs)
        )
        + "\n}"
    )
    printer = _Printer(supergraph, graphs, api=False, cost_names=cost_names)
    blocks += [text for t in _ordered_types(supergraph) if (text := printer.named_type(t)) is not None]
    return "\n\n".join(blocks) + "\n"


def print_api_schema(supergraph: Supergraph, *, composed_directives: list[str]) -> str:
    """The API schema: what clients see; no join machinery, nothing ``@inaccessible``."""
    printer = _Printer(supergraph, graph_enum_names(supergraph.subgraphs), api=True, cost_names={})
    blocks = list(composed_directives)
    blocks += [text for t in _ordered_types(supergraph) if (text := printer.named_type(t)) is not None]
    return "\n\n".join(blocks) + "\n"

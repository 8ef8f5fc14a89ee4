"""Subgraph SDL -> :class:`~schema._model.Subgraph`: parse, resolve federation names, validate.

Implements the subgraph half of the federation spec: ``@link`` to
``https://specs.apollo.dev/federation/v2.x`` decides which directives a subgraph may use and
under which local names (``import``, ``as``, the ``federation__`` prefix); a subgraph without
that link is read with federation 1 semantics. The SDL is then validated as GraphQL with the
federation definitions supplied, so a subgraph need not (and usually does not) define them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any, cast

from graphql import (
    DirectiveDefinitionNode,
    DirectiveNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    EnumTypeExtensionNode,
    FieldDefinitionNode,
    GraphQLSyntaxError,
    InputObjectTypeDefinitionNode,
    InputObjectTypeExtensionNode,
    InputValueDefinitionNode,
    InterfaceTypeDefinitionNode,
    InterfaceTypeExtensionNode,
    NamedTypeNode,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    ScalarTypeDefinitionNode,
    ScalarTypeExtensionNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    TypeDefinitionNode,
    TypeExtensionNode,
    UnionTypeDefinitionNode,
    UnionTypeExtensionNode,
    build_ast_schema,
    parse,
    print_ast,
    validate_schema,
    value_from_ast_untyped,
)
from graphql.language import NameNode, Visitor, visit
from graphql.validation.validate import validate_sdl

from ._context import parse_context_reference
from ._model import (
    Access,
    AppliedDirective,
    Argument,
    ContextReference,
    DirectiveDefinition,
    EnumValue,
    Field,
    Key,
    LinkedSpec,
    ListSize,
    NamedType,
    Subgraph,
    TypeKind,
)
from .errors import CompositionError

__all__ = ["FEDERATION_DIRECTIVES", "parse_subgraph"]

_FEDERATION_URL = re.compile(r"^https?://specs\.apollo\.dev/federation/v(\d+)\.(\d+)/?$")
_LINK_URL = re.compile(r"^https?://specs\.apollo\.dev/link/v\d+\.\d+/?$")

#: Canonical federation directive -> (minimum federation 2 minor version, definition with ``{}``
#: standing for the local name). Argument types are loosened to ``_sg_Any`` because SDL
#: validation does not check values, and subgraphs never define ``FieldSet`` the same way.
FEDERATION_DIRECTIVES: dict[str, tuple[int, str]] = {
    "key": (
        0,
        "directive @{}(fields: _sg_Any!, resolvable: Boolean = true) repeatable on OBJECT | INTERFACE",
    ),
    "requires": (0, "directive @{}(fields: _sg_Any!) on FIELD_DEFINITION"),
    "provides": (0, "directive @{}(fields: _sg_Any!) on FIELD_DEFINITION"),
    "external": (0, "directive @{}(reason: String) on OBJECT | FIELD_DEFINITION"),
    "shareable": (0, "directive @{} repeatable on OBJECT | FIELD_DEFINITION"),
    "extends": (0, "directive @{} on OBJECT | INTERFACE"),
    "override": (0, "directive @{}(from: String!, label: String) on FIELD_DEFINITION"),
    "inaccessible": (
        0,
        "directive @{} on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR"
        " | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION",
    ),
    "tag": (
        0,
        "directive @{}(name: String!) repeatable on FIELD_DEFINITION | INTERFACE | OBJECT | UNION"
        " | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION |"
        " SCHEMA",
    ),
    "composeDirective": (1, "directive @{}(name: String!) repeatable on SCHEMA"),
    "interfaceObject": (3, "directive @{} on OBJECT"),
    "authenticated": (5, "directive @{} on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM"),
    "requiresScopes": (
        5,
        "directive @{}(scopes: [[_sg_Any!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM",
    ),
    "policy": (
        6,
        "directive @{}(policies: [[_sg_Any!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM",
    ),
    "context": (8, "directive @{}(name: String!) repeatable on INTERFACE | OBJECT | UNION"),
    "fromContext": (8, "directive @{}(field: _sg_Any) on ARGUMENT_DEFINITION"),
    "cost": (
        9,
        "directive @{}(weight: Int!) on ARGUMENT_DEFINITION | ENUM | FIELD_DEFINITION |"
        " INPUT_FIELD_DEFINITION"
        " | OBJECT | SCALAR",
    ),
    "listSize": (
        9,
        "directive @{}(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!],"
        " requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION",
    ),
}
_FED1_DIRECTIVES = ("key", "requires", "provides", "external", "extends", "tag", "inaccessible")
_LINK_DEFINITION = (
    "directive @link(url: String, as: String, for: _sg_Any, import: [_sg_Any]) repeatable on SCHEMA"
)

#: Types a subgraph carries for the federation machinery; they never reach the supergraph.
_MACHINERY_TYPES = frozenset(
    {
        "_Any",
        "_Entity",
        "_Service",
        "_FieldSet",
        "FieldSet",
        "_sg_Any",
        "link__Import",
        "link__Purpose",
        "federation__FieldSet",
        "federation__Scope",
        "federation__Policy",
        "federation__ContextFieldValue",
    }
)
_MACHINERY_QUERY_FIELDS = frozenset({"_entities", "_service"})

_KIND_BY_NODE: dict[type[Any], TypeKind] = {
    ObjectTypeDefinitionNode: "OBJECT",
    ObjectTypeExtensionNode: "OBJECT",
    InterfaceTypeDefinitionNode: "INTERFACE",
    InterfaceTypeExtensionNode: "INTERFACE",
    UnionTypeDefinitionNode: "UNION",
    UnionTypeExtensionNode: "UNION",
    EnumTypeDefinitionNode: "ENUM",
    EnumTypeExtensionNode: "ENUM",
    InputObjectTypeDefinitionNode: "INPUT_OBJECT",
    InputObjectTypeExtensionNode: "INPUT_OBJECT",
    ScalarTypeDefinitionNode: "SCALAR",
    ScalarTypeExtensionNode: "SCALAR",
}
_DEFINITION_BY_EXTENSION: dict[type[Any], type[Any]] = {
    ObjectTypeExtensionNode: ObjectTypeDefinitionNode,
    InterfaceTypeExtensionNode: InterfaceTypeDefinitionNode,
    UnionTypeExtensionNode: UnionTypeDefinitionNode,
    EnumTypeExtensionNode: EnumTypeDefinitionNode,
    InputObjectTypeExtensionNode: InputObjectTypeDefinitionNode,
    ScalarTypeExtensionNode: ScalarTypeDefinitionNode,
}
_BUILTIN_DIRECTIVES = frozenset({"deprecated", "specifiedBy", "include", "skip", "oneOf", "defer", "stream"})


class _Names:
    """Local name <-> canonical name of the federation directives one subgraph may use."""

    def __init__(self, local_by_canonical: dict[str, str]) -> None:
        self.local_by_canonical = local_by_canonical
        self.canonical_by_local = {local: canonical for canonical, local in local_by_canonical.items()}

    def canonical(self, local: str) -> str | None:
        return self.canonical_by_local.get(local)


def parse_subgraph(
    name: str, url: str, sdl: str, *, assume_federation_version: str | None = None
) -> tuple[Subgraph | None, list[CompositionError]]:
    """Parse and validate one subgraph; return its model, or ``None`` and the errors.

    ``assume_federation_version`` (e.g. ``"2.7"``) reads a subgraph without a federation
    ``@link`` as that federation 2 version with every directive imported under its bare name,
    as Apollo's ``composeAsFed2Subgraphs`` test helper does; by default such a subgraph is
    federation 1, which is what the spec and the oracle say.

    Implements the subgraph validation every federation composer performs before merging:
    the SDL must parse, every federation directive must be known in the linked version, and the
    resulting schema (with federation's definitions added) must be a valid GraphQL schema.
    """
    try:
        document = parse(sdl, no_location=False)
    except GraphQLSyntaxError as exc:
        return None, [_invalid(name, f"[{name}] the SDL does not parse: {exc.message}")]

    version, names, links, errors = _resolve_links(name, document, assume_federation_version)
    if errors:
        return None, errors
    document = _rename_root_types(document)
    document = _strip_machinery(document)
    document, extension_only = _definitions_for_lone_extensions(document)
    augmented = _augment(document, names)

    sdl_errors = validate_sdl(augmented)
    if sdl_errors:
        return None, [_invalid(name, f"[{name}] {error.message}") for error in sdl_errors]
    schema = build_ast_schema(augmented, assume_valid_sdl=True)
    schema_errors = [
        error for error in validate_schema(schema) if "Query root type must be provided" not in error.message
    ]
    if schema_errors:
        return None, [_invalid(name, f"[{name}] {error.message}") for error in schema_errors]

    composed = _composed_directive_names(document, names)
    subgraph = Subgraph(
        name=name,
        url=url,
        federation_version=version,
        types=_extract_types(document, names, extension_only, version, set(composed)),
        directive_definitions=_extract_directive_definitions(document, names),
        composed_directives=tuple(composed),
        links=tuple(links),
        cost_names=_cost_names(document, names),
        cost_imports=_cost_imports(document, names),
    )
    return subgraph, []


def _invalid(subgraph: str, message: str, coordinate: str | None = None) -> CompositionError:
    return CompositionError(code="INVALID_GRAPHQL", message=message, subgraph=subgraph, coordinate=coordinate)


def _schema_nodes(document: DocumentNode) -> list[SchemaDefinitionNode | SchemaExtensionNode]:
    return [d for d in document.definitions if isinstance(d, SchemaDefinitionNode | SchemaExtensionNode)]


def _directive_args(node: DirectiveNode) -> dict[str, Any]:
    return {arg.name.value: value_from_ast_untyped(arg.value) for arg in node.arguments or ()}


def _resolve_links(
    subgraph: str, document: DocumentNode, assume_federation_version: str | None = None
) -> tuple[str, _Names, list[LinkedSpec], list[CompositionError]]:
    """Read the schema's ``@link``s: federation version and the local name of each directive."""
    federation_link: dict[str, Any] | None = None
    minor = 0
    others: list[LinkedSpec] = []
    for schema_node in _schema_nodes(document):
        for directive in schema_node.directives or ():
            if directive.name.value != "link":
                continue
            args = _directive_args(directive)
            url = str(args.get("url", ""))
            match = _FEDERATION_URL.match(url)
            if match:
                federation_link = args
                minor = int(match.group(2))
            elif not _LINK_URL.match(url):
                imports = tuple(
                    (item if isinstance(item, str) else str(item.get("name", "")))
                    for item in args.get("import") or ()
                )
                others.append(LinkedSpec(url=url, imports=imports))
    if federation_link is None and assume_federation_version is not None:
        assumed_minor = int(assume_federation_version.lstrip("=v").split(".")[1])
        bare = {c: c for c, (since, _) in FEDERATION_DIRECTIVES.items() if since <= assumed_minor}
        return f"2.{assumed_minor}", _Names(bare), others, []
    if federation_link is None:
        return "1.0", _Names({name: name for name in _FED1_DIRECTIVES}), others, []

    errors: list[CompositionError] = []
    prefix = str(federation_link.get("as") or "federation")
    local_by_canonical = {canonical: f"{prefix}__{canonical}" for canonical in FEDERATION_DIRECTIVES}
    for item in federation_link.get("import") or ():
        if isinstance(item, str):
            imported, alias = item, item
        else:
            imported, alias = str(item.get("name", "")), str(item.get("as") or item.get("name", ""))
        if not imported.startswith("@"):
            continue  # imported types (FieldSet, Scope, ...) need no renaming here
        canonical = imported[1:]
        if canonical not in FEDERATION_DIRECTIVES:
            errors.append(
                CompositionError(
                    code="INVALID_LINK_DIRECTIVE_USAGE",
                    message=f'[{subgraph}] Cannot import unknown element "{imported}".',
                    subgraph=subgraph,
                    coordinate=imported,
                )
            )
            continue
        if FEDERATION_DIRECTIVES[canonical][0] > minor:
            errors.append(
                CompositionError(
                    code="INVALID_LINK_DIRECTIVE_USAGE",
                    message=(
                        f'[{subgraph}] Cannot import unknown element "{imported}": it needs federation'
                        f" v2.{FEDERATION_DIRECTIVES[canonical][0]} but the subgraph links v2.{minor}."
                    ),
                    subgraph=subgraph,
                    coordinate=imported,
                )
            )
            continue
        local_by_canonical[canonical] = alias[1:] if alias.startswith("@") else alias
    available = {c: local for c, local in local_by_canonical.items() if FEDERATION_DIRECTIVES[c][0] <= minor}
    return f"2.{minor}", _Names(available), others, errors


_COST_DIRECTIVES = ("cost", "listSize")


class _DirectiveNames(Visitor):
    """Collects the name of every directive application in a document."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def enter_directive(self, node: DirectiveNode, *_args: Any) -> None:
        self.names.add(node.name.value)


def _cost_names(document: DocumentNode, names: _Names) -> dict[str, str]:
    """The local names under which ``@cost``/``@listSize`` are applied (the supergraph reuses them)."""
    collector = _DirectiveNames()
    visit(document, collector)
    return {
        canonical: local
        for canonical in _COST_DIRECTIVES
        if (local := names.local_by_canonical.get(canonical)) is not None and local in collector.names
    }


def _cost_imports(document: DocumentNode, names: _Names) -> dict[str, str]:
    """``@cost``/``@listSize`` named in the federation ``@link``'s ``import`` (LINK_IMPORT_NAME_MISMATCH)."""
    imported: dict[str, str] = {}
    for schema_node in _schema_nodes(document):
        for directive in schema_node.directives or ():
            if directive.name.value != "link":
                continue
            args = _directive_args(directive)
            if not _FEDERATION_URL.match(str(args.get("url", ""))):
                continue
            for item in args.get("import") or ():
                name = item if isinstance(item, str) else str(item.get("name", ""))
                if name.removeprefix("@") in _COST_DIRECTIVES:
                    local = names.local_by_canonical.get(name.removeprefix("@"))
                    if local is not None:
                        imported[name.removeprefix("@")] = local
    return imported


def _strip_machinery(document: DocumentNode) -> DocumentNode:
    """Drop ``_Any``, ``_Entity``, ``_Service``, ``Query._entities`` and ``Query._service``.

    Subgraph frameworks (Strawberry included) print them in ``_service { sdl }``; they are
    subgraph plumbing, redefined by the router, never part of the supergraph.
    """
    definitions: list[Any] = []
    for definition in document.definitions:
        if isinstance(definition, SchemaDefinitionNode | SchemaExtensionNode):
            # Root types carry their canonical names by now (see _rename_root_types), so the
            # operation types add nothing and would dangle if an empty Query is dropped below.
            definitions.append(SchemaExtensionNode(directives=definition.directives, operation_types=()))
            continue
        name = getattr(getattr(definition, "name", None), "value", None)
        if name in _MACHINERY_TYPES:
            continue
        if (
            isinstance(definition, ObjectTypeDefinitionNode | ObjectTypeExtensionNode)
            and name == "Query"
            and any(f.name.value in _MACHINERY_QUERY_FIELDS for f in definition.fields or ())
        ):
            fields = tuple(f for f in definition.fields or () if f.name.value not in _MACHINERY_QUERY_FIELDS)
            if not fields and not definition.directives and not definition.interfaces:
                continue  # a subgraph with entities only: its Query held nothing but the machinery
            definition = type(definition)(**{**_node_kwargs(definition), "fields": fields})
        definitions.append(definition)
    return DocumentNode(definitions=tuple(definitions))


class _RootRenamer(Visitor):
    """Rewrites references to renamed root types (``RootQuery`` -> ``Query``)."""

    def __init__(self, renames: dict[str, str]) -> None:
        super().__init__()
        self.renames = renames

    def enter_name(self, node: NameNode, _key: Any, parent: Any, *_rest: Any) -> NameNode | None:
        if node.value in self.renames and isinstance(
            parent, NamedTypeNode | ObjectTypeDefinitionNode | ObjectTypeExtensionNode
        ):
            return NameNode(value=self.renames[node.value])
        return None


def _rename_root_types(document: DocumentNode) -> DocumentNode:
    """Give root types their canonical names: the supergraph has one ``Query``, whatever subgraphs call it.

    A subgraph may declare ``schema { query: RootQuery }``; the router and every other subgraph
    know that type as ``Query``, so it is renamed (with every reference) before anything else.
    """
    renames: dict[str, str] = {}
    for schema_node in _schema_nodes(document):
        for operation in schema_node.operation_types or ():
            canonical = operation.operation.value.capitalize()
            if operation.type.name.value != canonical:
                renames[operation.type.name.value] = canonical
    if not renames:
        return document
    renamed: DocumentNode = visit(document, _RootRenamer(renames))
    return renamed


def _node_kwargs(node: Any) -> dict[str, Any]:
    return {key: getattr(node, key) for key in node.keys}


def _definitions_for_lone_extensions(document: DocumentNode) -> tuple[DocumentNode, frozenset[str]]:
    """Turn ``extend type X`` without any ``type X`` into a definition, remembering it was one.

    Federation lets a subgraph extend a type it never defines (the type is defined elsewhere);
    plain GraphQL validation would reject that, so we validate the definition form instead.
    """
    defined = {d.name.value for d in document.definitions if isinstance(d, TypeDefinitionNode)}
    converted: set[str] = set()
    definitions = []
    for definition in document.definitions:
        if isinstance(definition, TypeExtensionNode) and definition.name.value not in defined:
            name = definition.name.value
            if name not in converted:
                converted.add(name)
                node_type = _DEFINITION_BY_EXTENSION[type(definition)]
                kwargs = _node_kwargs(definition)
                kwargs["description"] = None
                definition = node_type(**kwargs)
        definitions.append(definition)
    return DocumentNode(definitions=tuple(definitions)), frozenset(converted)


def _augment(document: DocumentNode, names: _Names) -> DocumentNode:
    """Add definitions of the federation directives the subgraph did not define itself."""
    defined_directives = {
        d.name.value for d in document.definitions if isinstance(d, DirectiveDefinitionNode)
    }
    defined_types = {d.name.value for d in document.definitions if isinstance(d, TypeDefinitionNode)}
    extra: list[str] = []
    if "_sg_Any" not in defined_types:
        extra.append("scalar _sg_Any")
    if "link" not in defined_directives:
        extra.append(_LINK_DEFINITION)
    for canonical, local in names.local_by_canonical.items():
        if local not in defined_directives:
            extra.append(FEDERATION_DIRECTIVES[canonical][1].format(local))
    additions = _parse_definitions("\n".join(extra))
    # A subgraph without a query type but with a schema definition is fine for federation.
    return DocumentNode(definitions=(*document.definitions, *additions.definitions))


@lru_cache(maxsize=64)
def _parse_definitions(sdl: str) -> DocumentNode:
    """Parse the federation definitions; cached since most subgraphs need the very same text."""
    return parse(sdl, no_location=True)


def _composed_directive_names(document: DocumentNode, names: _Names) -> list[str]:
    local = names.local_by_canonical.get("composeDirective")
    composed: list[str] = []
    for schema_node in _schema_nodes(document):
        for directive in schema_node.directives or ():
            if local is not None and directive.name.value == local:
                value = _directive_args(directive).get("name")
                if isinstance(value, str):
                    composed.append(value.removeprefix("@"))
    return composed


def _extract_directive_definitions(document: DocumentNode, names: _Names) -> dict[str, DirectiveDefinition]:
    definitions: dict[str, DirectiveDefinition] = {}
    for node in document.definitions:
        if not isinstance(node, DirectiveDefinitionNode):
            continue
        name = node.name.value
        if names.canonical(name) is not None or name == "link":
            continue
        definitions[name] = DirectiveDefinition(
            name=name,
            args={arg.name.value: _argument(arg, names, frozenset()) for arg in node.arguments or ()},
            locations=tuple(loc.value for loc in node.locations),
            repeatable=node.repeatable,
            printed=print_ast(DirectiveDefinitionNode(**{**_node_kwargs(node), "description": None})),
            description=node.description.value if node.description else None,
        )
    return definitions


class _Directives:
    """The directive applications on one element, looked up by canonical federation name."""

    def __init__(self, nodes: Iterable[DirectiveNode], names: _Names, composed: frozenset[str]) -> None:
        self.by_canonical: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.applied: list[AppliedDirective] = []
        self.deprecated: str | None = None
        for node in nodes:
            local = node.name.value
            canonical = names.canonical(local)
            if canonical is not None:
                self.by_canonical[canonical].append(_directive_args(node))
            elif local == "deprecated":
                reason = _directive_args(node).get("reason")
                self.deprecated = str(reason) if reason is not None else "No longer supported"
            elif local in composed:
                self.applied.append(AppliedDirective(name=local, printed=print_ast(node)))

    def has(self, canonical: str) -> bool:
        return canonical in self.by_canonical

    def first(self, canonical: str, arg: str) -> Any:
        applications = self.by_canonical.get(canonical)
        return applications[0].get(arg) if applications else None

    def tags(self) -> tuple[str, ...]:
        return tuple(str(a.get("name")) for a in self.by_canonical.get("tag", ()))

    def access(self) -> Access:
        def dnf(canonical: str, arg: str) -> tuple[tuple[str, ...], ...]:
            value = self.first(canonical, arg)
            if not isinstance(value, list):
                return ()
            return tuple(tuple(str(v) for v in inner) for inner in value if isinstance(inner, list))

        return Access(
            authenticated=self.has("authenticated"),
            scopes=dnf("requiresScopes", "scopes"),
            policies=dnf("policy", "policies"),
        )

    def cost(self) -> int | None:
        weight = self.first("cost", "weight")
        return weight if isinstance(weight, int) and not isinstance(weight, bool) else None

    def list_size(self) -> ListSize | None:
        """``@listSize`` as given; a value of the wrong type is kept as ``malformed`` for the rule."""
        applications = self.by_canonical.get("listSize")
        if not applications:
            return None
        args = applications[0]
        assumed, slicing, sized = (
            args.get("assumedSize"),
            args.get("slicingArguments"),
            args.get("sizedFields"),
        )
        require_one = args.get("requireOneSlicingArgument", True)
        malformed = None
        if assumed is not None and (not isinstance(assumed, int) or isinstance(assumed, bool)):
            malformed, assumed = "assumedSize", None
        elif slicing is not None and not _strings(slicing):
            malformed, slicing = "slicingArguments", None
        elif sized is not None and not _strings(sized):
            malformed, sized = "sizedFields", None
        elif not isinstance(require_one, bool):
            malformed, require_one = "requireOneSlicingArgument", True
        return ListSize(
            assumed_size=assumed,
            slicing_arguments=tuple(slicing) if slicing is not None else None,
            sized_fields=tuple(sized) if sized is not None else None,
            require_one_slicing_argument=require_one,
            malformed=malformed,
        )


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _argument(node: InputValueDefinitionNode, names: _Names, composed: frozenset[str]) -> Argument:
    directives = _Directives(node.directives or (), names, composed)
    return Argument(
        name=node.name.value,
        type=print_ast(node.type),
        default=print_ast(node.default_value) if node.default_value is not None else None,
        description=node.description.value if node.description else None,
        deprecated=directives.deprecated,
        inaccessible=directives.has("inaccessible"),
        tags=directives.tags(),
        directives=tuple(directives.applied),
        from_context=_from_context(directives),
        cost=directives.cost(),
    )


def _from_context(directives: _Directives) -> ContextReference | None:
    if not directives.has("fromContext"):
        return None
    field = directives.first("fromContext", "field")
    return parse_context_reference(field if isinstance(field, str) else "")


def _extract_types(
    document: DocumentNode,
    names: _Names,
    extension_only: frozenset[str],
    version: str,
    composed_names: set[str],
) -> dict[str, NamedType]:
    composed = frozenset(composed_names)
    nodes_by_name: dict[str, list[Any]] = defaultdict(list)
    for definition in document.definitions:
        if isinstance(definition, TypeDefinitionNode | TypeExtensionNode):
            nodes_by_name[definition.name.value].append(definition)
    types: dict[str, NamedType] = {}
    for type_name, nodes in nodes_by_name.items():
        types[type_name] = _named_type(
            type_name, nodes, names, type_name in extension_only, version, composed
        )
    return types


def _named_type(
    type_name: str,
    nodes: Sequence[Any],
    names: _Names,
    lone_extension: bool,
    version: str,
    composed: frozenset[str],
) -> NamedType:
    kind = _KIND_BY_NODE[type(nodes[0])]
    all_directives = [d for node in nodes for d in node.directives or ()]
    directives = _Directives(all_directives, names, composed)
    description = next((n.description.value for n in nodes if getattr(n, "description", None)), None)
    extension = lone_extension or directives.has("extends")
    keys = tuple(
        Key(fields=str(args.get("fields", "")), resolvable=args.get("resolvable", True) is not False)
        for args in directives.by_canonical.get("key", ())
    )
    type_shareable = directives.has("shareable")
    type_external = directives.has("external")
    fed1 = version == "1.0"
    key_field_names: set[str] = set()
    if kind == "OBJECT":
        from ._fieldset import FieldSetError, parse_field_set

        for key in keys:
            try:
                selection_set = parse_field_set(key.fields)
            except FieldSetError:
                continue
            key_field_names.update(s.name.value for s in selection_set.selections if hasattr(s, "name"))

    fields: dict[str, Field] = {}
    input_fields: dict[str, Argument] = {}
    values: dict[str, EnumValue] = {}
    interfaces: list[str] = []
    members: list[str] = []
    for node in nodes:
        for interface in getattr(node, "interfaces", None) or ():
            if interface.name.value not in interfaces:
                interfaces.append(interface.name.value)
        for member in getattr(node, "types", None) or ():
            if isinstance(member, NamedTypeNode) and member.name.value not in members:
                members.append(member.name.value)
        if kind in ("OBJECT", "INTERFACE"):
            for field_node in cast(Sequence[FieldDefinitionNode], node.fields or ()):
                fields[field_node.name.value] = _field(
                    field_node,
                    names,
                    composed,
                    shareable=type_shareable or fed1 or field_node.name.value in key_field_names,
                    external=type_external,
                )
        elif kind == "INPUT_OBJECT":
            for input_node in node.fields or ():
                input_fields[input_node.name.value] = _argument(input_node, names, composed)
        elif kind == "ENUM":
            for value_node in node.values or ():
                value_directives = _Directives(value_node.directives or (), names, composed)
                values[value_node.name.value] = EnumValue(
                    name=value_node.name.value,
                    description=value_node.description.value if value_node.description else None,
                    deprecated=value_directives.deprecated,
                    inaccessible=value_directives.has("inaccessible"),
                    tags=value_directives.tags(),
                    directives=tuple(value_directives.applied),
                )
    return NamedType(
        name=type_name,
        kind=kind,
        description=description,
        extension=extension,
        uses_extends=directives.has("extends"),
        keys=keys,
        shareable=type_shareable,
        inaccessible=directives.has("inaccessible"),
        interface_object=directives.has("interfaceObject"),
        tags=directives.tags(),
        interfaces=tuple(interfaces),
        fields=fields,
        input_fields=input_fields,
        members=tuple(members),
        values=values,
        access=directives.access(),
        directives=tuple(directives.applied),
        contexts=tuple(
            str(args["name"])
            for args in directives.by_canonical.get("context", ())
            if isinstance(args.get("name"), str) and kind in ("OBJECT", "INTERFACE", "UNION")
        ),
        cost=directives.cost(),
    )


def _field(
    node: FieldDefinitionNode, names: _Names, composed: frozenset[str], *, shareable: bool, external: bool
) -> Field:
    directives = _Directives(node.directives or (), names, composed)
    override = directives.first("override", "from")
    label = directives.first("override", "label")
    return Field(
        name=node.name.value,
        type=print_ast(node.type),
        args={arg.name.value: _argument(arg, names, composed) for arg in node.arguments or ()},
        description=node.description.value if node.description else None,
        deprecated=directives.deprecated,
        external=external or directives.has("external"),
        shareable=shareable or directives.has("shareable"),
        inaccessible=directives.has("inaccessible"),
        tags=directives.tags(),
        requires=_optional_str(directives.first("requires", "fields")),
        provides=_optional_str(directives.first("provides", "fields")),
        override=_optional_str(override),
        override_label=_optional_str(label),
        access=directives.access(),
        directives=tuple(directives.applied),
        cost=directives.cost(),
        list_size=directives.list_size(),
    )


def _optional_str(value: Any) -> str | None:
    return None if value is None else str(value)

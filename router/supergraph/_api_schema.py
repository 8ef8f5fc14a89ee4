"""Derive the API schema (what clients see) from a supergraph document.

Follows the federation "API schema" rules: remove the elements of the linked federation specs
(``link``, ``join``, ``inaccessible``, ``tag``, ``authenticated``, ... definitions and applications)
and every ``@inaccessible`` type, field, argument, input field and enum value, and the arguments a
``@join__field(contextArguments:)`` says the router fills (``@fromContext``; composers that keep them
in the supergraph mark them ``@inaccessible``, others drop them). Directives of other
linked specs (custom ones kept by ``@composeDirective``) stay: clients may use them.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from graphql import DocumentNode, GraphQLError, build_ast_schema, value_from_ast_untyped
from graphql.language import ast

from .errors import SupergraphSyntaxError

if TYPE_CHECKING:
    from graphql import GraphQLSchema

    from ._links import Link

__all__ = ["FEDERATION_SPECS", "build_api_schema"]

FEDERATION_SPECS = frozenset(
    {
        "authenticated",
        "context",
        "core",
        "cost",
        "federation",
        "inaccessible",
        "join",
        "link",
        "policy",
        "requiresScopes",
        "tag",
    }
)
"""Specs whose elements are router metadata, never part of the API schema."""


def build_api_schema(
    document: DocumentNode, links: tuple[Link, ...], inaccessible: str | None
) -> GraphQLSchema:
    """Build the API schema from the supergraph ``document``; ``inaccessible`` is the local directive name."""

    federation = tuple(link for link in links if link.spec in FEDERATION_SPECS)
    join_field = next((link.directive("field") for link in links if link.spec == "join"), None)

    def spec_directive(name: str) -> bool:
        return any(link.owns(name, is_directive=True) for link in federation)

    def spec_type(name: str) -> bool:
        return any(link.owns(name, is_directive=False) for link in federation)

    def hidden(node: Any) -> bool:
        return inaccessible is not None and any(
            d.name.value == inaccessible for d in getattr(node, "directives", None) or ()
        )

    def keep_directives(node: Any) -> tuple[ast.DirectiveNode, ...]:
        return tuple(d for d in getattr(node, "directives", None) or () if not spec_directive(d.name.value))

    hidden_types = {
        d.name.value
        for d in document.definitions
        if isinstance(d, ast.TypeDefinitionNode | ast.TypeExtensionNode) and hidden(d)
    }

    def visible_type_ref(type_node: ast.TypeNode) -> bool:
        while isinstance(type_node, ast.ListTypeNode | ast.NonNullTypeNode):
            type_node = type_node.type
        assert isinstance(type_node, ast.NamedTypeNode)
        return type_node.name.value not in hidden_types

    def clean_args(
        args: Any, contextual: frozenset[str] = frozenset()
    ) -> tuple[ast.InputValueDefinitionNode, ...]:
        return tuple(
            _copy(a, directives=keep_directives(a))
            for a in args or ()
            if not hidden(a) and visible_type_ref(a.type) and a.name.value not in contextual
        )

    def contextual_args(field: ast.FieldDefinitionNode) -> frozenset[str]:
        return frozenset(
            str(entry["name"])
            for d in field.directives or ()
            if d.name.value == join_field
            for a in d.arguments or ()
            if a.name.value == "contextArguments"
            for entry in value_from_ast_untyped(a.value) or ()
            if isinstance(entry, dict) and "name" in entry
        )

    definitions: list[ast.DefinitionNode] = []
    for d in document.definitions:
        if isinstance(d, ast.SchemaDefinitionNode | ast.SchemaExtensionNode):
            definitions.append(_copy(d, directives=()))
            continue
        if isinstance(d, ast.DirectiveDefinitionNode):
            if not spec_directive(d.name.value):
                definitions.append(_copy(d, arguments=clean_args(d.arguments)))
            continue
        if not isinstance(d, ast.TypeDefinitionNode | ast.TypeExtensionNode):
            continue
        name = d.name.value
        if name in hidden_types or spec_type(name):
            continue
        changes: dict[str, Any] = {"directives": keep_directives(d)}
        if isinstance(
            d,
            ast.ObjectTypeDefinitionNode
            | ast.InterfaceTypeDefinitionNode
            | ast.ObjectTypeExtensionNode
            | ast.InterfaceTypeExtensionNode,
        ):
            changes["fields"] = tuple(
                _copy(f, directives=keep_directives(f), arguments=clean_args(f.arguments, contextual_args(f)))
                for f in d.fields or ()
                if not hidden(f) and visible_type_ref(f.type)
            )
            changes["interfaces"] = tuple(i for i in d.interfaces or () if i.name.value not in hidden_types)
        elif isinstance(d, ast.InputObjectTypeDefinitionNode | ast.InputObjectTypeExtensionNode):
            changes["fields"] = clean_args(d.fields)
        elif isinstance(d, ast.EnumTypeDefinitionNode | ast.EnumTypeExtensionNode):
            changes["values"] = tuple(
                _copy(v, directives=keep_directives(v)) for v in d.values or () if not hidden(v)
            )
        elif isinstance(d, ast.UnionTypeDefinitionNode | ast.UnionTypeExtensionNode):
            changes["types"] = tuple(t for t in d.types or () if t.name.value not in hidden_types)
        definitions.append(_copy(d, **changes))
    try:
        return build_ast_schema(DocumentNode(definitions=tuple(definitions)))
    except (GraphQLError, TypeError) as exc:
        raise SupergraphSyntaxError(f"cannot build the API schema from the supergraph: {exc}") from exc


def _copy(node: Any, **changes: Any) -> Any:
    """A copy of an AST node with some attributes replaced (graphql-core 3.3 nodes are frozen dataclasses)."""
    return dataclasses.replace(node, **{k: v for k, v in changes.items() if hasattr(node, k)})

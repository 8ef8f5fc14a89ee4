"""Subgraph schemas of the fixtures as the subgraphs would serve them (for validating fetches).

Each fixture subgraph SDL gets the federation directive definitions, ``_Any``, the ``_Entity`` union
of its resolvable entities and ``Query._entities``, like a federation v2 subgraph library adds.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from graphql import GraphQLSchema, build_schema, parse
from graphql.language import ast

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"

FEDERATION = """
scalar _Any
scalar FieldSet
directive @key(fields: FieldSet!, resolvable: Boolean = true) repeatable on OBJECT | INTERFACE
directive @external on FIELD_DEFINITION | OBJECT
directive @requires(fields: FieldSet!) on FIELD_DEFINITION
directive @provides(fields: FieldSet!) on FIELD_DEFINITION
directive @shareable repeatable on OBJECT | FIELD_DEFINITION
directive @override(from: String!, label: String) on FIELD_DEFINITION
directive @inaccessible on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ENUM | ENUM_VALUE | SCALAR
  | INPUT_OBJECT | INPUT_FIELD_DEFINITION | ARGUMENT_DEFINITION
directive @interfaceObject on OBJECT
directive @authenticated on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
directive @requiresScopes(scopes: [[String!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
directive @context(name: String!) repeatable on OBJECT | INTERFACE | UNION
directive @fromContext(field: String) on ARGUMENT_DEFINITION
"""


@cache
def subgraph_schema(fixture: str, subgraph: str) -> GraphQLSchema:
    sdl = (FIXTURES / fixture / f"{subgraph}.graphql").read_text()
    document = parse(sdl)
    entities = sorted(
        d.name.value
        for d in document.definitions
        if isinstance(d, ast.ObjectTypeDefinitionNode) and _resolvable_key(d)
    )
    has_query = any(
        isinstance(d, ast.ObjectTypeDefinitionNode) and d.name.value == "Query" for d in document.definitions
    )
    extra = FEDERATION
    if entities:
        extra += f"union _Entity = {' | '.join(entities)}\n"
        extra += (
            "extend " if has_query else ""
        ) + "type Query { _entities(representations: [_Any!]!): [_Entity]! }\n"
    return build_schema(sdl + extra)


def _resolvable_key(node: ast.ObjectTypeDefinitionNode) -> bool:
    for d in node.directives or ():
        if d.name.value != "key":
            continue
        resolvable = next((a.value for a in d.arguments or () if a.name.value == "resolvable"), None)
        if not (isinstance(resolvable, ast.BooleanValueNode) and not resolvable.value):
            return True
    return False

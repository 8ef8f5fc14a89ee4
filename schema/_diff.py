"""API schema diff: which changes break clients, which might, which are safe.

Breaking and dangerous changes come from graphql-core's ``find_breaking_changes`` and
``find_dangerous_changes`` (the graphql-js classification: removing a field or type, changing a
type incompatibly, adding a required argument break clients; adding an enum value or an
optional argument, changing a default, might). Safe changes (additions) are ours, so a CI log
shows the whole picture, not only the alarming part.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    build_schema,
    find_breaking_changes,
    find_dangerous_changes,
)

__all__ = ["Change", "diff_api_schemas"]

Severity = Literal["BREAKING", "DANGEROUS", "SAFE"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    """One difference between two API schemas."""

    severity: Severity
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"severity": self.severity, "code": self.code, "message": self.message}


def diff_api_schemas(old_sdl: str, new_sdl: str) -> list[Change]:
    """Changes from ``old_sdl`` to ``new_sdl`` (both API schemas), breaking first, then sorted."""
    old = build_schema(old_sdl, assume_valid_sdl=True)
    new = build_schema(new_sdl, assume_valid_sdl=True)
    changes = [
        Change(severity="BREAKING", code=c.type.name, message=c.description)
        for c in find_breaking_changes(old, new)
    ]
    changes += [
        Change(severity="DANGEROUS", code=c.type.name, message=c.description)
        for c in find_dangerous_changes(old, new)
    ]
    changes += _additions(old, new)
    order = {"BREAKING": 0, "DANGEROUS": 1, "SAFE": 2}
    return sorted(set(changes), key=lambda c: (order[c.severity], c.code, c.message))


def _user_types(schema: GraphQLSchema) -> dict[str, GraphQLNamedType]:
    return {name: t for name, t in schema.type_map.items() if not name.startswith("__")}


def _additions(old: GraphQLSchema, new: GraphQLSchema) -> list[Change]:
    old_types, new_types = _user_types(old), _user_types(new)
    changes: list[Change] = []
    for name in sorted(set(new_types) - set(old_types)):
        changes.append(Change(severity="SAFE", code="TYPE_ADDED", message=f"Type {name} was added."))
    for name in sorted(set(new_types) & set(old_types)):
        old_type, new_type = old_types[name], new_types[name]
        if isinstance(old_type, GraphQLObjectType | GraphQLInterfaceType) and isinstance(
            new_type, GraphQLObjectType | GraphQLInterfaceType
        ):
            for field_name in sorted(set(new_type.fields) - set(old_type.fields)):
                changes.append(
                    Change(
                        severity="SAFE", code="FIELD_ADDED", message=f"Field {name}.{field_name} was added."
                    )
                )
        elif isinstance(old_type, GraphQLInputObjectType) and isinstance(new_type, GraphQLInputObjectType):
            for field_name in sorted(set(new_type.fields) - set(old_type.fields)):
                if not new_type.fields[field_name].type.__class__.__name__.startswith("GraphQLNonNull"):
                    changes.append(
                        Change(
                            severity="SAFE",
                            code="INPUT_FIELD_ADDED",
                            message=f"Input field {name}.{field_name} was added.",
                        )
                    )
        elif isinstance(old_type, GraphQLEnumType) and isinstance(new_type, GraphQLEnumType):
            pass  # a new enum value is DANGEROUS (graphql-core reports it)
    return changes

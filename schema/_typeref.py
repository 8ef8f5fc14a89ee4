"""Type references as text (``[Int!]!``): parse, compare and merge them.

Federation merges a field's type across subgraphs by nullability: an output field takes the
most permissive form (nullable wins, so every subgraph's value fits), an argument or input
field the most restrictive (non-null wins, so every subgraph gets a value). That is easiest on
a tiny tree of ``("list"|"named", non_null, inner)`` rather than on graphql-core nodes.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["TypeRef", "merge_input_types", "merge_output_types", "named_type", "parse_type_ref"]


@dataclass(frozen=True, slots=True)
class TypeRef:
    """``name`` for a named type, ``of_type`` for a list; ``non_null`` for the trailing ``!``."""

    non_null: bool
    name: str | None = None
    of_type: TypeRef | None = None

    def __str__(self) -> str:
        text = self.name if self.name is not None else f"[{self.of_type}]"
        return text + ("!" if self.non_null else "")

    def same_shape(self, other: TypeRef) -> bool:
        """Same named type and list nesting, nullability aside."""
        if self.name is not None or other.name is not None:
            return self.name == other.name
        assert self.of_type is not None and other.of_type is not None
        return self.of_type.same_shape(other.of_type)


def parse_type_ref(text: str) -> TypeRef:
    """Parse ``[Int!]!`` into a :class:`TypeRef`."""
    text = text.strip()
    non_null = text.endswith("!")
    if non_null:
        text = text[:-1].strip()
    if text.startswith("["):
        return TypeRef(non_null=non_null, of_type=parse_type_ref(text[1:-1]))
    return TypeRef(non_null=non_null, name=text)


def named_type(text: str) -> str:
    """The named type at the bottom of a type reference: ``[User!]!`` -> ``User``."""
    return text.replace("[", "").replace("]", "").replace("!", "").strip()


def _merge(a: TypeRef, b: TypeRef, *, non_null_wins: bool) -> TypeRef:
    non_null = (a.non_null or b.non_null) if non_null_wins else (a.non_null and b.non_null)
    if a.name is not None:
        return TypeRef(non_null=non_null, name=a.name)
    assert a.of_type is not None and b.of_type is not None
    return TypeRef(non_null=non_null, of_type=_merge(a.of_type, b.of_type, non_null_wins=non_null_wins))


def merge_output_types(a: str, b: str) -> str:
    """Supergraph type of an output field defined as ``a`` and ``b``: nullable wins."""
    return str(_merge(parse_type_ref(a), parse_type_ref(b), non_null_wins=False))


def merge_input_types(a: str, b: str) -> str:
    """Supergraph type of an argument or input field defined as ``a`` and ``b``: non-null wins."""
    return str(_merge(parse_type_ref(a), parse_type_ref(b), non_null_wins=True))

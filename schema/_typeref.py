"""Type references as text (``[Int!]!``): parse, compare and merge them.

Federation merges a field's type across subgraphs: an output field takes the most general of
the subgraphs' types, one every other is a subtype of (:func:`output_supertype`: nullable over
non-null, an interface or union over its implementations and members, so every subgraph's value
fits); an argument or input field the most restrictive nullability (non-null wins, so every
subgraph gets a value).
That is easiest on a tiny tree of ``("list"|"named", non_null, inner)`` rather than on
graphql-core nodes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

__all__ = [
    "TypeRef",
    "is_output_subtype",
    "merge_input_types",
    "named_type",
    "output_supertype",
    "parse_type_ref",
]

#: ``named_subtype(sub, sup)``: whether named type ``sub`` implements or is a member of ``sup``.
NamedSubtype = Callable[[str, str], bool]


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


def merge_input_types(a: str, b: str) -> str:
    """Supergraph type of an argument or input field defined as ``a`` and ``b``: non-null wins."""
    return str(_merge(parse_type_ref(a), parse_type_ref(b), non_null_wins=True))


def is_output_subtype(sub: TypeRef, sup: TypeRef, named_subtype: NamedSubtype) -> bool:
    """Whether a value of type ``sub`` is always a valid value of output type ``sup``.

    GraphQL's "IsSubType" for output positions (spec, "Field Selection Merging" and
    "IsValidImplementationFieldType"): ``T!`` fits ``T``, lists are covariant in their items, and
    an object fits an interface it implements or a union it belongs to. A list never fits a
    single value or the other way round.
    """
    if sup.non_null and not sub.non_null:
        return False
    if sup.name is not None:
        return sub.name is not None and (sub.name == sup.name or named_subtype(sub.name, sup.name))
    if sub.of_type is None:
        return False
    assert sup.of_type is not None
    return is_output_subtype(sub.of_type, sup.of_type, named_subtype)


def output_supertype(a: str, b: str, named_subtype: NamedSubtype) -> str | None:
    """The more general of output types ``a`` and ``b``; ``None`` when neither is a subtype of the other.

    Federation keeps one of the subgraphs' own types (it does not invent a common supertype), so
    ``Book`` and ``Movie`` do not merge even when both implement ``Media``.
    """
    ref_a, ref_b = parse_type_ref(a), parse_type_ref(b)
    if is_output_subtype(ref_b, ref_a, named_subtype):
        return a
    if is_output_subtype(ref_a, ref_b, named_subtype):
        return b
    return None

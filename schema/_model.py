"""The subgraph model: what composition needs to know about one subgraph, federation-aware.

A subgraph SDL is parsed once (:mod:`schema._subgraph`) into these immutable records; every rule
and the merge read them instead of re-walking AST nodes. Directive names are already resolved
from their local spelling (imports, ``as`` renames, ``federation__`` prefixes) to the canonical
federation names, so rules never care how a subgraph spelled ``@key``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

TypeKind = Literal["OBJECT", "INTERFACE", "UNION", "ENUM", "INPUT_OBJECT", "SCALAR"]

ROOT_TYPE_NAMES: tuple[str, ...] = ("Query", "Mutation", "Subscription")


@dataclass(frozen=True, slots=True, kw_only=True)
class AppliedDirective:
    """A non-federation directive application kept for the supergraph (``@composeDirective``)."""

    name: str
    printed: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Access:
    """``@authenticated``, ``@requiresScopes`` and ``@policy`` on a type or field (federation 2.5/2.6).

    Scopes and policies are in disjunctive normal form: the outer tuple is OR, the inner AND.
    """

    authenticated: bool = False
    scopes: tuple[tuple[str, ...], ...] = ()
    policies: tuple[tuple[str, ...], ...] = ()

    def merged(self, other: Access) -> Access:
        """Both must hold: OR-of-ANDs conjoined pairwise (the supergraph is as strict as any subgraph)."""
        return Access(
            authenticated=self.authenticated or other.authenticated,
            scopes=_conjoin(self.scopes, other.scopes),
            policies=_conjoin(self.policies, other.policies),
        )


def _conjoin(a: tuple[tuple[str, ...], ...], b: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, ...], ...]:
    if not a or a == b:
        return b
    if not b:
        return a
    combined = {tuple(sorted(set(x) | set(y))) for x in a for y in b}
    return tuple(sorted(combined))


@dataclass(frozen=True, slots=True, kw_only=True)
class ListSize:
    """``@listSize`` on a list field (federation 2.9, cost spec v0.1; IBM's GraphQL Cost Directive).

    ``None`` for an argument that was not given (the supergraph prints only what was).
    ``malformed`` names the argument whose value has the wrong GraphQL type, for the rule to report.
    """

    assumed_size: int | None = None
    slicing_arguments: tuple[str, ...] | None = None
    sized_fields: tuple[str, ...] | None = None
    require_one_slicing_argument: bool = True
    malformed: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Key:
    """One ``@key(fields:, resolvable:)`` of an entity in a subgraph."""

    fields: str
    resolvable: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class ContextReference:
    """``@fromContext(field: "$name selection")`` on an argument (federation 2.8, context spec).

    ``context`` is ``None`` when ``field`` does not start with ``$name`` (NO_CONTEXT_IN_SELECTION);
    ``selection`` is kept verbatim because the supergraph's ``contextArguments`` carry it as written.
    """

    field: str
    context: str | None
    selection: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Argument:
    """An argument of a field, or a field of an input object (same merge rules)."""

    name: str
    type: str
    default: str | None = None
    description: str | None = None
    deprecated: str | None = None
    inaccessible: bool = False
    tags: tuple[str, ...] = ()
    directives: tuple[AppliedDirective, ...] = ()
    #: Set when the router, not the client, supplies this argument (``@fromContext``).
    from_context: ContextReference | None = None
    #: ``@cost(weight:)`` (federation 2.9).
    cost: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Field:
    """A field of an object or interface type in one subgraph, with its federation directives."""

    name: str
    type: str
    args: Mapping[str, Argument] = field(default_factory=dict)
    description: str | None = None
    deprecated: str | None = None
    external: bool = False
    shareable: bool = False
    inaccessible: bool = False
    tags: tuple[str, ...] = ()
    requires: str | None = None
    provides: str | None = None
    override: str | None = None
    override_label: str | None = None
    access: Access = field(default_factory=lambda: Access())
    directives: tuple[AppliedDirective, ...] = ()
    #: ``@cost(weight:)`` and ``@listSize`` (federation 2.9).
    cost: int | None = None
    list_size: ListSize | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class EnumValue:
    """A value of an enum type in one subgraph."""

    name: str
    description: str | None = None
    deprecated: str | None = None
    inaccessible: bool = False
    tags: tuple[str, ...] = ()
    directives: tuple[AppliedDirective, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class NamedType:
    """A named type as one subgraph defines it (definition and extensions folded together)."""

    name: str
    kind: TypeKind
    description: str | None = None
    extension: bool = False
    #: ``@extends`` was applied (federation 1 only counts that, not ``extend type``, as an extension).
    uses_extends: bool = False
    keys: tuple[Key, ...] = ()
    shareable: bool = False
    inaccessible: bool = False
    interface_object: bool = False
    tags: tuple[str, ...] = ()
    interfaces: tuple[str, ...] = ()
    fields: Mapping[str, Field] = field(default_factory=dict)
    input_fields: Mapping[str, Argument] = field(default_factory=dict)
    members: tuple[str, ...] = ()
    values: Mapping[str, EnumValue] = field(default_factory=dict)
    access: Access = field(default_factory=lambda: Access())
    directives: tuple[AppliedDirective, ...] = ()
    #: Names this type sets with ``@context(name:)`` for ``@fromContext`` arguments below it.
    contexts: tuple[str, ...] = ()
    #: ``@cost(weight:)`` on an object, scalar or enum type (federation 2.9).
    cost: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DirectiveDefinition:
    """A custom directive definition in a subgraph (federation's own are not listed)."""

    name: str
    args: Mapping[str, Argument]
    locations: tuple[str, ...]
    repeatable: bool
    printed: str
    description: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class LinkedSpec:
    """A non-federation ``@link`` that a subgraph's ``@composeDirective`` relies on."""

    url: str
    imports: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Subgraph:
    """One validated subgraph: its name, URL, federation version and types.

    ``federation_version`` is ``"1.0"`` for subgraphs without a federation ``@link`` (federation
    1 semantics: every field is shareable) and ``"2.x"`` otherwise.
    """

    name: str
    url: str
    federation_version: str
    types: Mapping[str, NamedType]
    directive_definitions: Mapping[str, DirectiveDefinition] = field(default_factory=dict)
    composed_directives: tuple[str, ...] = ()
    links: tuple[LinkedSpec, ...] = ()
    #: Local names of ``@cost``/``@listSize`` where the subgraph applies them (``"cost"`` -> ``"weight"``).
    cost_names: Mapping[str, str] = field(default_factory=dict)
    #: ``@cost``/``@listSize`` as the federation ``@link`` imports them (canonical -> local name).
    cost_imports: Mapping[str, str] = field(default_factory=dict)

    @property
    def is_fed1(self) -> bool:
        """Federation 1 subgraphs get implicit ``@shareable`` everywhere."""
        return self.federation_version == "1.0"

    def is_entity(self, type_name: str) -> bool:
        """Whether ``type_name`` has at least one ``@key`` here."""
        t = self.types.get(type_name)
        return t is not None and bool(t.keys)

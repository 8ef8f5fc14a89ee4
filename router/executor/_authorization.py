"""``@authenticated``, ``@requiresScopes`` and ``@policy``: fields a request may not see, removed
before planning.

Implements the Apollo federation ``authenticated`` v0.1, ``requiresScopes`` v0.1 and ``policy`` v0.1
specs as the router enforces them: the router, not each subgraph, decides from the supergraph which fields a
request's verified claims (None = anonymous) may reach, so a subgraph is never called for data the
client may not have. Per request this is

    claims -> auth key (cache key) -> filtered document (planned) + denied field nodes (shaped)

The filtered document is the client's document with every unauthorized field removed (a selection
set left empty keeps ``__typename`` so the document stays valid); the planner plans that one. The
response is still shaped from the client's own operation: a denied field becomes ``null`` with one
``UNAUTHORIZED`` error at its concrete path (list indices included), and a null in a non-null
position bubbles up as the spec's 'Handling Field Errors' says. Everything else of the query runs.

A field is denied when the requirement of the field itself, of the type it is selected on, or of
the type it returns is not met; on an interface, the same field of every possible object type
counts too (the data may come from any of them). ``requiresScopes(scopes: [[a, b], [c]])`` is met by
``a AND b`` or by ``c``, and implies ``@authenticated``. ``policy(policies: [[a, b], [c]])`` reads the
same way over the names of the policies the request satisfies, which the router computes from the
verified claims with its configured rules (``_policies.py``); a policy the configuration does not
define is never satisfied (fail closed), and one no anonymous request satisfies.

The result is cached per (document, operation, auth key), where the auth key keeps only what the
requirements can tell apart (anonymous, or the scopes the supergraph mentions that the token has
and the policies it mentions that the claims satisfy), so tokens that differ in nothing the
supergraph asks about share one plan.
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from graphql import (
    REMOVE,
    FieldNode,
    GraphQLInterfaceType,
    GraphQLUnionType,
    NameNode,
    SelectionSetNode,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    get_named_type,
    visit,
)

from ._policies import Policies
from ._response_errors import ErrorCode

if TYPE_CHECKING:
    from collections.abc import Hashable, Mapping

    from graphql import (
        DocumentNode,
        GraphQLCompositeType,
        GraphQLOutputType,
        GraphQLSchema,
    )


__all__ = [
    "UNAUTHORIZED",
    "UNSET",
    "AuthorizationPolicy",
    "Authorized",
    "Claims",
    "Unset",
]

#: ``extensions.code`` of the error at each field removed for lack of authorization.
UNAUTHORIZED: Final = ErrorCode.UNAUTHORIZED

log = logging.getLogger("router.authorization")

_SIGN_IN = "Unauthorized field or type: sign in to see it."
_MISSING_SCOPE = "Unauthorized field or type: the access token lacks a required scope."
_POLICY_NOT_MET = "Unauthorized field or type: the request does not satisfy a required policy."


class Unset(enum.Enum):
    """'Not given' where ``None`` already means something (an anonymous request)."""

    UNSET = "UNSET"


UNSET: Final = Unset.UNSET


@dataclass(frozen=True, slots=True, kw_only=True)
class Claims:
    """The verified claims of a request's access token, as the executor needs them.

    The HTTP edge verifies the token (signature, algorithm, expiry, issuer, audience) and builds
    this; the executor trusts it and only compares scopes. ``extra`` keeps the other verified claims
    (role, expiry) so the edge can forward them to subgraphs without a second decode.
    """

    subject: str
    scopes: frozenset[str] = frozenset()
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class _Requirement:
    authenticated: bool = False
    scopes: tuple[frozenset[str], ...] = ()
    policies: tuple[frozenset[str], ...] = ()

    def denial(self, claims: Claims | None, satisfied: frozenset[str]) -> str | None:
        """Why ``claims`` (satisfying the policies ``satisfied``) do not meet this, or None."""
        if claims is None:
            return _SIGN_IN if self.authenticated or self.scopes or self.policies else None
        if self.scopes and not any(required <= claims.scopes for required in self.scopes):
            return _MISSING_SCOPE
        if self.policies and not any(required <= satisfied for required in self.policies):
            return _POLICY_NOT_MET
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class Authorized:
    """A document with the unauthorized fields removed, and those fields' nodes with the message
    each one's error gets (keyed by ``id`` of the client's original ``FieldNode``)."""

    document: DocumentNode
    denied: Mapping[int, str]


class AuthorizationPolicy:
    """The ``@authenticated``/``@requiresScopes``/``@policy`` requirements of one supergraph, read once.

    Built from anything with the supergraph model's ``types`` and ``possible_types`` (a view without
    them, e.g. a test double, has no requirements and the policy is off). ``policies`` are the
    configured rules of ``@policy`` names; without them no policy is ever satisfied.
    """

    def __init__(self, supergraph: Any, *, policies: Policies | None = None) -> None:
        types: Mapping[str, Any] = getattr(supergraph, "types", None) or {}
        self._types: dict[str, _Requirement] = {}
        self._fields: dict[tuple[str, str], _Requirement] = {}
        mentioned: set[str] = set()
        for type_name, model in types.items():
            requirement = _requirement(model)
            if requirement is not None:
                self._types[type_name] = requirement
            for field_name, field_model in getattr(model, "fields", {}).items():
                field_requirement = _requirement(field_model)
                if field_requirement is not None:
                    self._fields[(type_name, field_name)] = field_requirement
        used_policies: set[str] = set()
        for requirement in (*self._types.values(), *self._fields.values()):
            for scopes in requirement.scopes:
                mentioned |= scopes
            for names in requirement.policies:
                used_policies |= names
        self._scopes = frozenset(mentioned)
        self._policy_names = frozenset(used_policies)
        self._rules = policies or Policies()
        self._possible = getattr(supergraph, "possible_types", None)
        if undefined := sorted(self._policy_names - self._rules.names):
            log.warning(
                "the supergraph uses @policy names that ROUTER_POLICIES does not define, so they are "
                "never satisfied and what they protect is denied to every request: %s",
                ", ".join(undefined),
            )

    @property
    def undefined_policies(self) -> frozenset[str]:
        """``@policy`` names of the supergraph without a configured rule (never satisfied)."""
        return self._policy_names - self._rules.names

    @property
    def enabled(self) -> bool:
        """Whether the supergraph has any requirement at all (if not, nothing is ever denied)."""
        return bool(self._types or self._fields)

    def auth_key(self, claims: Claims | None) -> Hashable:
        """What of ``claims`` can change the verdict: the cache key part of a prepared operation."""
        if not self.enabled:
            return None
        if claims is None:
            return "anonymous"
        if not self._policy_names:
            return claims.scopes & self._scopes
        return (claims.scopes & self._scopes, self._satisfied(claims))

    def _satisfied(self, claims: Claims | None) -> frozenset[str]:
        return self._rules.satisfied(claims, self._policy_names) if self._policy_names else frozenset()

    def authorize(self, schema: GraphQLSchema, document: DocumentNode, claims: Claims | None) -> Authorized:
        """The document without the fields ``claims`` may not see (the same object when none)."""
        if not self.enabled:
            return Authorized(document=document, denied={})
        type_info = TypeInfo(schema)
        remover = _RemoveDenied(self, claims, self._satisfied(claims), type_info)
        filtered = visit(document, TypeInfoVisitor(type_info, remover))
        if not remover.denied:
            return Authorized(document=document, denied={})
        return Authorized(document=filtered, denied=remover.denied)

    def denial(
        self,
        parent: GraphQLCompositeType | None,
        field_name: str,
        field_type: GraphQLOutputType | None,
        claims: Claims | None,
        satisfied: frozenset[str] = frozenset(),
    ) -> str | None:
        """The error message when ``parent.field_name`` is denied to ``claims`` (which satisfy the
        policies ``satisfied``), else None."""
        if parent is None or field_name.startswith("__"):
            return None
        coordinates = [parent.name]
        if isinstance(parent, GraphQLInterfaceType | GraphQLUnionType) and self._possible is not None:
            coordinates.extend(self._possible(parent.name, None))
        requirements: list[_Requirement] = []
        for type_name in coordinates:
            if (type_requirement := self._types.get(type_name)) is not None and type_name == parent.name:
                requirements.append(type_requirement)
            if (field_requirement := self._fields.get((type_name, field_name))) is not None:
                requirements.append(field_requirement)
        if field_type is not None:
            returned = self._types.get(get_named_type(field_type).name)
            if returned is not None:
                requirements.append(returned)
        for requirement in requirements:
            if (message := requirement.denial(claims, satisfied)) is not None:
                return message
        return None


def _requirement(model: Any) -> _Requirement | None:
    authenticated = bool(getattr(model, "authenticated", False))
    scopes = tuple(frozenset(group) for group in getattr(model, "requires_scopes", ()) or ())
    policies = tuple(frozenset(group) for group in getattr(model, "policies", ()) or ())
    if not authenticated and not scopes and not policies:
        return None
    return _Requirement(authenticated=authenticated or bool(scopes), scopes=scopes, policies=policies)


class _RemoveDenied(Visitor):
    """Drops denied fields; a selection set left empty gets ``__typename`` to stay valid."""

    def __init__(
        self,
        policy: AuthorizationPolicy,
        claims: Claims | None,
        satisfied: frozenset[str],
        type_info: TypeInfo,
    ) -> None:
        super().__init__()
        self._policy = policy
        self._claims = claims
        self._satisfied = satisfied
        # Shared with the wrapping ``TypeInfoVisitor``, which keeps it in step (also on removal).
        self._type_info = type_info
        self.denied: dict[int, str] = {}

    def enter_field(self, node: FieldNode, *_args: Any) -> Any:
        parent = self._type_info.get_parent_type()
        definition = self._type_info.get_field_def()
        message = self._policy.denial(
            parent,
            node.name.value,
            definition.type if definition is not None else None,
            self._claims,
            self._satisfied,
        )
        if message is None:
            return None
        self.denied[id(node)] = message
        return REMOVE

    def leave_selection_set(self, node: SelectionSetNode, *_args: Any) -> Any:
        if node.selections:
            return None
        return SelectionSetNode(selections=(FieldNode(name=NameNode(value="__typename")),))

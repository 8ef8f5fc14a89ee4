"""Query plan nodes: what the planner produces and the executor runs.

A plan is plain immutable data. It serialises to JSON with a ``kind`` field and camelCase keys (the
field names other federation routers use, so plans can be compared), and has a deterministic
indented text form (``router.planner.print_plan``) that ``supergraph plan`` prints and tests snapshot.

Node kinds:

- ``Fetch``: one request to one subgraph. A root fetch sends ``operation`` as is; an entity fetch
  (``requires`` is not empty) sends ``operation`` with ``$representations`` built from the
  response at the enclosing ``Flatten`` path.
- ``Flatten``: runs its child fetch at a path of the response merged so far. A root fetch (no
  ``requires``) in a ``Flatten`` is a root type re-entry: a plain ``query`` whose data belongs in
  the ``Query`` objects at the path (e.g. a mutation payload's ``query`` field); it is sent once and
  merged into each of them.
- ``Sequence``: children one after another. ``Parallel``: children concurrently.
- ``Condition``: ``ifClause`` when the boolean variable ``condition`` is true, else ``elseClause``.
- ``Defer``: an operation with ``@defer`` fragments (incremental delivery): ``primary`` fetches what
  the first response needs (everything outside deferred fragments, plus the keys the deferred parts
  start from); each ``DeferredNode`` then fetches one deferred fragment, once what it ``depends`` on
  (the primary, or the deferred part around it) has run. Only ever the root of a plan.
- ``Subscription``: a subscription operation: ``primary`` is the root fetch of the subscription to
  the one subgraph that owns its root field (kept open: each event it sends is one result), and
  ``rest`` the plan run on each event's data (entity fetches for fields of other subgraphs), as in
  Apollo Router's ``SubscriptionNode``. Only ever the root of a plan.

Flatten paths are tuples of segments: a response key (``"order"``), ``"@"`` for every item of a
list, or a type filter ``"|[Book,Movie]"`` that keeps only objects whose ``__typename`` is listed.
Rewrite paths use response keys and ``"... on T"`` segments, as in the federation plan format.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

__all__ = [
    "Condition",
    "Defer",
    "DeferredNode",
    "Fetch",
    "FieldSelection",
    "Flatten",
    "FragmentSelection",
    "KeyRenamer",
    "Parallel",
    "PlanNode",
    "QueryPlan",
    "Rewrite",
    "Selection",
    "Sequence",
    "Subscription",
    "ValueSetter",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class FieldSelection:
    """A field in a ``requires`` selection (what a representation carries)."""

    name: str
    alias: str | None = None
    selections: tuple[Selection, ...] = ()

    @property
    def response_key(self) -> str:
        return self.alias or self.name

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": "Field", "name": self.name}
        if self.alias:
            out["alias"] = self.alias
        if self.selections:
            out["selections"] = [s.to_json() for s in self.selections]
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class FragmentSelection:
    """An inline fragment in a ``requires`` selection: applies to objects of ``type_condition``."""

    type_condition: str
    selections: tuple[Selection, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": "InlineFragment",
            "typeCondition": self.type_condition,
            "selections": [s.to_json() for s in self.selections],
        }


Selection: TypeAlias = FieldSelection | FragmentSelection


@dataclass(frozen=True, slots=True, kw_only=True)
class ValueSetter:
    """Set the value at ``path`` to ``set_value_to`` (e.g. ``__typename`` of an interface object)."""

    path: tuple[str, ...]
    set_value_to: Any

    def to_json(self) -> dict[str, Any]:
        return {"kind": "ValueSetter", "path": list(self.path), "setValueTo": self.set_value_to}


@dataclass(frozen=True, slots=True, kw_only=True)
class KeyRenamer:
    """Rename the response key at ``path`` to ``rename_key_to`` (undo an internal alias)."""

    path: tuple[str, ...]
    rename_key_to: str

    def to_json(self) -> dict[str, Any]:
        return {"kind": "KeyRenamer", "path": list(self.path), "renameKeyTo": self.rename_key_to}


Rewrite: TypeAlias = ValueSetter | KeyRenamer

OperationKind: TypeAlias = Literal["query", "mutation", "subscription"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Fetch:
    """One request to one subgraph.

    ``operation`` is the complete GraphQL document sent to the subgraph. For an entity fetch,
    ``requires`` is the selection projected out of each object at the Flatten path to form a
    representation, and the operation takes ``$representations: [_Any!]!``.
    ``variable_usages`` names the client variables forwarded with the request.
    ``context_rewrites`` fill ``@fromContext`` arguments (join spec v0.5 ``contextArguments``): each
    ``KeyRenamer`` reads, from an entity's position, the value at ``path`` (``..`` goes up one object
    of the response, ``... on T`` keeps only objects of type T, then response keys) and sends it as the
    operation variable ``rename_key_to``; several rewrites for one variable are alternatives, the
    first that finds a value wins.
    """

    service_name: str
    operation: str
    operation_kind: OperationKind = "query"
    operation_name: str | None = None
    variable_usages: tuple[str, ...] = ()
    requires: tuple[Selection, ...] = ()
    input_rewrites: tuple[Rewrite, ...] = ()
    output_rewrites: tuple[Rewrite, ...] = ()
    context_rewrites: tuple[KeyRenamer, ...] = ()
    # Human-readable selection sets for the text form (the operation stays the source of truth).
    requires_text: str = ""
    selection_text: str = ""

    @property
    def is_entity_fetch(self) -> bool:
        return bool(self.requires)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": "Fetch",
            "serviceName": self.service_name,
            "operationKind": self.operation_kind,
            "operation": self.operation,
            "variableUsages": list(self.variable_usages),
        }
        if self.operation_name:
            out["operationName"] = self.operation_name
        if self.requires:
            out["requires"] = [s.to_json() for s in self.requires]
        if self.input_rewrites:
            out["inputRewrites"] = [r.to_json() for r in self.input_rewrites]
        if self.output_rewrites:
            out["outputRewrites"] = [r.to_json() for r in self.output_rewrites]
        if self.context_rewrites:
            out["contextRewrites"] = [r.to_json() for r in self.context_rewrites]
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class Flatten:
    """Run ``node`` (a Fetch) at ``path`` of the response merged so far: an entity fetch of the objects
    there, or (``node`` has no ``requires``) a root query merged into each ``Query`` object there."""

    path: tuple[str, ...]
    node: Fetch

    def to_json(self) -> dict[str, Any]:
        return {"kind": "Flatten", "path": list(self.path), "node": self.node.to_json()}


@dataclass(frozen=True, slots=True, kw_only=True)
class Sequence:
    nodes: tuple[PlanNode, ...]

    def to_json(self) -> dict[str, Any]:
        return {"kind": "Sequence", "nodes": [n.to_json() for n in self.nodes]}


@dataclass(frozen=True, slots=True, kw_only=True)
class Parallel:
    nodes: tuple[PlanNode, ...]

    def to_json(self) -> dict[str, Any]:
        return {"kind": "Parallel", "nodes": [n.to_json() for n in self.nodes]}


@dataclass(frozen=True, slots=True, kw_only=True)
class Condition:
    """Branch on a boolean variable (``@skip``/``@include`` with a variable)."""

    condition: str
    if_clause: PlanNode | None = None
    else_clause: PlanNode | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": "Condition",
            "condition": self.condition,
            "ifClause": self.if_clause.to_json() if self.if_clause else None,
            "elseClause": self.else_clause.to_json() if self.else_clause else None,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class DeferredNode:
    """One deferred fragment: where it is, what it selects, and the plan that fetches it.

    ``id`` numbers the operation's active ``@defer`` fragments in document order; ``depends`` is the
    ``id`` of the deferred fragment it is nested in (None: it waits for the primary only).
    ``query_path`` leads, in response keys and ``"@"`` for list items, to the objects the fragment
    applies to (of type ``parent_type``); ``subselection`` is the fragment as the client wrote it,
    without its ``@defer`` (the executor shapes each deferred payload from it). ``node`` is None when
    nothing is left to fetch: the primary fetched the fields (no entity key or root to start from),
    and only their delivery is deferred.
    """

    id: str
    label: str | None = None
    query_path: tuple[str, ...] = ()
    parent_type: str
    subselection: str
    depends: str | None = None
    node: PlanNode | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "depends": [{"id": self.depends}] if self.depends is not None else [],
            "label": self.label,
            "queryPath": list(self.query_path),
            "parentType": self.parent_type,
            "subselection": self.subselection,
            "node": self.node.to_json() if self.node else None,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Defer:
    """The primary part of an operation with ``@defer``, then its deferred parts (``DeferredNode``)."""

    primary: PlanNode | None = None
    deferred: tuple[DeferredNode, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": "Defer",
            "primary": {"node": self.primary.to_json() if self.primary else None},
            "deferred": [d.to_json() for d in self.deferred],
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Subscription:
    """The root subscription fetch, and the plan that completes each of its events."""

    primary: Fetch
    rest: PlanNode | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": "Subscription",
            "primary": self.primary.to_json(),
            "rest": self.rest.to_json() if self.rest else None,
        }


PlanNode: TypeAlias = Fetch | Flatten | Sequence | Parallel | Condition | Defer | Subscription


@dataclass(frozen=True, slots=True, kw_only=True)
class QueryPlan:
    """The plan of one operation. ``node`` is None when no subgraph needs to be called
    (e.g. only ``__typename`` or introspection was asked)."""

    node: PlanNode | None = None

    def to_json(self) -> dict[str, Any]:
        return {"kind": "QueryPlan", "node": self.node.to_json() if self.node else None}

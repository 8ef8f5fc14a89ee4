"""The request pipeline the HTTP server calls: text in, formatted GraphQL response out.

parse + validate (cached by document text) -> select the operation -> coerce variables -> plan
(cached by document text, operation name and override labels) -> execute the plan -> answer
introspection locally -> shape the response. Every problem a client can cause or meet comes back
as errors in the response; nothing here raises to the server for a request.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from graphql import FragmentDefinitionNode, OperationType

from router.planner import PlanningError, QueryPlan, plan, print_plan

from ._authorization import UNSET, AuthorizationPolicy, Claims, Unset
from ._cache import LruCache
from ._execute import execute_plan
from ._fetch import SubgraphClient
from ._introspection import Introspection, has_planned_fields
from ._operation import ParsedDocument, coerce_variables, parse_and_validate, select_operation
from ._override import ProgressiveOverride
from ._possible_types import PossibleTypes
from ._response_errors import ErrorCode, client_error
from ._shape import shape_response
from .errors import GatewayConfigError

if TYPE_CHECKING:
    from collections.abc import Hashable, Mapping, Sequence

    import httpx
    from graphql import (
        DocumentNode,
        GraphQLObjectType,
        GraphQLSchema,
        OperationDefinitionNode,
    )

    from ._breaker import CircuitBreakers
    from ._fetch import FetchObserver
    from ._operation import DocumentRule
    from ._policies import Policies
    from ._retry import RetryPolicy

__all__ = ["Gateway", "Planner", "SupergraphView"]

logger = logging.getLogger(__name__)


class SupergraphView(Protocol):
    """What the Gateway reads of a supergraph (``router.supergraph.Supergraph`` has it)."""

    @property
    def api_schema(self) -> GraphQLSchema: ...

    @property
    def subgraphs(self) -> Mapping[str, str]: ...


class Planner(Protocol):
    """Makes the plan of one operation (``router.planner.plan`` by default)."""

    def __call__(
        self,
        supergraph: Any,
        document: DocumentNode,
        operation_name: str | None = None,
        *,
        override_labels: frozenset[str] = ...,
    ) -> QueryPlan: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class _PreparedOperation:
    """Everything about one operation that does not depend on the request's variables."""

    operation: OperationDefinitionNode
    fragments: Mapping[str, FragmentDefinitionNode]
    root_type: GraphQLObjectType
    plan: QueryPlan
    introspection: Introspection | None
    denied: Mapping[int, str]
    """Fields removed for lack of authorization (``id`` of the client's node -> error message)."""


_EMPTY_PLAN = QueryPlan(node=None)


class Gateway:
    """Runs client operations against a supergraph.

    ``http`` is the process's pooled client (tests inject one over ``MockTransport`` or
    ``ASGITransport``). ``subgraph_urls`` overrides the supergraph's routing URLs by subgraph name.
    ``timeout`` bounds each subgraph request in seconds (``subgraph_timeouts`` per subgraph name).
    ``planner`` replaces the query planner (tests run hand-written plans through the whole pipeline
    with it). ``retry``, ``breakers`` and ``observer`` are the fetch policies and the fetch timing
    hook (see ``SubgraphClient``); ``breakers`` and ``observer`` outlive a Gateway, so a supergraph
    reload keeps breaker state and metrics. ``document_rules`` (limits, the introspection switch)
    run once per document text, before validation; their verdict is cached with the document.
    ``transport`` (the one ``http`` wraps) lets subgraph fetches skip the client's per-request
    machinery (see ``SubgraphClient``). ``policies`` are the rules of the supergraph's ``@policy``
    names (none: every ``@policy`` denies, see ``_authorization``).
    """

    def __init__(
        self,
        supergraph: SupergraphView,
        *,
        http: httpx.AsyncClient,
        plan_cache_size: int = 512,
        document_cache_size: int = 1024,
        timeout: float = 30.0,
        subgraph_urls: Mapping[str, str] | None = None,
        planner: Planner | None = None,
        subgraph_timeouts: Mapping[str, float] | None = None,
        retry: RetryPolicy | None = None,
        breakers: CircuitBreakers | None = None,
        observer: FetchObserver | None = None,
        document_rules: Sequence[DocumentRule] = (),
        transport: httpx.AsyncBaseTransport | None = None,
        policies: Policies | None = None,
    ) -> None:
        urls = {**supergraph.subgraphs, **(subgraph_urls or {})}
        missing = sorted(name for name in supergraph.subgraphs if not urls.get(name))
        if missing:
            raise GatewayConfigError(
                f"No routing URL for subgraph(s) {', '.join(missing)}: set one in the supergraph "
                "(join__Graph url) or pass subgraph_urls."
            )
        self._supergraph = supergraph
        self._schema = supergraph.api_schema
        self._client = SubgraphClient(
            http,
            urls,
            timeout=timeout,
            timeouts=subgraph_timeouts,
            retry=retry,
            breakers=breakers,
            observer=observer,
            transport=transport,
        )
        self._document_rules = tuple(document_rules)
        self._possible_types = PossibleTypes(self._schema)
        self._planner: Planner = planner or plan
        self._override = ProgressiveOverride.of(supergraph)
        self._documents: LruCache[str, ParsedDocument] = LruCache(document_cache_size)
        self._authorization = AuthorizationPolicy(supergraph, policies=policies)
        self._operations: LruCache[tuple[str, str | None, frozenset[str], Hashable], _PreparedOperation] = (
            LruCache(plan_cache_size)
        )

    async def execute(
        self,
        query: str,
        variables: Mapping[str, Any] | None = None,
        operation_name: str | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        override_labels: frozenset[str] = frozenset(),
        include_plan: bool = False,
        claims: Claims | Unset | None = UNSET,
    ) -> dict[str, Any]:
        """Run one operation; return ``{"data": ..., "errors": [...]}`` (``errors`` only when any).

        ``headers`` are sent with every subgraph request (the server decides which to propagate);
        ``override_labels`` are progressive ``@override`` labels the caller enables for this request;
        ``percent(x)`` labels are drawn here. ``include_plan`` adds the text form of the plan that
        ran as ``extensions.queryPlan`` (GraphiQL shows it).

        ``claims`` are the request's verified access-token claims (None: anonymous); when given,
        ``@authenticated``/``@requiresScopes`` are enforced before any subgraph is called (see
        ``_authorization``). Not given: nothing is enforced here (the caller authorizes).
        """
        try:
            return await self._execute(
                query, variables, operation_name, headers, override_labels, include_plan, claims
            )
        except Exception:
            # A bug, not a client problem: log it with the stack, give the client no internals.
            logger.exception("unexpected error while executing an operation")
            return {"errors": [client_error("Internal server error.", code=ErrorCode.INTERNAL_SERVER_ERROR)]}

    async def _execute(
        self,
        query: str,
        variables: Mapping[str, Any] | None,
        operation_name: str | None,
        headers: Mapping[str, str] | None,
        override_labels: frozenset[str],
        include_plan: bool = False,
        claims: Claims | Unset | None = UNSET,
    ) -> dict[str, Any]:
        prepared = self._prepare(query, operation_name, self._override.labels(override_labels), claims)
        if isinstance(prepared, list):
            return {"errors": prepared}
        if include_plan:
            response = await self._run(prepared, variables, headers)
            plan_text = print_plan(prepared.plan) if prepared.plan.node is not None else None
            return {**response, "extensions": {"queryPlan": plan_text}}
        return await self._run(prepared, variables, headers)

    async def _run(
        self,
        prepared: _PreparedOperation,
        variables: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
    ) -> dict[str, Any]:
        coerced = coerce_variables(self._schema, prepared.operation, variables)
        if isinstance(coerced, list):
            return {"errors": coerced}

        result = await execute_plan(
            prepared.plan,
            client=self._client,
            possible_types=self._possible_types,
            variables=coerced,
            headers=headers,
        )
        errors = result.errors
        introspection_data: dict[str, Any] | None = None
        if prepared.introspection is not None:
            introspection_data, introspection_errors = prepared.introspection.execute(self._schema, variables)
            errors.extend(introspection_errors)
            if introspection_data is None:
                return {"data": None, "errors": errors}
        data = shape_response(
            possible_types=self._possible_types,
            root_type=prepared.root_type,
            selection_set=prepared.operation.selection_set,
            fragments=prepared.fragments,
            variables=coerced,
            data=result.data,
            errors=errors,
            failed_paths=result.failed_paths,
            introspection=introspection_data,
            denied=prepared.denied,
        )
        return {"data": data, "errors": errors} if errors else {"data": data}

    def operation_name(self, query: str, operation_name: str | None = None) -> str | None:
        """The name of the operation a request selects, when its document is cached and valid.

        Only reads the document cache (``execute`` fills it), so it costs a dict lookup; the server
        uses it to label logs and metrics after executing.
        """
        parsed = self._documents.get(query)
        if parsed is None or parsed.document is None:
            return None
        operation = select_operation(parsed.document, operation_name)
        if isinstance(operation, dict) or operation.name is None:
            return None
        return operation.name.value

    @property
    def subgraph_urls(self) -> Mapping[str, str]:
        """Subgraph name -> the URL fetches are sent to."""
        return self._client.urls

    def operation_type(self, query: str, operation_name: str | None = None) -> OperationType | None:
        """The type of the operation a request selects, or None when the request is invalid (the
        errors then come from :meth:`execute`). Uses the same caches as ``execute``."""
        prepared = self._prepare(query, operation_name, frozenset())
        return None if isinstance(prepared, list) else prepared.operation.operation

    def _prepare(
        self,
        query: str,
        operation_name: str | None,
        override_labels: frozenset[str],
        claims: Claims | Unset | None = UNSET,
    ) -> _PreparedOperation | list[dict[str, Any]]:
        """The cached operation and plan, or the request errors that stop it."""
        # Without requirements in the supergraph every request plans alike: one cache entry.
        auth_key = (
            None
            if not self._authorization.enabled
            else "unenforced"
            if isinstance(claims, Unset)
            else self._authorization.auth_key(claims)
        )
        cache_key = (query, operation_name, override_labels, auth_key)
        prepared = self._operations.get(cache_key)
        if prepared is not None:
            return prepared
        parsed = self._documents.get(query)
        if parsed is None:
            parsed = parse_and_validate(self._schema, query, self._document_rules)
            self._documents.put(query, parsed)
        if parsed.document is None:
            return list(parsed.errors)
        operation = select_operation(parsed.document, operation_name)
        if isinstance(operation, dict):
            return [operation]
        if operation.operation is OperationType.SUBSCRIPTION:
            return [
                client_error(
                    "Subscriptions are not supported by this router.",
                    code=ErrorCode.OPERATION_RESOLUTION_FAILURE,
                )
            ]
        root_type = self._schema.get_root_type(operation.operation)
        if root_type is None:  # validation rejects this; kept for a precise message
            return [
                client_error(
                    f"The schema has no {operation.operation.value} type.",
                    code=ErrorCode.GRAPHQL_VALIDATION_FAILED,
                )
            ]
        planned_document, planned_selection, planned_fragments = parsed.document, operation, parsed.fragments
        denied: Mapping[int, str] = {}
        if not isinstance(claims, Unset):
            authorized = self._authorization.authorize(self._schema, parsed.document, claims)
            if authorized.denied:
                # Plan what the request may see; shape what it asked for (denied fields -> null + error).
                denied = authorized.denied
                planned_document = authorized.document
                planned_operation = select_operation(planned_document, operation_name)
                assert not isinstance(planned_operation, dict)  # same operations as the original
                planned_selection = planned_operation
                planned_fragments = {
                    d.name.value: d
                    for d in planned_document.definitions
                    if isinstance(d, FragmentDefinitionNode)
                }
        if has_planned_fields(planned_selection.selection_set, planned_fragments):
            try:
                plan = self._planner(
                    self._supergraph, planned_document, operation_name, override_labels=override_labels
                )
            except PlanningError as exc:
                return [client_error(str(exc), code=getattr(exc, "code", ErrorCode.QUERY_PLANNING_FAILED))]
        else:
            plan = _EMPTY_PLAN
        prepared = _PreparedOperation(
            operation=operation,
            fragments=parsed.fragments,
            root_type=root_type,
            plan=plan,
            introspection=Introspection.of(operation, parsed.fragments),
            denied=denied,
        )
        self._operations.put(cache_key, prepared)
        return prepared

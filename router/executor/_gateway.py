"""The request pipeline the HTTP server calls: text in, formatted GraphQL response out.

parse + validate (cached by document text) -> select the operation -> coerce variables -> plan
(cached by document text, operation name and override labels) -> execute the plan -> answer
introspection locally -> shape the response. Every problem a client can cause or meet comes back
as errors in the response; nothing here raises to the server for a request.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol

from graphql import (
    ArgumentNode,
    DirectiveNode,
    FragmentDefinitionNode,
    GraphQLDeferDirective,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    VariableNode,
    parse,
)

from router.planner import Defer, PlanningError, QueryPlan, Subscription, plan, print_plan

from ._authorization import UNAUTHORIZED, UNSET, AuthorizationPolicy, Claims, Unset
from ._cache import LruCache
from ._cost import CostFormula, DemandControl, compile_cost
from ._execute import execute_plan
from ._fetch import SubgraphClient
from ._incremental import deliver_incrementally
from ._introspection import Introspection, has_planned_fields
from ._operation import ParsedDocument, coerce_variables, parse_and_validate, select_operation
from ._override import ProgressiveOverride
from ._possible_types import PossibleTypes
from ._response_errors import ErrorCode, client_error
from ._shape import shape_deferred, shape_response
from ._subscription import SubscriptionClient, run_subscription
from .errors import GatewayConfigError

if TYPE_CHECKING:
    from collections.abc import (
        AsyncGenerator,
        AsyncIterator,
        Awaitable,
        Hashable,
        Iterable,
        Mapping,
        Sequence,
    )

    import httpx
    from graphql import DocumentNode, GraphQLObjectType, SelectionSetNode

    from router.planner import DeferredNode

    from ._breaker import CircuitBreakers
    from ._fetch import FetchObserver
    from ._operation import DocumentRule
    from ._policies import Policies
    from ._retry import RetryPolicy

__all__ = ["DEFER_NOT_ACCEPTED", "Gateway", "Planner", "SupergraphView", "WarmUpOperation", "WarmUpReport"]

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
        defer_variables: Mapping[str, bool] | None = ...,
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
    defer_variables: tuple[str, ...] = ()
    """Variables ``@defer(if: $v)`` reads: the plan depends on their values (``plan_for``)."""
    planned_document: DocumentNode | None = None
    operation_name: str | None = None
    override_labels: frozenset[str] = frozenset()
    plans: dict[tuple[bool, ...], QueryPlan] | None = None
    """Plans per value of ``defer_variables`` (at most 2**n, n is small), filled on first use."""
    cost: CostFormula | None = None
    """The estimated cost as a function of the variables (demand control on), see ``_cost``."""


_EMPTY_PLAN = QueryPlan(node=None)


@dataclass(frozen=True, slots=True, kw_only=True)
class WarmUpOperation:
    """An operation to prepare ahead of its requests (see ``Gateway.warm_up``).

    ``access`` says which plan-cache entry to fill: ``anonymous`` the one requests without a token
    use (and every request when the supergraph has no access requirements), ``unenforced`` the one
    of callers that authorize themselves (``operation_type``), ``document`` only the parsed and
    validated document: the plan of a signed-in request depends on its claims, which a warm-up
    does not have.
    """

    query: str
    operation_name: str | None = None
    override_labels: frozenset[str] = frozenset()
    access: Literal["anonymous", "unenforced", "document"] = "anonymous"


@dataclass(frozen=True, slots=True, kw_only=True)
class WarmUpReport:
    warmed: int = 0
    invalid: int = 0
    """Operations that no longer validate or plan against this supergraph (skipped, logged)."""
    out_of_time: int = 0
    """Operations not reached before the time bound (their first request plans them)."""
    seconds: float = 0.0


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
    names (none: every ``@policy`` denies, see ``_authorization``). ``demand_control`` estimates each
    operation's cost from the supergraph's ``@cost``/``@listSize`` and, in enforce mode, rejects one
    that is too expensive before any subgraph call (see ``_cost``). ``subscriptions`` opens the
    upstream graphql-transport-ws subscriptions (default: to each subgraph's URL, ``http`` -> ``ws``).
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
        demand_control: DemandControl | None = None,
        subscriptions: SubscriptionClient | None = None,
    ) -> None:
        urls = {**supergraph.subgraphs, **(subgraph_urls or {})}
        missing = sorted(name for name in supergraph.subgraphs if not urls.get(name))
        if missing:
            raise GatewayConfigError(
                f"No routing URL for subgraph(s) {', '.join(missing)}: set one in the supergraph "
                "(join__Graph url) or pass subgraph_urls."
            )
        self._supergraph = supergraph
        self._schema = with_defer(supergraph.api_schema)
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
        self._subscriptions = subscriptions or SubscriptionClient(urls, connect_timeout=timeout)
        self._document_rules = tuple(document_rules)
        self._demand_control = demand_control
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
        coerced = coerce_variables(self._schema, prepared.operation, variables)
        if isinstance(coerced, list):
            return {"errors": coerced}
        chosen = self._plan_for(prepared, coerced)
        if isinstance(chosen, list):
            return {"errors": chosen}
        return await self._run(prepared, chosen, coerced, variables, headers, include_plan=include_plan)

    async def execute_incremental(
        self,
        query: str,
        variables: Mapping[str, Any] | None = None,
        operation_name: str | None = None,
        *,
        accepts_incremental: bool,
        headers: Mapping[str, str] | None = None,
        override_labels: frozenset[str] = frozenset(),
        include_plan: bool = False,
        claims: Claims | Unset | None = UNSET,
    ) -> dict[str, Any] | AsyncIterator[dict[str, Any]]:
        """Like ``execute``, but an operation with an active ``@defer`` is delivered incrementally.

        Returns the payloads (``_incremental``) to stream when the plan defers something and the
        client accepts incremental delivery (``accepts_incremental``); a ``DEFER_NOT_ACCEPTED``
        error when it defers something and the client does not (what Apollo Router answers: a client
        that cannot read multipart must not get a response it cannot parse); else the one response.
        """
        try:
            prepared = self._prepare(query, operation_name, self._override.labels(override_labels), claims)
            if isinstance(prepared, list):
                return {"errors": prepared}
            coerced = coerce_variables(self._schema, prepared.operation, variables)
            if isinstance(coerced, list):
                return {"errors": coerced}
            chosen = self._plan_for(prepared, coerced)
            if isinstance(chosen, list):
                return {"errors": chosen}
            if not isinstance(chosen.node, Defer):
                return await self._run(
                    prepared, chosen, coerced, variables, headers, include_plan=include_plan
                )
            _, rejection = self._estimate(prepared, coerced)
            if rejection is not None:
                return {"errors": [rejection]}
            if not accepts_incremental:
                return {
                    "errors": [
                        client_error(
                            "The operation uses @defer but the client does not accept multipart/mixed "
                            "responses: send 'Accept: multipart/mixed;deferSpec=20220824, application/json'.",
                            code=DEFER_NOT_ACCEPTED,
                        )
                    ]
                }
        except Exception:
            logger.exception("unexpected error while executing an operation")
            return {"errors": [client_error("Internal server error.", code=ErrorCode.INTERNAL_SERVER_ERROR)]}
        return self._deliver(
            prepared, chosen.node, coerced, headers, print_plan(chosen) if include_plan else None
        )

    def _deliver(
        self,
        prepared: _PreparedOperation,
        defer: Defer,
        coerced: dict[str, Any],
        headers: Mapping[str, str] | None,
        plan_text: str | None,
    ) -> AsyncIterator[dict[str, Any]]:
        possible = self._possible_types
        fragments = prepared.fragments

        def shape_primary(
            data: dict[str, Any], errors: list[dict[str, Any]], failed: list[tuple[str | int, ...]]
        ) -> dict[str, Any] | None:
            return shape_response(
                possible_types=possible,
                root_type=prepared.root_type,
                selection_set=prepared.operation.selection_set,
                fragments=fragments,
                variables=coerced,
                data=data,
                errors=errors,
                failed_paths=failed,
                denied=prepared.denied,
                defer=True,
            )

        def shape_part(
            node: DeferredNode,
            selection: SelectionSetNode,
            data: dict[str, Any],
            path: list[str | int],
            errors: list[dict[str, Any]],
            failed: list[tuple[str | int, ...]],
        ) -> tuple[bool, dict[str, Any] | None]:
            parent = self._schema.get_type(node.parent_type)
            assert parent is not None
            return shape_deferred(
                possible_types=possible,
                parent_type=parent,  # type: ignore[arg-type]
                selection_set=selection,
                fragments=fragments,
                variables=coerced,
                data=data,
                path=path,
                errors=errors,
                failed_paths=failed,
                denied=prepared.denied,
            )

        return deliver_incrementally(
            defer,
            client=self._client,
            possible_types=possible,
            variables=coerced,
            headers=headers,
            shape_primary=shape_primary,
            shape_deferred=shape_part,
            subselections={node.id: _subselection(node) for node in defer.deferred},
            extensions={"queryPlan": plan_text} if plan_text is not None else None,
        )

    async def subscribe(
        self,
        query: str,
        variables: Mapping[str, Any] | None = None,
        operation_name: str | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        override_labels: frozenset[str] = frozenset(),
        claims: Claims | Unset | None = UNSET,
    ) -> dict[str, Any] | AsyncGenerator[dict[str, Any]]:
        """A graphql-transport-ws ``subscribe``: ``{"errors": [...]}`` when the operation cannot
        start (invalid, over a limit, denied, unplannable: the client gets ``error``), else the
        results to send as ``next`` messages (``_subscription.run_subscription``; it raises
        ``SubscriptionFailed`` when the subgraph ends the subscription with an error). A query or
        mutation sent this way has one result. Checks are those of ``execute``; the root field
        denied by ``@authenticated``/``@requiresScopes`` refuses the whole subscription.
        """
        try:
            prepared = self._prepare(
                query, operation_name, self._override.labels(override_labels), claims, subscription=True
            )
            if isinstance(prepared, list):
                return {"errors": prepared}
            if prepared.operation.operation is not OperationType.SUBSCRIPTION:
                return _one(
                    self.execute(
                        query,
                        variables,
                        operation_name,
                        headers=headers,
                        override_labels=override_labels,
                        claims=claims,
                    )
                )
            coerced = coerce_variables(self._schema, prepared.operation, variables)
            if isinstance(coerced, list):
                return {"errors": coerced}
            node = prepared.plan.node
            if not isinstance(node, Subscription):
                # Nothing left to plan: the root field was denied (or only __typename was asked).
                denials = [
                    client_error(message, code=UNAUTHORIZED)
                    for message in dict.fromkeys(prepared.denied.values())
                ]
                return {
                    "errors": denials
                    or [
                        client_error(
                            "A subscription must select a field.", code=ErrorCode.GRAPHQL_VALIDATION_FAILED
                        )
                    ]
                }
            _, rejection = self._estimate(prepared, coerced)
            if rejection is not None:
                return {"errors": [rejection]}
        except Exception:
            logger.exception("unexpected error while starting a subscription")
            return {"errors": [client_error("Internal server error.", code=ErrorCode.INTERNAL_SERVER_ERROR)]}
        possible = self._possible_types

        def shape(
            data: dict[str, Any], errors: list[dict[str, Any]], failed: list[tuple[str | int, ...]]
        ) -> dict[str, Any] | None:
            return shape_response(
                possible_types=possible,
                root_type=prepared.root_type,
                selection_set=prepared.operation.selection_set,
                fragments=prepared.fragments,
                variables=coerced,
                data=data,
                errors=errors,
                failed_paths=failed,
                denied=prepared.denied,
            )

        return run_subscription(
            node,
            client=self._client,
            subscriptions=self._subscriptions,
            possible_types=possible,
            variables=coerced,
            headers=headers,
            shape=shape,
        )

    def _plan_for(
        self, prepared: _PreparedOperation, coerced: Mapping[str, Any]
    ) -> QueryPlan | list[dict[str, Any]]:
        """The plan for this request's values of the variables ``@defer(if: $v)`` reads."""
        if prepared.plans is None:
            return prepared.plan
        values = tuple(coerced.get(v) is not False for v in prepared.defer_variables)
        chosen = prepared.plans.get(values)
        if chosen is None:
            assert prepared.planned_document is not None
            try:
                chosen = self._planner(
                    self._supergraph,
                    prepared.planned_document,
                    prepared.operation_name,
                    override_labels=prepared.override_labels,
                    defer_variables=dict(zip(prepared.defer_variables, values, strict=True)),
                )
            except PlanningError as exc:
                return [client_error(str(exc), code=getattr(exc, "code", ErrorCode.QUERY_PLANNING_FAILED))]
            prepared.plans[values] = chosen
        return chosen

    def _estimate(
        self, prepared: _PreparedOperation, coerced: Mapping[str, Any]
    ) -> tuple[int | None, dict[str, Any] | None]:
        """Demand control: the estimated cost (reported to the observer) and the rejection, if any."""
        demand = self._demand_control
        if demand is None or prepared.cost is None:
            return None, None
        estimated = prepared.cost.evaluate(coerced)
        if demand.observer is not None:
            name = prepared.operation.name
            demand.observer(estimated, name.value if name is not None else None)
        return estimated, demand.rejection(estimated)

    async def _run(
        self,
        prepared: _PreparedOperation,
        chosen: QueryPlan,
        coerced: dict[str, Any],
        variables: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
        *,
        include_plan: bool = False,
    ) -> dict[str, Any]:
        """Demand control, then the plan as one response; ``include_plan`` adds the plan's text
        and the estimated cost as ``extensions`` (development mode)."""
        estimated, rejection = self._estimate(prepared, coerced)
        if rejection is not None:
            return {"errors": [rejection]}
        response = await self._execute_plan(prepared, chosen, coerced, variables, headers)
        if include_plan:
            extensions: dict[str, Any] = {
                "queryPlan": print_plan(chosen) if chosen.node is not None else None
            }
            if estimated is not None:
                extensions["cost"] = {"estimated": estimated}
            response["extensions"] = extensions
        return response

    async def _execute_plan(
        self,
        prepared: _PreparedOperation,
        chosen: QueryPlan,
        coerced: dict[str, Any],
        variables: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
    ) -> dict[str, Any]:
        result = await execute_plan(
            chosen,
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

    def recent_operations(self, limit: int) -> list[WarmUpOperation]:
        """The operations of the plan cache, most recently used first, as warm-up input for the
        Gateway of a new supergraph. Call it on the event loop (requests reorder the cache)."""
        operations: list[WarmUpOperation] = []
        seen: set[WarmUpOperation] = set()
        for query, operation_name, labels, auth_key in self._operations.recent(limit):
            access: Literal["anonymous", "unenforced", "document"] = (
                "anonymous"
                if auth_key is None or auth_key == "anonymous"
                else "unenforced"
                if auth_key == "unenforced"
                else "document"
            )
            operation = WarmUpOperation(
                query=query, operation_name=operation_name, override_labels=labels, access=access
            )
            if operation not in seen:
                seen.add(operation)
                operations.append(operation)
        return operations

    def warm_up(self, operations: Iterable[WarmUpOperation], *, seconds: float | None = None) -> WarmUpReport:
        """Parse, validate and plan ``operations`` into this Gateway's caches, so their first
        requests are cache hits (Apollo Router's query-plan cache warm-up on schema reload).

        Meant for a Gateway no request uses yet (it runs in a worker thread). An operation that
        does not validate or plan any more is skipped and logged. ``seconds`` bounds the whole
        warm-up; it is checked between operations (one plan is never interrupted).
        """
        started = time.monotonic()
        deadline = None if seconds is None else started + seconds
        warmed = invalid = out_of_time = 0
        for operation in operations:
            if deadline is not None and time.monotonic() >= deadline:
                out_of_time += 1
                continue
            try:
                errors = self._warm_one(operation)
            except Exception:  # a bug in one operation must not stop a reload
                logger.exception("plan warm-up failed for operation %s", operation.operation_name)
                invalid += 1
                continue
            if errors:
                invalid += 1
                logger.info(
                    "plan warm-up skipped operation %s: %s",
                    operation.operation_name or "(anonymous)",
                    errors[0].get("message"),
                    extra={"operation_name": operation.operation_name, "code": _error_code(errors[0])},
                )
            else:
                warmed += 1
        return WarmUpReport(
            warmed=warmed, invalid=invalid, out_of_time=out_of_time, seconds=time.monotonic() - started
        )

    def _warm_one(self, operation: WarmUpOperation) -> list[dict[str, Any]]:
        if operation.access == "document":
            parsed = self._documents.get(operation.query)
            if parsed is None:
                parsed = parse_and_validate(self._schema, operation.query, self._document_rules)
                self._documents.put(operation.query, parsed)
            return list(parsed.errors) if parsed.document is None else []
        claims: Claims | Unset | None = None if operation.access == "anonymous" else UNSET
        prepared = self._prepare(operation.query, operation.operation_name, operation.override_labels, claims)
        return prepared if isinstance(prepared, list) else []

    def cached_plan(
        self, query: str, operation_name: str | None = None, *, claims: Claims | Unset | None = None
    ) -> QueryPlan | None:
        """The cached plan a request with ``claims`` would use, without planning (None: a miss)."""
        auth_key = (
            None
            if not self._authorization.enabled
            else "unenforced"
            if isinstance(claims, Unset)
            else self._authorization.auth_key(claims)
        )
        prepared = self._operations.get((query, operation_name, frozenset(), auth_key))
        return None if prepared is None else prepared.plan

    @property
    def subgraph_urls(self) -> Mapping[str, str]:
        """Subgraph name -> the URL fetches are sent to."""
        return self._client.urls

    def operation_type(self, query: str, operation_name: str | None = None) -> OperationType | None:
        """The type of the operation a request selects, or None when the request is invalid (the
        errors then come from :meth:`execute`). Uses the same caches as ``execute``."""
        prepared = self._prepare(query, operation_name, frozenset(), subscription=True)
        return None if isinstance(prepared, list) else prepared.operation.operation

    def _prepare(
        self,
        query: str,
        operation_name: str | None,
        override_labels: frozenset[str],
        claims: Claims | Unset | None = UNSET,
        *,
        subscription: bool = False,
    ) -> _PreparedOperation | list[dict[str, Any]]:
        """The cached operation and plan, or the request errors that stop it. A subscription is
        refused unless ``subscription`` says the caller can deliver one (``subscribe``)."""
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
            if not subscription and prepared.operation.operation is OperationType.SUBSCRIPTION:
                return [_subscriptions_refused()]
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
        if operation.operation is OperationType.SUBSCRIPTION and not subscription:
            return [_subscriptions_refused()]
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
        has_defer, defer_variables = _defer_usage(planned_document)
        if has_planned_fields(planned_selection.selection_set, planned_fragments):
            try:
                plan = (
                    self._planner(
                        self._supergraph,
                        planned_document,
                        operation_name,
                        override_labels=override_labels,
                        defer_variables={},
                    )
                    if has_defer
                    else self._planner(
                        self._supergraph, planned_document, operation_name, override_labels=override_labels
                    )
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
            defer_variables=defer_variables if plan is not _EMPTY_PLAN else (),
            planned_document=planned_document,
            operation_name=operation_name,
            override_labels=override_labels,
            plans={(True,) * len(defer_variables): plan} if defer_variables else None,
            cost=(
                compile_cost(
                    operation,
                    parsed.fragments,
                    self._schema,
                    self._supergraph,
                    list_size=self._demand_control.list_size,
                )
                if self._demand_control is not None
                else None
            ),
        )
        self._operations.put(cache_key, prepared)
        return prepared


DEFER_NOT_ACCEPTED = "DEFER_NOT_ACCEPTED"


def _subscriptions_refused() -> dict[str, Any]:
    """A subscription sent where no stream can carry it (a plain HTTP request)."""
    return client_error(
        "Subscriptions are not supported by this router.", code=ErrorCode.OPERATION_RESOLUTION_FAILURE
    )


async def _one(result: Awaitable[dict[str, Any]]) -> AsyncGenerator[dict[str, Any]]:
    """A single result as a stream (a query or mutation sent as a graphql-transport-ws subscribe)."""
    yield await result


def _error_code(error: Mapping[str, Any]) -> str | None:
    extensions = error.get("extensions")
    return extensions.get("code") if isinstance(extensions, dict) else None


def with_defer(schema: GraphQLSchema) -> GraphQLSchema:
    """The API schema plus ``@defer`` (incremental delivery), as Apollo Router declares it: clients
    may use it and introspection shows it. The types are the same objects."""
    if schema.get_directive("defer") is not None:
        return schema
    kwargs = schema.to_kwargs()
    kwargs["directives"] = (*schema.directives, GraphQLDeferDirective)
    return GraphQLSchema(**kwargs)


def _defer_usage(document: DocumentNode) -> tuple[bool, tuple[str, ...]]:
    """Whether any fragment of ``document`` has ``@defer``, and the variables its ``if`` reads."""
    found = False
    variables: set[str] = set()

    def visit(node: object) -> None:
        nonlocal found
        if isinstance(node, DirectiveNode):
            if node.name.value == "defer":
                found = True
                for argument in node.arguments or ():
                    if isinstance(argument, ArgumentNode) and isinstance(argument.value, VariableNode):
                        variables.add(argument.value.name.value)
            return
        for key in getattr(node, "keys", ()):
            if key == "loc":
                continue
            value = getattr(node, key, None)
            if isinstance(value, tuple | list):
                for item in value:
                    visit(item)
            elif value is not None and hasattr(value, "keys"):
                visit(value)

    for definition in document.definitions:
        visit(definition)
    return found, tuple(sorted(variables))


def _subselection(node: DeferredNode) -> SelectionSetNode:
    operation = parse(node.subselection, no_location=True).definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    return operation.selection_set

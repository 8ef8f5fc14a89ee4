"""The router's ASGI app: ``/graphql`` (POST, GET), GraphiQL, health, metrics.

Everything long-lived is built once: in ``create_app`` what needs no I/O (settings turned into
policies, limits into document rules, the header allow-list, the metrics registry), in the lifespan
what does (the one pooled ``httpx.AsyncClient`` shared by every subgraph fetch, the Gateway, the
persisted-query store, the supergraph poller). A request then reads the current Gateway once and
does only its own work.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import re
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import orjson
from graphql import OperationType
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import BaseRoute, Route, WebSocketRoute

from router.executor import (
    DEFER_NOT_ACCEPTED,
    BreakerPolicy,
    CircuitBreakers,
    DemandControl,
    ExecutorError,
    Gateway,
    Policies,
    PooledTransport,
    RetryPolicy,
    SubscriptionFailed,
    WarmUpOperation,
)
from router.supergraph import Supergraph, SupergraphError, load_supergraph

from ._access_log import AccessLogMiddleware, RequestRecord, request_record
from ._auth import AuthenticationFailed, RouterAuth, unauthenticated_response
from ._graphiql import asset_response, graphiql_page
from ._headers import HeaderPropagation
from ._health import SubgraphProbe
from ._http import (
    GRAPHQL_RESPONSE_JSON,
    MULTIPART_DEFER,
    MULTIPART_SUBSCRIPTION,
    BadRequest,
    accepts_multipart,
    accepts_subscription_multipart,
    choose_media_type,
    multipart_body,
    read_params,
    subscription_multipart_body,
    violates_csrf_rules,
)
from ._limits import Limits, document_too_large
from ._metrics import CONTENT_TYPE_LATEST, RouterMetrics
from ._persisted import (
    ManifestError,
    MemoryQueryStore,
    PersistedQueries,
    PersistedQueryManifest,
    PersistedQueryStore,
    RedisQueryStore,
)
from ._rate_limit import (
    MemoryRateLimiter,
    RateLimiter,
    RedisRateLimiter,
    client_ip,
    client_key,
    too_many_requests_response,
)
from ._reload import (
    FileSource,
    ManifestReloader,
    PlanWarmUp,
    Runtime,
    SourceError,
    SupergraphReloader,
    SupergraphSource,
    UrlSource,
)
from ._response_cache import MemoryResponseCache, PublicResponseCache, RedisResponseCache, ResponseCache
from ._security_headers import SecurityHeadersMiddleware
from ._settings import RouterSettings
from ._storefront import storefront_routes
from ._tracing import TracingMiddleware, TracingObserver, router_tracer, set_operation_type
from ._websocket import graphql_websocket

__all__ = ["StartupError", "create_app"]

log = logging.getLogger("router")

_JSON = "application/json"
# Cheap and conservative: a document that may use @defer never touches the response cache.
_MAY_DEFER = re.compile(r"@\s*defer\b")


class StartupError(Exception):
    """The router cannot start; the message says what to change."""


def create_app(
    *,
    supergraph_path: Path | None = None,
    supergraph_sdl: str | None = None,
    settings: RouterSettings | None = None,
    http_transport: httpx.AsyncBaseTransport | None = None,
    subgraph_urls: Mapping[str, str] | None = None,
    storefront_dir: Path | None = None,
) -> Starlette:
    """The router app.

    ``storefront_dir`` (a built storefront, see ``ensure_storefront_built``) is served at ``/shop``.

    The supergraph comes from ``supergraph_sdl`` (fixed: no hot reload), else ``supergraph_path``,
    else ``settings.supergraph_url`` (fetched when the app starts), else ``settings.supergraph_path``.
    ``http_transport`` replaces the network for subgraph fetches, probes and the supergraph URL
    (tests route them to in-process apps).
    """
    settings = settings or RouterSettings()
    urls = {**settings.subgraph_urls, **(subgraph_urls or {})}
    metrics = (
        RouterMetrics(max_operation_names=settings.metrics_max_operation_names) if settings.metrics else None
    )
    rules = Limits(
        max_depth=settings.max_depth,
        max_aliases=settings.max_aliases,
        max_root_fields=settings.max_root_fields,
        introspection=settings.introspection_enabled,
    ).rules()
    propagation = HeaderPropagation(settings.propagate_headers)
    response_cache = _response_cache(settings, metrics)
    tracer = router_tracer(settings)
    # Fetch spans (and their traceparent) only when tracing is on; metrics hear every fetch either way.
    fetch_observer = TracingObserver(tracer, metrics) if tracer is not None else metrics
    retry = (
        RetryPolicy(
            max_retries=settings.retry_attempts,
            backoff_seconds=settings.retry_backoff_seconds,
            max_backoff_seconds=settings.retry_max_backoff_seconds,
        )
        if settings.retry_attempts
        else None
    )
    breakers = (
        CircuitBreakers(
            BreakerPolicy(
                failure_threshold=settings.breaker_failure_threshold,
                cool_down_seconds=settings.breaker_cool_down_seconds,
            ),
            observer=metrics,
        )
        if settings.circuit_breaker
        else None
    )

    sdl = supergraph_sdl
    path: Path | None = None
    if sdl is None and (supergraph_path is not None or settings.supergraph_url is None):
        path = Path(supergraph_path or settings.supergraph_path)
        try:
            sdl = path.read_text()
        except OSError as exc:
            raise StartupError(f"cannot read the supergraph {path}: {exc.strerror}") from exc
    supergraph = _load(sdl) if sdl is not None else None
    if supergraph is not None:
        _check_timeouts(settings, supergraph)
    try:
        policies = Policies(settings.policies)
    except ValueError as exc:
        raise StartupError(str(exc)) from exc
    demand_control = _demand_control(settings, metrics)
    manifest = _manifest(settings)

    def build_gateway(
        http: httpx.AsyncClient, loaded: Supergraph, transport: httpx.AsyncBaseTransport | None = None
    ) -> Gateway:
        return Gateway(
            loaded,
            http=http,
            transport=transport,
            subgraph_urls=urls or None,
            plan_cache_size=settings.plan_cache_size,
            timeout=settings.subgraph_timeout_seconds,
            subgraph_timeouts=settings.subgraph_timeouts,
            retry=retry,
            breakers=breakers,
            observer=fetch_observer,
            document_rules=rules,
            policies=policies,
            demand_control=demand_control,
        )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # httpx in front of our own pool: httpcore's cost grew with its pooled connections (bench/README.md).
        transport = http_transport or PooledTransport(max_connections_per_origin=settings.max_connections)
        # The per-attempt timeout is enforced by the fetch layer (per subgraph); httpx only needs a
        # ceiling so that nothing waits forever.
        ceiling = max([settings.subgraph_timeout_seconds, *settings.subgraph_timeouts.values()])
        async with httpx.AsyncClient(transport=transport, timeout=ceiling) as http:
            try:
                app.state.auth = RouterAuth.from_settings(settings, http=http)
            except ValueError as exc:
                raise StartupError(f"auth settings: {exc}") from exc
            limiter: RateLimiter | None = None
            if settings.rate_limit_requests:
                limiter = (
                    RedisRateLimiter.from_url(
                        settings.rate_limit_redis_url,
                        limit=settings.rate_limit_requests,
                        window_seconds=settings.rate_limit_window_seconds,
                    )
                    if settings.rate_limit_redis_url
                    else MemoryRateLimiter(
                        limit=settings.rate_limit_requests, window_seconds=settings.rate_limit_window_seconds
                    )
                )
            app.state.rate_limiter = limiter
            source: SupergraphSource | None = None
            if path is not None and supergraph_sdl is None:
                source = FileSource(path)
            elif settings.supergraph_url is not None and supergraph_sdl is None:
                source = UrlSource(settings.supergraph_url, http)
            initial = supergraph
            sha256 = _sha256(sdl) if sdl is not None else None
            if initial is None and source is not None:
                # Only a URL source gets here: a file was read (and checked) by create_app.
                try:
                    text = await source.read()
                except SourceError as exc:
                    raise StartupError(f"cannot load the supergraph: {exc}") from exc
                if text is None:  # pragma: no cover - a first read always returns the text
                    raise StartupError(f"the supergraph source {source.description} returned nothing")
                initial = _load(text.sdl)
                _check_timeouts(settings, initial)
                sha256 = text.sha256
            if initial is None:  # pragma: no cover - create_app always arranges a source
                raise StartupError("no supergraph: pass supergraph_sdl or set ROUTER_SUPERGRAPH_PATH")
            try:
                gateway = build_gateway(http, initial, transport)
            except ExecutorError as exc:
                raise StartupError(str(exc)) from exc
            runtime = Runtime(gateway, supergraph_sha256=sha256)
            app.state.runtime = runtime
            app.state.probe = SubgraphProbe(
                http, timeout=settings.ready_probe_timeout_seconds, cache_seconds=settings.ready_cache_seconds
            )
            store: PersistedQueryStore | None = None
            if settings.apq:
                store = (
                    RedisQueryStore.from_url(
                        settings.apq_redis_url,
                        ttl_seconds=settings.apq_ttl_seconds,
                        memory_size=settings.apq_cache_size,
                    )
                    if settings.apq_redis_url
                    else MemoryQueryStore(settings.apq_cache_size)
                )
            persisted = PersistedQueries(
                store,
                manifest=manifest,
                safelist=settings.persisted_queries_safelist,
                require_id=settings.persisted_queries_require_id,
                on_unknown=metrics.unknown_operation if metrics is not None else None,
            )
            app.state.persisted = persisted

            def manifest_operations() -> list[WarmUpOperation]:
                current = persisted.manifest
                if current is None:
                    return []
                return [
                    WarmUpOperation(query=document.body, operation_name=document.name)
                    for document in current.documents.values()
                ]

            warm_up = PlanWarmUp(
                count=min(settings.plan_warmup_count, settings.plan_cache_size),
                seconds=settings.plan_warmup_seconds,
                pinned=manifest_operations,
                observer=(
                    (
                        lambda report: metrics.plan_warmed_up(
                            report.seconds,
                            warmed=report.warmed,
                            invalid=report.invalid,
                            out_of_time=report.out_of_time,
                        )
                    )
                    if metrics is not None
                    else None
                ),
            )
            if manifest is not None:
                # The trusted documents are known before any request: plan them at start-up too.
                await asyncio.to_thread(warm_up.run, gateway, manifest_operations())
            app.state.reloader = (
                SupergraphReloader(
                    source,
                    runtime,
                    lambda text: build_gateway(http, load_supergraph(text), transport),
                    warm_up=warm_up,
                )
                if source is not None
                else None
            )
            app.state.manifest_reloader = None
            if settings.persisted_queries_manifest is not None:
                app.state.manifest_reloader = ManifestReloader(settings.persisted_queries_manifest, persisted)
                await app.state.manifest_reloader.prime()
            pollers = []
            if settings.supergraph_poll_seconds > 0:
                # The manifest is polled on the supergraph's interval: both change with a deploy.
                for reloader in (app.state.reloader, app.state.manifest_reloader):
                    if reloader is not None:
                        pollers.append(asyncio.create_task(reloader.run(settings.supergraph_poll_seconds)))
            try:
                yield
            finally:
                for poller in pollers:
                    poller.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await poller
                await app.state.persisted.aclose()
                if response_cache is not None:
                    await response_cache.aclose()
                if limiter is not None:
                    await limiter.aclose()

    async def graphql(request: Request) -> Response:
        if request.method == "GET" and settings.graphiql_enabled and _wants_html(request):
            return graphiql_page()
        record = request_record(request)
        record.graphql = True
        accept = request.headers.get("accept")
        incremental = accepts_multipart(accept)
        subscription_multipart = accepts_subscription_multipart(accept)
        # A client that accepts only multipart gets JSON for responses that are not incremental
        # (errors, operations without @defer), as Apollo Router does.
        media_type = choose_media_type(accept) or (_JSON if incremental else None)
        if media_type is None:
            record.errors = 1
            return _error_response(
                "Accept must allow application/graphql-response+json or application/json", 406
            )
        auth: RouterAuth = request.app.state.auth
        auth_failure: AuthenticationFailed | None = None
        try:
            claims = await auth.authenticate(request)
        except AuthenticationFailed as exc:
            claims, auth_failure = None, exc
        limiter: RateLimiter | None = request.app.state.rate_limiter
        if limiter is not None:
            decision = await limiter.hit(
                client_key(request, claims, trusted_proxy_hops=settings.trusted_proxy_hops)
            )
            if not decision.allowed:
                record.errors = 1
                return too_many_requests_response(decision, media_type=media_type)
        if auth_failure is not None:
            record.errors = 1
            return unauthenticated_response(auth_failure, media_type=media_type)
        runtime: Runtime = request.app.state.runtime
        gateway = runtime.gateway  # read once: a reload during this request does not affect it
        try:
            if settings.csrf_prevention and violates_csrf_rules(request):
                raise BadRequest(
                    "This request has been blocked as a potential Cross-Site Request Forgery (CSRF). "
                    "Send Content-Type: application/json, or a GraphQL-Require-Preflight header."
                )
            params = await read_params(request, max_body_bytes=settings.max_body_bytes)
            # Before APQ: a document too large to run must not be stored either. A stored document
            # passed this check when it was registered.
            if params.query is not None and (
                too_large := document_too_large(params.query, settings.max_document_bytes)
            ):
                return _graphql_errors([too_large], media_type, record)
            persisted: PersistedQueries = request.app.state.persisted
            query = await persisted.resolve(params.query, params.extensions, params.document_id)
            if isinstance(query, dict):
                return _graphql_errors([query], media_type, record)
            if request.method == "GET" and gateway.operation_type(query, params.operation_name) not in (
                None,
                OperationType.QUERY,
            ):
                raise BadRequest(
                    "Only queries can be sent with GET; send mutations with POST.",
                    status=405,
                    headers={"Allow": "POST"},
                )
        except BadRequest as exc:
            record.errors = 1
            return _error_response(exc.message, exc.status, headers=exc.headers, media_type=media_type)

        propagated = propagation.select(request.headers, record.request_id)
        headers = auth.with_internal_claims(
            propagated,
            claims,
            client_ip=client_ip(request, trusted_proxy_hops=settings.trusted_proxy_hops),
        )
        include_plan = settings.mode == "development" and bool(request.headers.get("x-include-query-plan"))
        may_defer = _MAY_DEFER.search(query) is not None
        operation = (
            gateway.operation_type(query, params.operation_name)
            if response_cache is not None and not may_defer
            else None
        )
        cached = (
            await response_cache.lookup(
                operation=operation,
                public=claims is None and "authorization" not in request.headers and not include_plan,
                query=query,
                operation_name=params.operation_name,
                variables=params.variables,
                headers=propagated,
            )
            if response_cache is not None
            else None
        )
        if cached is not None and cached.body is not None:
            record.operation_name = (
                gateway.operation_name(query, params.operation_name) or params.operation_name
            )
            record.valid = True
            return Response(cached.body, status_code=200, media_type=media_type)
        if subscription_multipart and gateway.operation_type(query, params.operation_name) is (
            OperationType.SUBSCRIPTION
        ):
            started = await gateway.subscribe(
                query, params.variables, params.operation_name, headers=headers, claims=claims
            )
            if not isinstance(started, dict):
                record.operation_name = gateway.operation_name(query, params.operation_name)
                record.valid = True
                return StreamingResponse(
                    subscription_multipart_body(started, failure=SubscriptionFailed),
                    status_code=200,
                    media_type=MULTIPART_SUBSCRIPTION,
                )
            record.errors = len(started["errors"])
            status = 400 if media_type == GRAPHQL_RESPONSE_JSON else 200
            return Response(orjson.dumps(started), status_code=status, media_type=media_type)
        if may_defer:
            outcome = await gateway.execute_incremental(
                query,
                params.variables,
                params.operation_name,
                accepts_incremental=incremental,
                headers=headers,
                include_plan=include_plan,
                claims=claims,
            )
            if not isinstance(outcome, dict):
                return _incremental_response(outcome, gateway, query, params.operation_name, record)
            result = outcome
            if _has_code(result, DEFER_NOT_ACCEPTED):
                # Apollo Router's answer: 406, the client cannot read the response it asked for.
                record.errors = len(result["errors"])
                return Response(orjson.dumps(result), status_code=406, media_type=media_type)
        else:
            result = await gateway.execute(
                query,
                params.variables,
                params.operation_name,
                headers=headers,
                include_plan=include_plan,
                claims=claims,
            )
        record.operation_name = gateway.operation_name(query, params.operation_name) or params.operation_name
        if tracer is not None and (operation_type := gateway.operation_type(query, params.operation_name)):
            set_operation_type(operation_type.value)
        record.valid = "data" in result
        record.errors = len(result.get("errors", ()))
        # graphql-response+json: a response without "data" never reached execution -> 400.
        status = 400 if media_type == GRAPHQL_RESPONSE_JSON and "data" not in result else 200
        body = orjson.dumps(result)
        if response_cache is not None:
            await response_cache.finished(cached, operation, result, body)
        return Response(body, status_code=status, media_type=media_type)

    async def graphiql(request: Request) -> Response:
        return graphiql_page()

    async def live(_request: Request) -> Response:
        return _json({"status": "ok"})

    async def ready(request: Request) -> Response:
        runtime: Runtime = request.app.state.runtime
        probe: SubgraphProbe = request.app.state.probe
        readiness = await probe.check(runtime.gateway.subgraph_urls)
        down = readiness.down
        body = {
            "status": "unavailable" if down else "ok",
            "subgraphs": {name: "up" if up else "down" for name, up in sorted(readiness.subgraphs.items())},
            "down": down,
        }
        return _json(body, status=503 if down else 200)

    async def metrics_endpoint(_request: Request) -> Response:
        assert metrics is not None
        return Response(metrics.render(), media_type=CONTENT_TYPE_LATEST)

    middleware = [Middleware(AccessLogMiddleware, metrics=metrics)]
    if tracer is not None:
        # Around the access log, so its line carries the request span's trace id.
        middleware.insert(0, Middleware(TracingMiddleware, tracer=tracer))
    if settings.security_headers:
        # Outermost: every response gets them, errors of the other middleware included.
        middleware.insert(0, Middleware(SecurityHeadersMiddleware, hsts=settings.hsts))
    if settings.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(settings.cors_origins),
                allow_methods=["GET", "POST", "OPTIONS"],
                allow_headers=["content-type", "authorization", "graphql-require-preflight", "x-request-id"],
                expose_headers=["x-request-id"],
                allow_credentials=settings.cors_allow_credentials,
                max_age=600,
            )
        )
    routes: list[BaseRoute] = [
        Route("/graphql", graphql, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql_websocket(settings, propagation)),
        Route("/health/live", live, methods=["GET"]),
        Route("/health/ready", ready, methods=["GET"]),
    ]
    if metrics is not None:
        routes.append(Route("/metrics", metrics_endpoint, methods=["GET"]))
    if settings.graphiql_enabled:
        routes += [
            Route("/", graphiql, methods=["GET"]),
            Route("/graphiql/static/{name}", asset_response, methods=["GET"]),
        ]
    if storefront_dir is not None:
        routes += storefront_routes(storefront_dir)
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.settings = settings
    app.state.metrics = metrics
    return app


def _demand_control(settings: RouterSettings, metrics: RouterMetrics | None) -> DemandControl | None:
    """Demand control as configured; enforce mode without a maximum is a set-up mistake."""
    if settings.demand_control_mode == "off":
        return None
    if settings.demand_control_mode == "enforce" and settings.demand_control_max_cost is None:
        raise StartupError(
            "ROUTER_DEMAND_CONTROL_MODE=enforce needs ROUTER_DEMAND_CONTROL_MAX_COST (the largest estimated"
            " cost to accept); or use ROUTER_DEMAND_CONTROL_MODE=measure to watch estimates first"
        )
    return DemandControl(
        mode=settings.demand_control_mode,
        max_cost=settings.demand_control_max_cost,
        list_size=settings.demand_control_list_size,
        observer=metrics.cost_estimated if metrics is not None else None,
    )


def _manifest(settings: RouterSettings) -> PersistedQueryManifest | None:
    """The trusted documents, read at start-up; a safelist without them is a set-up mistake."""
    if settings.persisted_queries_manifest is None:
        if settings.persisted_queries_safelist != "off" or settings.persisted_queries_require_id:
            raise StartupError(
                "ROUTER_PERSISTED_QUERIES_SAFELIST / ROUTER_PERSISTED_QUERIES_REQUIRE_ID need "
                "ROUTER_PERSISTED_QUERIES_MANIFEST (the path of an Apollo persisted query manifest)"
            )
        return None
    try:
        return PersistedQueryManifest.load(settings.persisted_queries_manifest)
    except ManifestError as exc:
        raise StartupError(f"{exc} (ROUTER_PERSISTED_QUERIES_MANIFEST)") from exc


def _response_cache(settings: RouterSettings, metrics: RouterMetrics | None) -> PublicResponseCache | None:
    if not settings.response_cache:
        return None
    cache: ResponseCache = (
        RedisResponseCache.from_url(
            settings.response_cache_redis_url, ttl_seconds=settings.response_cache_ttl_seconds
        )
        if settings.response_cache_redis_url
        else MemoryResponseCache(
            size=settings.response_cache_size, ttl_seconds=settings.response_cache_ttl_seconds
        )
    )
    return PublicResponseCache(cache, observer=metrics)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _load(sdl: str) -> Supergraph:
    try:
        return load_supergraph(sdl)
    except SupergraphError as exc:
        raise StartupError(f"the supergraph is not valid: {exc}") from exc


def _check_timeouts(settings: RouterSettings, supergraph: Supergraph) -> None:
    unknown = sorted(set(settings.subgraph_timeouts) - set(supergraph.subgraphs))
    if unknown:
        raise StartupError(
            f"ROUTER_SUBGRAPH_TIMEOUTS names unknown subgraph(s) {', '.join(unknown)}; "
            f"the supergraph has {', '.join(sorted(supergraph.subgraphs))}"
        )


def _has_code(result: Mapping[str, Any], code: str) -> bool:
    return any((e.get("extensions") or {}).get("code") == code for e in result.get("errors", ()))


def _incremental_response(
    payloads: AsyncIterator[dict[str, Any]],
    gateway: Gateway,
    query: str,
    operation_name: str | None,
    record: RequestRecord,
) -> StreamingResponse:
    """Stream the payloads as ``multipart/mixed`` (always 200: the operation ran). The request's
    record counts the errors of every payload; the access log writes it once the stream is done."""
    record.operation_name = gateway.operation_name(query, operation_name) or operation_name
    record.valid = True

    async def counted() -> AsyncIterator[dict[str, Any]]:
        async for payload in payloads:
            record.errors += len(payload.get("errors", ()))
            for entry in payload.get("incremental", ()):
                record.errors += len(entry.get("errors", ()))
            yield payload

    return StreamingResponse(multipart_body(counted()), status_code=200, media_type=MULTIPART_DEFER)


def _wants_html(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "text/html" in accept and "query" not in request.query_params


def _json(body: Any, *, status: int = 200) -> Response:
    return Response(orjson.dumps(body), status_code=status, media_type=_JSON)


def _graphql_errors(errors: list[dict[str, Any]], media_type: str, record: RequestRecord) -> Response:
    """A response with request errors only (nothing executed): 400 for graphql-response+json."""
    record.errors = len(errors)
    status = 400 if media_type == GRAPHQL_RESPONSE_JSON else 200
    return Response(orjson.dumps({"errors": errors}), status_code=status, media_type=media_type)


def _error_response(
    message: str,
    status: int,
    *,
    headers: Mapping[str, str] | None = None,
    media_type: str = _JSON,
) -> Response:
    body: dict[str, Any] = {"errors": [{"message": message, "extensions": {"code": "BAD_REQUEST"}}]}
    return Response(
        orjson.dumps(body), status_code=status, media_type=media_type, headers=dict(headers or {})
    )

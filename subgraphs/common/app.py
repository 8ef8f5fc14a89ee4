"""The FastAPI app factory every subgraph uses: GraphQL route, internal REST, health, lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import strawberry
from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from .auth import TokenService
from .cache import EntityCache, open_entity_cache
from .database import Database
from .dependencies import GraphQLRoute, get_context
from .logs import AccessLogMiddleware
from .metrics import MetricsMiddleware, SubgraphMetrics
from .outbox import OUTBOX_TABLE, read_backlog
from .service import ServiceClient
from .settings import SubgraphSettings, database_url_for
from .tracing import TracingMiddleware, instrument_engine, subgraph_tracer

__all__ = ["SubgraphSpec", "create_subgraph_app"]

log = logging.getLogger("subgraphs")

Seeder = Callable[[AsyncSession, SubgraphSettings], Awaitable[None]]
#: Something that runs beside the app for its whole life (outbox relay, event consumer): entered
#: after the schema and seed are in place, exited in reverse order before the database closes.
Background = Callable[[FastAPI], AbstractAsyncContextManager[None]]


@dataclass(frozen=True, slots=True, kw_only=True)
class SubgraphSpec:
    """What makes one domain a subgraph: its name, schema, tables, seed data and REST routes."""

    name: str
    schema: strawberry.federation.Schema
    metadata: MetaData
    seed: Seeder | None = None
    rest: APIRouter | None = None
    extra_state: dict[str, Any] = field(default_factory=dict)
    background: tuple[Background, ...] = ()
    #: Like ``background``, but what the API itself needs to answer (e.g. the feed of live
    #: subscriptions): entered first, and also with ``BACKGROUND_TASKS=false``.
    serving: tuple[Background, ...] = ()


def create_subgraph_app(
    spec: SubgraphSpec,
    *,
    settings: SubgraphSettings | None = None,
    database_url: str | None = None,
    http_transport: httpx.AsyncBaseTransport | None = None,
    seed_on_start: bool = True,
) -> FastAPI:
    """Build the subgraph's app. ``http_transport`` lets tests route internal calls in-process."""
    settings = settings or SubgraphSettings()
    settings.check_production()
    url = database_url or database_url_for(spec.name, settings)
    tracer = subgraph_tracer(settings, service_name=spec.name)
    metrics = SubgraphMetrics(spec.name)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        database = Database(url)
        if tracer is not None:
            instrument_engine(database.engine, tracer, subgraph=spec.name)
        http = httpx.AsyncClient(transport=http_transport, timeout=settings.service_timeout_seconds)
        app.state.database = database
        app.state.http = http
        app.state.services = ServiceClient(settings=settings, http=http)
        try:
            await database.create_schema(spec.metadata)
            if seed_on_start and spec.seed is not None:
                async with database.session() as session:
                    await spec.seed(session, settings)
            async with AsyncExitStack() as background:
                for run_beside in spec.serving:
                    await background.enter_async_context(run_beside(app))
                for run_beside in spec.background if settings.background_tasks else ():
                    await background.enter_async_context(run_beside(app))
                yield
        finally:
            # After the background tasks (consumers acked, relay stopped): each client closes even
            # if another fails to, so a shutdown never leaves a pool open behind an error.
            for what, close in (
                ("HTTP client", http.aclose),
                ("database pool", database.dispose),
                ("entity cache", app.state.cache.aclose),
            ):
                try:
                    await close()
                except Exception:
                    log.exception("%s: closing the %s failed", spec.name, what)

    app = FastAPI(
        title=f"{spec.name} subgraph",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        # Spans come from tracing.py (named per subgraph, on only with TRACING): FastAPI's own
        # would otherwise join any tracer provider in the process, duplicating the request span.
        telemetry={"tracing": False, "operation_spans": False},
    )
    app.state.name = spec.name
    app.state.settings = settings
    app.state.tokens = TokenService(settings)
    app.state.metrics = metrics
    #: Consumer name -> its subscription, added by each consumer as it subscribes (readiness).
    app.state.subscriptions = {}
    # Built here, not in the lifespan (a Redis client connects on first use), so that a domain's
    # app factory can bind its loaders to it (subgraphs/products/app.py).
    app.state.cache = open_entity_cache(
        settings.cache_redis_url,
        prefix=settings.cache_key_prefix,
        subgraph=spec.name,
        metadata=spec.metadata,
        ttl_seconds=settings.cache_ttl_seconds,
        hold_seconds=settings.cache_invalidation_hold_seconds,
    )
    for key, value in spec.extra_state.items():
        setattr(app.state, key, value)

    graphql = GraphQLRoute(
        spec.schema,
        context_getter=get_context,
        graphql_ide=None,
        subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
    )
    app.include_router(graphql, prefix="/graphql")
    if spec.rest is not None:
        app.include_router(spec.rest)
    app.include_router(_health_routes())
    if OUTBOX_TABLE in spec.metadata.tables:
        metrics.watch_outbox(lambda: read_backlog(app.state.database))
    app.include_router(_metrics_routes(spec.name, app.state.cache, metrics))
    _install_error_handlers(app)
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    app.add_middleware(AccessLogMiddleware)  # inside the tracing span: its lines carry the trace id
    if tracer is not None:
        app.add_middleware(TracingMiddleware, tracer=tracer, subgraph=spec.name)  # outermost: added last
    return app


def _health_routes() -> APIRouter:
    router = APIRouter(prefix="/health", tags=["health"])

    @router.get("/live")
    async def live() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/ready")
    async def ready(request: Request) -> JSONResponse:
        ok = await request.app.state.database.ping()
        return JSONResponse(
            {"status": "ok" if ok else "unavailable", "database": ok}, status_code=200 if ok else 503
        )

    return router


def _metrics_routes(name: str, cache: EntityCache, metrics: SubgraphMetrics) -> APIRouter:
    """``/metrics``: Prometheus text of a registry of this app's own (two apps in one process,
    as in tests, never share counters): request and event metrics (metrics.py), the outbox backlog
    and the entity cache's. Hit ratio = hits / (hits + misses)."""
    metrics.registry.register(_CacheCollector(name, cache))
    router = APIRouter(tags=["metrics"])

    @router.get("/metrics")
    async def scrape() -> Response:
        return Response(await metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

    return router


class _CacheCollector(Collector):
    """Reads the entity cache's counters when scraped (the cache counts; nothing is counted twice)."""

    def __init__(self, name: str, cache: EntityCache) -> None:
        self._name = name
        self._cache = cache

    def collect(self) -> Iterator[Metric]:
        by_kind = self._cache.stats_by_kind()
        for metric, help_text, counted in (
            ("subgraph_entity_cache_hits", "Entity cache lookups that found the entity.", "hits"),
            ("subgraph_entity_cache_misses", "Entity cache lookups answered by the database.", "misses"),
            ("subgraph_entity_cache_errors", "Failed Redis round trips of the entity cache.", "errors"),
        ):
            family = CounterMetricFamily(metric, help_text, labels=["subgraph", "kind"])
            for kind, stats in by_kind.items():
                family.add_metric([self._name, kind], getattr(stats, counted))
            yield family
        ratio = GaugeMetricFamily(
            "subgraph_entity_cache_hit_ratio",
            "Entity cache hits / lookups so far.",
            labels=["subgraph", "kind"],
        )
        for kind, stats in by_kind.items():
            ratio.add_metric([self._name, kind], stats.hit_ratio)
        yield ratio


def _install_error_handlers(app: FastAPI) -> None:
    """REST errors as ``{"detail": "<readable message>"}``; never a stack trace to a client."""

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = []
        for error in exc.errors():
            location = ".".join(str(part) for part in error.get("loc", ()) if part != "body")
            problems.append(
                f"{location}: {error.get('msg', 'invalid')}" if location else error.get("msg", "")
            )
        return JSONResponse(
            {"detail": "; ".join(problems) or "invalid request", "errors": _jsonable(exc.errors())},
            status_code=422,
        )

    @app.exception_handler(HTTPException)
    async def http_error(_request: Request, exc: HTTPException) -> JSONResponse:
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse({"detail": "internal error"}, status_code=500)


def _jsonable(errors: Any) -> list[dict[str, Any]]:
    out = []
    for error in errors:
        out.append({"loc": list(error.get("loc", ())), "msg": error.get("msg"), "type": error.get("type")})
    return out

"""The router's ASGI app: ``/graphql`` (POST, GET), GraphiQL, health.

One pooled ``httpx.AsyncClient`` is created in the lifespan and shared by every subgraph fetch.
"""

from __future__ import annotations

import logging
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
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from router.executor import Gateway
from router.supergraph import SupergraphError, load_supergraph

from ._graphiql import asset_response, graphiql_page
from ._http import (
    GRAPHQL_RESPONSE_JSON,
    BadRequest,
    choose_media_type,
    read_params,
    violates_csrf_rules,
)
from ._settings import RouterSettings

__all__ = ["create_app"]

log = logging.getLogger("router")

#: Request headers passed on to subgraphs (everything else, hop-by-hop headers included, is dropped).
_PROPAGATED_HEADERS = ("authorization", "x-request-id")


class StartupError(Exception):
    """The router cannot start; the message says what to change."""


def create_app(
    *,
    supergraph_path: Path | None = None,
    supergraph_sdl: str | None = None,
    settings: RouterSettings | None = None,
    http_transport: httpx.AsyncBaseTransport | None = None,
    subgraph_urls: Mapping[str, str] | None = None,
) -> Starlette:
    settings = settings or RouterSettings()
    sdl = supergraph_sdl
    if sdl is None:
        path = supergraph_path or settings.supergraph_path
        try:
            sdl = Path(path).read_text()
        except OSError as exc:
            raise StartupError(f"cannot read the supergraph {path}: {exc.strerror}") from exc
    urls = {**settings.subgraph_urls, **(subgraph_urls or {})}
    try:
        supergraph = load_supergraph(sdl)
    except SupergraphError as exc:
        raise StartupError(f"the supergraph is not valid: {exc}") from exc

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        limits = httpx.Limits(max_connections=settings.max_connections, max_keepalive_connections=settings.max_connections)
        async with httpx.AsyncClient(
            transport=http_transport, limits=limits, timeout=settings.subgraph_timeout_seconds
        ) as http:
            app.state.gateway = Gateway(
                supergraph, http=http, subgraph_urls=urls or None, plan_cache_size=settings.plan_cache_size
            )
            yield

    async def graphql(request: Request) -> Response:
        if request.method == "GET" and settings.graphiql and _wants_html(request):
            return graphiql_page()
        media_type = choose_media_type(request.headers.get("accept"))
        if media_type is None:
            return _error_response(
                "Accept must allow application/graphql-response+json or application/json", 406
            )
        try:
            if settings.csrf_prevention and violates_csrf_rules(request):
                raise BadRequest(
                    "This request has been blocked as a potential Cross-Site Request Forgery (CSRF). "
                    "Send Content-Type: application/json, or a GraphQL-Require-Preflight header."
                )
            params = await read_params(request, max_body_bytes=settings.max_body_bytes)
            gateway: Gateway = request.app.state.gateway
            if request.method == "GET" and gateway.operation_type(
                params.query, params.operation_name
            ) not in (None, OperationType.QUERY):
                raise BadRequest(
                    "Only queries can be sent with GET; send mutations with POST.",
                    status=405,
                    headers={"Allow": "POST"},
                )
        except BadRequest as exc:
            return _error_response(exc.message, exc.status, headers=exc.headers, media_type=media_type)

        headers = {name: value for name in _PROPAGATED_HEADERS if (value := request.headers.get(name))}
        include_plan = settings.mode == "development" and bool(request.headers.get("x-include-query-plan"))
        result = await gateway.execute(
            params.query, params.variables, params.operation_name, headers=headers, include_plan=include_plan
        )
        # graphql-response+json: a response without "data" never reached execution -> 400.
        status = 400 if media_type == GRAPHQL_RESPONSE_JSON and "data" not in result else 200
        return Response(orjson.dumps(result), status_code=status, media_type=media_type)

    async def graphiql(request: Request) -> Response:
        return graphiql_page()

    async def live(_request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def ready(request: Request) -> Response:
        gateway: Gateway = request.app.state.gateway
        return JSONResponse({"status": "ok", "subgraphs": sorted(gateway.subgraph_urls)})

    middleware = []
    if settings.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(settings.cors_origins),
                allow_methods=["GET", "POST", "OPTIONS"],
                allow_headers=["content-type", "authorization", "graphql-require-preflight", "x-request-id"],
                allow_credentials=settings.cors_allow_credentials,
                max_age=600,
            )
        )
    routes = [
        Route("/graphql", graphql, methods=["GET", "POST"]),
        Route("/health/live", live, methods=["GET"]),
        Route("/health/ready", ready, methods=["GET"]),
    ]
    if settings.graphiql:
        routes += [
            Route("/", graphiql, methods=["GET"]),
            Route("/graphiql/static/{name}", asset_response, methods=["GET"]),
        ]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.settings = settings
    app.state.supergraph = supergraph
    return app


def _wants_html(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "text/html" in accept and "query" not in request.query_params


def _error_response(
    message: str,
    status: int,
    *,
    headers: Mapping[str, str] | None = None,
    media_type: str = "application/json",
) -> Response:
    body: dict[str, Any] = {"errors": [{"message": message, "extensions": {"code": "BAD_REQUEST"}}]}
    return Response(orjson.dumps(body), status_code=status, media_type=media_type, headers=dict(headers or {}))

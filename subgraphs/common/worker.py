"""The HTTP side of ``supergraph worker``: the subgraph apps' relays and consumers run in its
lifespan, and it answers what an orchestrator and Prometheus ask of any process.

    /health/live    200 while the process runs
    /health/ready   200 once every app's background tasks started, each consumer receives
                    (RabbitMQ: its queue declared and consumed) and each database answers; else 503
                    with what is missing
    /metrics        every app's metrics in one exposition (each family once)

The apps' own HTTP routes are never served: only their lifespans run, entered in order and exited in
reverse on SIGTERM, so consumers stop after acking what they hold, exactly as in an API process.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from typing import TYPE_CHECKING, Any

from prometheus_client import CONTENT_TYPE_LATEST
from starlette.applications import Starlette
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .metrics import combined_exposition

if TYPE_CHECKING:
    from fastapi import FastAPI
    from starlette.requests import Request

__all__ = ["create_worker_app"]

log = logging.getLogger("subgraphs.worker")

#: A readiness probe times out after 2 s (deploy/k8s/worker.yaml): each database gets less.
_PING_TIMEOUT_SECONDS = 1.5


def create_worker_app(apps: Sequence[FastAPI]) -> Starlette:
    """The worker's ASGI app over ``apps`` (subgraph apps built with ``background_tasks`` on)."""
    apps = tuple(apps)
    started: set[str] = set()

    @asynccontextmanager
    async def lifespan(_worker: Starlette) -> AsyncIterator[None]:
        async with AsyncExitStack() as running:
            for app in apps:
                await running.enter_async_context(app.router.lifespan_context(app))
                started.add(app.state.name)
                log.info("%s: relay and consumers running", app.state.name)
            try:
                yield
            finally:
                log.info("worker stopping")
                started.clear()  # a probe during shutdown answers 503

    async def live(_request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def ready(_request: Request) -> JSONResponse:
        report = dict(
            zip(
                (app.state.name for app in apps),
                await asyncio.gather(*(_readiness(app, app.state.name in started) for app in apps)),
                strict=True,
            )
        )
        ok = all(entry["ready"] for entry in report.values())
        return JSONResponse(
            {"status": "ok" if ok else "unavailable", "subgraphs": report}, status_code=200 if ok else 503
        )

    async def metrics(_request: Request) -> Response:
        exposition = await combined_exposition([app.state.metrics for app in apps])
        return Response(exposition, media_type=CONTENT_TYPE_LATEST)

    return Starlette(
        routes=[
            Route("/health/live", live),
            Route("/health/ready", ready),
            Route("/metrics", metrics),
        ],
        lifespan=lifespan,
    )


async def _readiness(app: FastAPI, started: bool) -> dict[str, Any]:
    """One app's part of /health/ready: started, each consumer receiving, database answering."""
    consumers = {name: s.ready.is_set() for name, s in getattr(app.state, "subscriptions", {}).items()}
    database = False
    if started:
        try:
            database = await asyncio.wait_for(app.state.database.ping(), _PING_TIMEOUT_SECONDS)
        except TimeoutError:
            database = False
    return {
        "ready": started and database and all(consumers.values()),
        "started": started,
        "database": database,
        "consumers": consumers,
    }

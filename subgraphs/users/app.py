"""The users subgraph's app factory (``uvicorn --factory subgraphs.users.app:create_app``)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from prometheus_client.core import CounterMetricFamily
from prometheus_client.registry import Collector

from subgraphs.common import SubgraphSettings, SubgraphSpec, create_subgraph_app, outbox_relay

from .accounts import LoginThrottle, Passwords, RegistrationThrottle
from .models import Base, seed
from .rest import router
from .schema import schema
from .throttle import open_windows

if TYPE_CHECKING:
    from fastapi import FastAPI
    from prometheus_client.core import Metric

    from .throttle import Windows

__all__ = ["SPEC", "create_app"]

log = logging.getLogger("subgraphs")

SPEC = SubgraphSpec(
    name="users", schema=schema, metadata=Base.metadata, seed=seed, rest=router, background=(outbox_relay,)
)


def create_app(**options: Any) -> FastAPI:
    """One app; the password hasher and the sign-in throttles (sharing one store of windows, Redis
    when configured) are built from its settings once and shared by its requests."""
    settings: SubgraphSettings = options.pop("settings", None) or SubgraphSettings()
    windows = open_windows(settings)
    spec = replace(
        SPEC,
        extra_state={
            "passwords": Passwords.from_settings(settings),
            "login_throttle": LoginThrottle.from_settings(settings, windows),
            "registration_throttle": RegistrationThrottle.from_settings(settings, windows),
            "throttle_windows": windows,
        },
    )
    app = create_subgraph_app(spec, settings=settings, **options)
    app.state.metrics.registry.register(_ThrottleCollector(spec.name, windows))
    _close_on_shutdown(app, windows)
    return app


def _close_on_shutdown(app: FastAPI, windows: Windows) -> None:
    """Close the throttle's Redis client after the common lifespan has closed the rest."""
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[Any]:
        try:
            async with inner(app) as state:
                yield state
        finally:
            try:
                await windows.aclose()
            except Exception:
                log.exception("users: closing the throttle store failed")

    app.router.lifespan_context = lifespan


class _ThrottleCollector(Collector):
    """``subgraph_throttle_store_errors``: failed Redis round trips of the sign-in throttles (each
    one throttled in process instead), read from the windows when scraped."""

    def __init__(self, subgraph: str, windows: Windows) -> None:
        self._subgraph = subgraph
        self._windows = windows

    def collect(self) -> Iterator[Metric]:
        family = CounterMetricFamily(
            "subgraph_throttle_store_errors",
            "Failed Redis round trips of the sign-in throttles (throttled per process instead).",
            labels=["subgraph"],
        )
        family.add_metric([self._subgraph], self._windows.errors())
        yield family

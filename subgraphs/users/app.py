"""The users subgraph's app factory (``uvicorn --factory subgraphs.users.app:create_app``)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from fastapi import FastAPI

from subgraphs.common import SubgraphSettings, SubgraphSpec, create_subgraph_app, outbox_relay

from .accounts import LoginThrottle, Passwords
from .models import Base, seed
from .rest import router
from .schema import schema

__all__ = ["SPEC", "create_app"]

SPEC = SubgraphSpec(
    name="users", schema=schema, metadata=Base.metadata, seed=seed, rest=router, background=(outbox_relay,)
)


def create_app(**options: Any) -> FastAPI:
    """One app; the password hasher and the login throttle are built from its settings once and
    shared by its requests."""
    settings: SubgraphSettings = options.pop("settings", None) or SubgraphSettings()
    spec = replace(
        SPEC,
        extra_state={
            "passwords": Passwords.from_settings(settings),
            "login_throttle": LoginThrottle.from_settings(settings),
        },
    )
    return create_subgraph_app(spec, settings=settings, **options)

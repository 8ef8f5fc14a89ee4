"""The orders subgraph's app factory (``uvicorn --factory subgraphs.orders.app:create_app``)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from subgraphs.common import SubgraphSpec, create_subgraph_app, outbox_relay

from .models import Base, seed
from .rest import router
from .schema import schema

__all__ = ["SPEC", "create_app"]

SPEC = SubgraphSpec(
    name="orders", schema=schema, metadata=Base.metadata, seed=seed, rest=router, background=(outbox_relay,)
)


def create_app(**options: Any) -> FastAPI:
    return create_subgraph_app(SPEC, **options)

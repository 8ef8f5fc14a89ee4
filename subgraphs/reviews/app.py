"""The reviews subgraph's app factory (``uvicorn --factory subgraphs.reviews.app:create_app``)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from subgraphs.common import SubgraphSpec, create_subgraph_app, outbox_relay

from .models import Base, seed
from .schema import schema

__all__ = ["SPEC", "create_app"]

# No internal REST: no other subgraph needs anything from reviews (the router uses GraphQL).
SPEC = SubgraphSpec(
    name="reviews", schema=schema, metadata=Base.metadata, seed=seed, background=(outbox_relay,)
)


def create_app(**options: Any) -> FastAPI:
    return create_subgraph_app(SPEC, **options)

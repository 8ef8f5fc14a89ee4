"""The products subgraph's FastAPI app factory (``uvicorn --factory subgraphs.products.app:create_app``)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from subgraphs.common import SubgraphSpec, create_subgraph_app, outbox_relay

from .loaders import ProductLoaders, cache_invalidator
from .models import Base, seed
from .rest import router
from .schema import schema

__all__ = ["SPEC", "create_app"]

SPEC = SubgraphSpec(
    name="products",
    schema=schema,
    metadata=Base.metadata,
    seed=seed,
    rest=router,
    # The invalidator first: its queue is bound before the relay publishes the first event.
    background=(cache_invalidator, outbox_relay),
)


def create_app(**options: Any) -> FastAPI:
    app = create_subgraph_app(SPEC, **options)
    app.state.product_loaders = ProductLoaders(app.state.cache)
    return app

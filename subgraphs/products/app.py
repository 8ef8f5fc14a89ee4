"""The products subgraph's FastAPI app factory (``uvicorn --factory subgraphs.products.app:create_app``)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from subgraphs.common import SubgraphSpec, create_subgraph_app

from .loaders import ProductLoaders
from .models import Base, seed
from .rest import router
from .schema import schema

__all__ = ["SPEC", "create_app"]

SPEC = SubgraphSpec(name="products", schema=schema, metadata=Base.metadata, seed=seed, rest=router)


def create_app(**options: Any) -> FastAPI:
    app = create_subgraph_app(SPEC, **options)
    app.state.product_loaders = ProductLoaders(app.state.cache)
    return app

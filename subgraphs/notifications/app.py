"""The notifications subgraph's app factory (``uvicorn --factory subgraphs.notifications.app:create_app``).

Port 4006. Its lifespan runs the event consumer beside the GraphQL route (``SubgraphSpec.background``).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from subgraphs.common import SubgraphSpec, create_subgraph_app

from .events import notification_consumer
from .models import Base
from .schema import schema

__all__ = ["SPEC", "create_app"]

SPEC = SubgraphSpec(
    name="notifications", schema=schema, metadata=Base.metadata, background=(notification_consumer,)
)


def create_app(**options: Any) -> FastAPI:
    return create_subgraph_app(SPEC, **options)

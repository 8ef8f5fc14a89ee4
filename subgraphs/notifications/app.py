"""The notifications subgraph's app factory (``uvicorn --factory subgraphs.notifications.app:create_app``).

Port 4006. Its lifespan runs the event consumer beside the GraphQL route (``SubgraphSpec.background``)
and, in every API process, the feed of live ``notificationAdded`` subscriptions (``serving``).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from subgraphs.common import SubgraphSpec, create_subgraph_app

from .events import notification_consumer
from .live import live_notifications
from .models import Base
from .schema import schema

__all__ = ["SPEC", "create_app"]

SPEC = SubgraphSpec(
    name="notifications",
    schema=schema,
    metadata=Base.metadata,
    background=(notification_consumer,),
    serving=(live_notifications,),
)


def create_app(**options: Any) -> FastAPI:
    return create_subgraph_app(SPEC, **options)

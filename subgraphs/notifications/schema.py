"""The notifications subgraph's schema: the inbox on ``User`` and ``markNotificationRead``."""

from __future__ import annotations

import strawberry

from subgraphs.common import NotFound, SubgraphContext, federated_schema

from . import models
from .types import Notification, User

__all__ = ["Mutation", "Query", "schema"]

Info = strawberry.Info[SubgraphContext, None]


@strawberry.type
class Query:
    """Notifications has no root fields of its own: clients read them through ``User``."""


@strawberry.type
class Mutation:
    @strawberry.federation.mutation(
        authenticated=True,
        description=(
            "Mark one of your notifications read (repeating it keeps the first read time). "
            "NOT_FOUND when it does not exist or is not yours."
        ),
    )
    async def mark_notification_read(self, info: Info, id: strawberry.ID) -> Notification:
        viewer = info.context.require_viewer()
        seq = models.parse_notification_id(str(id))
        row = (
            None if seq is None else await models.mark_read(info.context.session, seq, user_id=viewer.user_id)
        )
        if row is None:
            # Someone else's notification is reported exactly like a missing one: ids reveal nothing.
            raise NotFound(f"Notification {id} not found.")
        return Notification.from_row(row)


schema = federated_schema(query=Query, mutation=Mutation, types=(User, Notification))

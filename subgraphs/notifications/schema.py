"""The notifications subgraph's schema: the inbox on ``User``, ``markNotificationRead`` and the
live ``notificationAdded`` subscription (served over graphql-transport-ws on ``/graphql``)."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry
from strawberry.federation.schema_directives import Authenticated

from subgraphs.common import NotFound, ServiceUnavailable, SubgraphContext, federated_schema

from . import models
from .types import Notification, User

__all__ = ["Mutation", "Query", "Subscription", "schema"]

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


@strawberry.type
class Subscription:
    @strawberry.subscription(
        directives=[Authenticated()],
        description=(
            "Your new notifications, each as soon as it is stored (UNAUTHENTICATED when signed out). "
            "Live delivery is best effort: the inbox has every notification."
        ),
    )
    async def notification_added(self, info: Info) -> AsyncGenerator[Notification, None]:
        viewer = info.context.require_viewer()
        feed = getattr(info.context.state, "notification_feed", None)
        if feed is None:
            raise ServiceUnavailable("Live notifications are not available on this server.")
        async for live in feed.stream(viewer.user_id):
            yield Notification(
                id=strawberry.ID(live.id),
                kind=models.NotificationKind(live.kind),
                message=live.message,
                created_at=live.created_at,
                read_at=None,
                owner_id=live.user_id,
            )


schema = federated_schema(
    query=Query, mutation=Mutation, subscription=Subscription, types=(User, Notification)
)

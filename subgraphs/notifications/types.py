"""GraphQL types of the notifications subgraph: ``Notification`` and what it adds to ``User``."""

from __future__ import annotations

from datetime import datetime

import strawberry

from subgraphs.common import (
    DEFAULT_PAGE_SIZE,
    BadUserInput,
    Connection,
    Forbidden,
    SubgraphContext,
    connection_from_rows,
    keyset_window,
)

from . import models
from .loaders import NotificationLoader, UnreadCountLoader

__all__ = ["Notification", "NotificationKind", "User"]

Info = strawberry.Info[SubgraphContext, None]

NotificationKind = strawberry.enum(models.NotificationKind, description="What a notification is about.")

_CURSOR_KIND = "notifications"


@strawberry.federation.type(
    keys=["id"], description="A message to one user about something that happened (an order, a review, ...)."
)
class Notification:
    id: strawberry.ID
    kind: NotificationKind
    message: str = strawberry.field(description="Human-readable text, ready to show.")
    created_at: datetime = strawberry.field(description="When the notification was created (UTC).")
    read_at: datetime | None = strawberry.field(
        description="When its owner marked it read; null while unread."
    )
    owner_id: strawberry.Private[str]

    @strawberry.field(description="The user the notification is for (its owner).")
    def user(self) -> User:
        return User(id=strawberry.ID(self.owner_id))

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> Notification | None:
        """Batched through :class:`NotificationLoader`. Only the owner sees one; for anyone else
        it resolves to null exactly like an unknown id, so ids reveal nothing."""
        seq = models.parse_notification_id(str(id))
        viewer = info.context.viewer
        if seq is None or viewer is None:
            return None
        row = await info.context.loader(NotificationLoader).load(seq)
        if row is None or row.user_id != viewer.user_id:
            return None
        return cls.from_row(row)

    @classmethod
    def from_row(cls, row: models.NotificationRow) -> Notification:
        return cls(
            id=strawberry.ID(models.notification_id(row.seq)),
            kind=models.NotificationKind(row.kind),
            message=row.message,
            created_at=row.created_at,
            read_at=row.read_at,
            owner_id=row.user_id,
        )


def _require_owner(info: Info, user_id: str) -> None:
    """Notifications are private: only the user themself reads them (admins included: FORBIDDEN)."""
    viewer = info.context.require_viewer()
    if viewer.user_id != user_id:
        raise Forbidden("You can only read your own notifications.")


@strawberry.federation.type(keys=["id"])
class User:
    """A user of the users subgraph (which owns them); notifications adds their inbox. No SDL
    description, so it can never disagree with the owner's."""

    id: strawberry.ID

    @strawberry.federation.field(
        authenticated=True,
        description=(
            "The user's notifications, newest first. Only the user themself may read them "
            "(UNAUTHENTICATED when signed out, FORBIDDEN for anyone else)."
        ),
    )
    async def notifications(
        self,
        info: Info,
        unread_only: bool = False,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Connection[Notification]:
        _require_owner(info, str(self.id))
        first, key = keyset_window(_CURSOR_KIND, first, after)
        if key is not None and not key.isdigit():
            raise BadUserInput("`after` is not a valid cursor for this list.", argument="after")
        before = None if key is None else int(key)
        rows = await models.list_notifications(
            info.context.session, str(self.id), unread_only=unread_only, before=before, limit=first + 1
        )
        return connection_from_rows(
            rows, first=first, kind=_CURSOR_KIND, key=lambda row: str(row.seq), node=Notification.from_row
        )

    @strawberry.federation.field(
        description="How many of the user's notifications are unread (the user themself only).",
        authenticated=True,
    )
    async def unread_notification_count(self, info: Info) -> int:
        _require_owner(info, str(self.id))
        count: int = await info.context.loader(UnreadCountLoader).load(str(self.id))
        return count

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> User:
        """Any id is a user here: the users subgraph owns existence; a user without
        notifications simply has an empty inbox."""
        return cls(id=id)

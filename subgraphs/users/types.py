"""GraphQL types of the users subgraph: the ``User`` entity, its role, and sign-in payloads."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import strawberry

from subgraphs.common import SubgraphContext

from . import models
from .loaders import UserLoader
from .models import Role

if TYPE_CHECKING:
    from .accounts import SignIn

__all__ = ["AuthPayload", "Role", "User"]

strawberry.enum(Role, description="What a user may do: shop (CUSTOMER) or manage the shop (ADMIN).")


@strawberry.federation.type(
    keys=["id"],
    description=(
        "A person with an account. Name, role and creation time are public: anyone may look a "
        "user up (other subgraphs show e.g. a review's author). The email is private."
    ),
)
class User:
    id: strawberry.ID
    name: str
    role: Role
    created_at: datetime = strawberry.field(description="When the account was created (UTC).")
    private_email: strawberry.Private[str]
    #: True when the payload is the signing-in user's own (login/register), before any access token
    #: is on the request.
    own_account: strawberry.Private[bool] = False

    @strawberry.field(
        description=(
            "The sign-in email. Only the user themself and admins see it; for anyone else it is "
            "null (not an error), so public profile queries never fail because of it."
        )
    )
    def email(self, info: strawberry.Info[SubgraphContext, None]) -> str | None:
        viewer = info.context.viewer
        if self.own_account or (viewer is not None and (viewer.is_admin or viewer.user_id == self.id)):
            return self.private_email
        return None

    @classmethod
    async def resolve_reference(
        cls, info: strawberry.Info[SubgraphContext, None], id: strawberry.ID
    ) -> User | None:
        """Batched through the request's :class:`UserLoader`; an unknown id resolves to null."""
        row = await info.context.loader(UserLoader).load(str(id))
        return None if row is None else cls.from_row(row)

    @classmethod
    def from_row(cls, row: models.UserRow, *, own_account: bool = False) -> User:
        return cls(
            id=strawberry.ID(row.id),
            name=row.name,
            role=Role(row.role),
            created_at=row.created_at,
            private_email=row.email,
            own_account=own_account,
        )


@strawberry.type(description="A signed-in session: a short-lived access token and a rotating refresh token.")
class AuthPayload:
    access_token: str = strawberry.field(description="Send as `Authorization: Bearer <token>`.")
    refresh_token: str = strawberry.field(
        description="Exchange with `refreshToken` for a new pair; each one can be used only once."
    )
    expires_in: int = strawberry.field(description="Seconds until the access token expires.")
    user: User

    @classmethod
    def from_sign_in(cls, sign_in: SignIn) -> AuthPayload:
        return cls(
            access_token=sign_in.access_token,
            refresh_token=sign_in.refresh_token,
            expires_in=sign_in.expires_in,
            user=User.from_row(sign_in.user, own_account=True),
        )

"""The users subgraph's federated schema: profile queries and the sign-in mutations."""

from __future__ import annotations

import strawberry

from subgraphs.common import (
    DEFAULT_PAGE_SIZE,
    Connection,
    SubgraphContext,
    connection_from_rows,
    federated_schema,
    keyset_window,
)

from . import accounts
from .accounts import Passwords
from .loaders import UserLoader
from .models import list_users
from .types import AuthPayload, User

__all__ = ["Mutation", "Query", "schema"]

Info = strawberry.Info[SubgraphContext, None]

_CURSOR_KIND = "users"


def _passwords(info: Info) -> Passwords:
    passwords: Passwords = info.context.state.passwords
    return passwords


@strawberry.type
class Query:
    @strawberry.federation.field(
        description="The signed-in user. UNAUTHENTICATED without a valid access token.", authenticated=True
    )
    async def me(self, info: Info) -> User | None:
        viewer = info.context.require_viewer()
        row = await info.context.loader(UserLoader).load(viewer.user_id)
        return None if row is None else User.from_row(row)

    @strawberry.field(description="A user's public profile by id; null when there is no such user.")
    async def user(self, info: Info, id: strawberry.ID) -> User | None:
        row = await info.context.loader(UserLoader).load(str(id))
        return None if row is None else User.from_row(row)

    @strawberry.field(description="All users in id order. Admins only (FORBIDDEN for customers).")
    async def users(
        self, info: Info, first: int = DEFAULT_PAGE_SIZE, after: str | None = None
    ) -> Connection[User]:
        info.context.require_admin()
        first, after_id = keyset_window(_CURSOR_KIND, first, after)
        rows = await list_users(info.context.session, after=after_id, limit=first + 1)
        return connection_from_rows(
            rows, first=first, kind=_CURSOR_KIND, key=lambda row: row.id, node=User.from_row
        )


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description=(
            "Create a customer account and sign it in. The email must be valid and unused (CONFLICT); "
            "the password needs at least 10 characters and must differ from the email (BAD_USER_INPUT)."
        )
    )
    async def register(self, info: Info, email: str, name: str, password: str) -> AuthPayload:
        ctx = info.context
        sign_in = await accounts.register(
            ctx.session,
            _passwords(info),
            ctx.tokens,
            email=email,
            name=name,
            password=password,
            throttle=ctx.state.registration_throttle,
            client_ip=ctx.client_ip,
        )
        return AuthPayload.from_sign_in(sign_in)

    @strawberry.mutation(
        description=(
            "Sign in; wrong credentials are UNAUTHENTICATED with one generic message. After too many "
            "failures for the email or the client's address it is TOO_MANY_ATTEMPTS "
            "(extensions.retryAfter: seconds to wait)."
        )
    )
    async def login(self, info: Info, email: str, password: str) -> AuthPayload:
        ctx = info.context
        sign_in = await accounts.login(
            ctx.session,
            _passwords(info),
            ctx.tokens,
            email=email,
            password=password,
            throttle=ctx.state.login_throttle,
            client_ip=ctx.client_ip,
        )
        return AuthPayload.from_sign_in(sign_in)

    @strawberry.mutation(
        description=(
            "Exchange a refresh token for a new pair. Each refresh token works once: presenting a used "
            "one ends the whole sign-in (reuse detection) and is UNAUTHENTICATED."
        )
    )
    async def refresh_token(self, info: Info, refresh_token: str) -> AuthPayload:
        sign_in = await accounts.rotate(info.context.session, info.context.tokens, refresh_token)
        return AuthPayload.from_sign_in(sign_in)

    @strawberry.mutation(description="End the sign-in the refresh token belongs to. Always true on success.")
    async def logout(self, info: Info, refresh_token: str) -> bool:
        await accounts.logout(info.context.session, info.context.tokens, refresh_token)
        return True


schema = federated_schema(query=Query, mutation=Mutation)

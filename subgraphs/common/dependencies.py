"""FastAPI dependencies of every subgraph app: the request's database session, its GraphQL context,
and the service-token guard of ``/internal/v1`` routes.

FastAPI reads these functions' annotations at run time, so this module imports FastAPI for real;
it is kept apart from ``context`` and ``service`` so that a subgraph's schema can be imported
(``supergraph compose``) without FastAPI.
"""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.fastapi import BaseContext

from .context import SubgraphContext, authenticate_request
from .service import SERVICE_TOKEN_HEADER

__all__ = ["RequestContext", "get_context", "get_session", "require_service_token"]


class RequestContext(SubgraphContext, BaseContext):
    """The context the GraphQL route builds: a ``BaseContext`` too, so Strawberry's FastAPI
    integration accepts it and attaches the request, response and background tasks."""


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with request.app.state.database.session() as session:
        yield session


async def get_context(
    request: Request, session: Annotated[AsyncSession, Depends(get_session)]
) -> RequestContext:
    state = request.app.state
    viewer, auth_error, client_ip = authenticate_request(request, state.tokens)
    return RequestContext(
        session=session,
        settings=state.settings,
        services=state.services,
        tokens=state.tokens,
        viewer=viewer,
        auth_error=auth_error,
        state=state,
        client_ip=client_ip,
    )


async def require_service_token(request: Request, x_service_token: str | None = Header(default=None)) -> None:
    """FastAPI dependency guarding ``/internal/v1`` routes (constant-time comparison)."""
    expected: str = request.app.state.settings.service_token
    if x_service_token is None:
        raise HTTPException(status_code=401, detail=f"missing {SERVICE_TOKEN_HEADER} header")
    if not hmac.compare_digest(x_service_token.encode(), expected.encode()):
        raise HTTPException(status_code=401, detail="invalid service token")

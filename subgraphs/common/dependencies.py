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
from starlette.requests import HTTPConnection
from strawberry.fastapi import BaseContext, GraphQLRouter

from .context import SubgraphContext, authenticate_headers, authenticate_request
from .service import SERVICE_TOKEN_HEADER

__all__ = ["GraphQLRoute", "RequestContext", "get_context", "get_session", "require_service_token"]


class RequestContext(SubgraphContext, BaseContext):
    """The context the GraphQL route builds: a ``BaseContext`` too, so Strawberry's FastAPI
    integration accepts it and attaches the request, response and background tasks. Over a
    WebSocket it lives for the whole connection (Strawberry sets ``connection_params``)."""

    connection_params: object = None


class GraphQLRoute(GraphQLRouter[RequestContext, None]):
    """``/graphql``: queries and mutations over HTTP, subscriptions over graphql-transport-ws.

    A WebSocket's viewer comes from its upgrade request's headers (the router sends its signed
    ``X-Supergraph-Claims`` there), or, when the ``connection_init`` payload carries credentials
    (``X-Supergraph-Claims`` or ``Authorization``, as a browser client can only send them), from
    the payload, verified exactly like the headers.
    """

    async def on_ws_connect(self, context: RequestContext) -> None:
        params = context.connection_params
        if not isinstance(params, dict):
            return None
        payload = {str(key).lower(): str(value) for key, value in params.items() if isinstance(value, str)}
        if not payload.keys() & {"x-supergraph-claims", "authorization"}:
            return None
        peer = context.client_ip
        viewer, error, client_ip = authenticate_headers(payload, context.tokens, peer=peer)
        context.viewer, context.auth_error, context.client_ip = viewer, error, client_ip
        return None


async def get_session(request: HTTPConnection) -> AsyncIterator[AsyncSession]:
    async with request.app.state.database.session() as session:
        yield session


async def get_context(
    request: HTTPConnection, session: Annotated[AsyncSession, Depends(get_session)]
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

"""Per-request GraphQL context of a subgraph: database session, DataLoaders, the viewer.

The viewer comes from the router's signed ``X-Supergraph-Claims`` header when the request has one
(the router verified the client's token once; the header proves that with the internal secret), else
from a direct ``Authorization: Bearer`` access token (service use, tests), verified here the same
way the router verifies it. A present but invalid header is an authentication error, never a reason
to fall back: a forged router header must not turn into anything but UNAUTHENTICATED.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from .auth import INTERNAL_CLAIMS_HEADER, InvalidToken, Viewer
from .errors import Forbidden, Unauthenticated

if TYPE_CHECKING:
    from collections.abc import Mapping

    from aiodataloader import DataLoader
    from sqlalchemy.ext.asyncio import AsyncSession
    from starlette.requests import HTTPConnection, Request

    from .auth import TokenService
    from .service import ServiceClient
    from .settings import SubgraphSettings

__all__ = ["SubgraphContext", "authenticate_headers", "authenticate_request", "viewer_from_request"]

L = TypeVar("L", bound="DataLoader[Any, Any]")


class SubgraphContext:
    """What resolvers get as ``info.context``. Loaders live for one request only, so batching and
    caching never leak data between users.

    Not a ``strawberry.fastapi.BaseContext`` itself: that import pulls in FastAPI, which a schema
    (and so ``supergraph compose``) does not need. The app's context getter builds the subclass
    that is one (``dependencies.RequestContext``)."""

    def __init__(
        self,
        *,
        session: AsyncSession,
        settings: SubgraphSettings,
        services: ServiceClient,
        tokens: TokenService,
        viewer: Viewer | None,
        auth_error: str | None = None,
        state: Any = None,
        client_ip: str | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self.settings = settings
        self.services = services
        self.tokens = tokens
        self.viewer = viewer
        self.auth_error = auth_error
        self.state = state
        #: The end client's IP: vouched for by the router's signed header, else the peer address.
        self.client_ip = client_ip
        self._loaders: dict[Callable[..., DataLoader[Any, Any]], DataLoader[Any, Any]] = {}

    def loader(self, factory: Callable[[AsyncSession], L]) -> L:
        """The request's loader built by ``factory`` (one per factory per request)."""
        existing = self._loaders.get(factory)
        if existing is None:
            existing = self._loaders[factory] = factory(self.session)
        return existing  # type: ignore[return-value]

    def require_viewer(self) -> Viewer:
        if self.viewer is None:
            if self.auth_error:
                raise Unauthenticated(f"Sign in again: {self.auth_error}.")
            raise Unauthenticated("You must be signed in.")
        return self.viewer

    def require_admin(self) -> Viewer:
        viewer = self.require_viewer()
        if not viewer.is_admin:
            raise Forbidden("Only an admin can do this.")
        return viewer


def viewer_from_request(request: Request, tokens: TokenService) -> tuple[Viewer | None, str | None]:
    """The viewer of the request: (viewer, None), (None, reason) or (None, None) for anonymous."""
    viewer, error, _ip = authenticate_request(request, tokens)
    return viewer, error


def authenticate_request(
    request: HTTPConnection, tokens: TokenService
) -> tuple[Viewer | None, str | None, str | None]:
    """(viewer, auth error, client IP) of the request (or WebSocket upgrade); the IP is the
    router-vouched one if any."""
    peer = request.client.host if request.client is not None else None
    return authenticate_headers(request.headers, tokens, peer=peer)


def authenticate_headers(
    headers: Mapping[str, str], tokens: TokenService, *, peer: str | None
) -> tuple[Viewer | None, str | None, str | None]:
    """:func:`authenticate_request` over ``headers`` with lower-case names (HTTP headers, or a
    graphql-transport-ws ``connection_init`` payload)."""
    internal = headers.get(INTERNAL_CLAIMS_HEADER.lower())
    if internal is not None:
        try:
            claims = tokens.decode_internal(str(internal).strip())
        except InvalidToken:
            # No detail: the caller is either the router with a wrong secret or someone forging it.
            return None, f"the {INTERNAL_CLAIMS_HEADER} header is not valid", peer
        return claims.viewer, None, claims.client_ip or peer
    viewer, error = _bearer(headers, tokens)
    return viewer, error, peer


def _bearer(headers: Mapping[str, str], tokens: TokenService) -> tuple[Viewer | None, str | None]:
    header = headers.get("authorization")
    if not header:
        return None, None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None, "the Authorization header must be 'Bearer <token>'"
    try:
        claims = tokens.decode(token.strip(), expected="access")
    except InvalidToken as exc:
        return None, f"the access token is not valid ({exc})"
    return Viewer(user_id=claims.subject, role=claims.role, scopes=claims.scopes), None

"""Code shared by every subgraph: settings, database, tokens, context, errors, service calls, app."""

from __future__ import annotations

from .app import SubgraphSpec, create_subgraph_app, federated_schema
from .auth import Claims, InvalidToken, TokenService, Viewer
from .context import SubgraphContext
from .database import Database, session_lock
from .errors import (
    BadUserInput,
    ClientError,
    Conflict,
    Forbidden,
    NotFound,
    ServiceUnavailable,
    Unauthenticated,
)
from .money import Money
from .pagination import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    Connection,
    Edge,
    PageInfo,
    check_page_size,
    connection_from_rows,
    decode_cursor,
    encode_cursor,
)
from .service import SERVICE_TOKEN_HEADER, ServiceCallFailed, ServiceClient, require_service_token
from .settings import DEFAULT_PORTS, SubgraphSettings, database_url_for

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "DEFAULT_PORTS",
    "MAX_PAGE_SIZE",
    "SERVICE_TOKEN_HEADER",
    "BadUserInput",
    "Claims",
    "ClientError",
    "Conflict",
    "Connection",
    "Database",
    "Edge",
    "Forbidden",
    "InvalidToken",
    "Money",
    "NotFound",
    "PageInfo",
    "ServiceCallFailed",
    "ServiceClient",
    "ServiceUnavailable",
    "SubgraphContext",
    "SubgraphSettings",
    "SubgraphSpec",
    "TokenService",
    "Unauthenticated",
    "Viewer",
    "check_page_size",
    "connection_from_rows",
    "create_subgraph_app",
    "database_url_for",
    "decode_cursor",
    "encode_cursor",
    "federated_schema",
    "require_service_token",
    "session_lock",
]

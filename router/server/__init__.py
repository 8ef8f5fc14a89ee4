"""The router's HTTP edge: GraphQL over HTTP, GraphiQL, health, metrics, limits, persisted queries."""

from __future__ import annotations

from ._app import StartupError, create_app
from ._limits import LimitCode
from ._logging import JsonFormatter, configure_logging
from ._reload import ReloadOutcome
from ._settings import RouterSettings
from ._storefront import ensure_storefront_built

__all__ = [
    "JsonFormatter",
    "LimitCode",
    "ReloadOutcome",
    "RouterSettings",
    "StartupError",
    "configure_logging",
    "create_app",
    "ensure_storefront_built",
]

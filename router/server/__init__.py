"""The router's HTTP edge: GraphQL over HTTP, GraphiQL, health."""

from __future__ import annotations

from ._app import StartupError, create_app
from ._settings import RouterSettings

__all__ = ["RouterSettings", "StartupError", "create_app"]

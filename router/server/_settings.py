"""Router settings (pydantic-settings; environment variables prefixed ``ROUTER_``)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["RouterSettings"]


class RouterSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ROUTER_", extra="ignore", frozen=True)

    mode: Literal["development", "production"] = "development"
    supergraph_path: Path = Path("schema/supergraph.graphql")
    #: Subgraph URLs that replace the supergraph's routing URLs (JSON in ``ROUTER_SUBGRAPH_URLS``),
    #: for deployments where services reach each other under other names.
    subgraph_urls: dict[str, str] = Field(default_factory=dict)
    #: Origins allowed to call the router from a browser (CORS); empty: same origin only.
    cors_origins: tuple[str, ...] = ()
    cors_allow_credentials: bool = False
    csrf_prevention: bool = True
    graphiql: bool = True
    subgraph_timeout_seconds: float = Field(default=10.0, gt=0)
    max_connections: int = Field(default=200, gt=0)
    max_body_bytes: int = Field(default=1_000_000, gt=0)
    plan_cache_size: int = Field(default=1000, gt=0)

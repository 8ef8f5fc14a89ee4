"""Which services ``supergraph dev`` runs: read from supergraph.yaml, imported by string.

The CLI never imports a subgraph package statically: each subgraph's app factory is found by the
convention ``subgraphs.<name>.app:create_app``, so the router package stays free of domain code.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

__all__ = ["ServiceSpec", "load_services"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ServiceSpec:
    name: str
    host: str
    port: int
    routing_url: str
    factory: str  # "module:function" returning an ASGI app

    def load_factory(self) -> Any:
        module_name, _, attr = self.factory.partition(":")
        return getattr(importlib.import_module(module_name), attr)


class ConfigError(Exception):
    """supergraph.yaml is missing or malformed; the message says what to change."""


def load_services(config_path: Path) -> list[ServiceSpec]:
    if not config_path.exists():
        raise ConfigError(f"{config_path} not found: run from the project root or pass --config")
    try:
        raw = yaml.safe_load(config_path.read_text())
    except yaml.YAMLError as exc:
        raise ConfigError(f"{config_path} is not valid YAML: {exc}") from exc
    subgraphs = (raw or {}).get("subgraphs")
    if not isinstance(subgraphs, dict) or not subgraphs:
        raise ConfigError(f"{config_path}: 'subgraphs' must map subgraph names to their settings")
    services = []
    for name, entry in subgraphs.items():
        url = (entry or {}).get("routing_url")
        if not isinstance(url, str):
            raise ConfigError(f"{config_path}: subgraphs.{name}.routing_url is missing")
        parts = urlsplit(url)
        if not parts.hostname or not parts.port:
            raise ConfigError(f"{config_path}: subgraphs.{name}.routing_url must name a host and port: {url}")
        services.append(
            ServiceSpec(
                name=name,
                host=parts.hostname,
                port=parts.port,
                routing_url=url,
                factory=f"subgraphs.{name}.app:create_app",
            )
        )
    return services

"""``supergraph.yaml`` (rover's format, plus ``module:``) -> typed configuration.

Loose YAML becomes strict records once, here, with messages that say what to change::

    federation_version: =2.9.0
    subgraphs:
      users:
        routing_url: http://127.0.0.1:4001/graphql
        schema:
          file: schema/subgraphs/users.graphql        # or
          subgraph_url: http://127.0.0.1:4001/graphql # or
          module: subgraphs.users.schema:schema       # in-process Strawberry import (our extension)

A subgraph without ``schema`` is imported in-process from ``subgraphs.<name>.schema:schema``, so
composition works with nothing running.

``federation_version`` is read as rover reads it: ``=2.x.y`` pins a version, ``2`` or ``2.x`` ask for
federation 2 (at most 2.x). Federation 1 is refused; composition then refuses subgraphs whose
federation ``@link`` is newer than the pinned version (see :func:`federation_minor`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from .errors import ConfigError

__all__ = ["SubgraphConfig", "SupergraphConfig", "federation_minor", "load_config"]

_FEDERATION_VERSION = re.compile(r"^=?v?(?P<major>\d+)(?:\.(?P<minor>\d+)(?:\.(?P<patch>\d+))?)?$")


def federation_minor(version: str) -> int | None:
    """The highest federation 2 minor version ``version`` allows (``None``: any 2.x).

    Raises :class:`ConfigError` for federation 1 and for text that is not a version.
    """
    match = _FEDERATION_VERSION.match(version.strip())
    if match is None:
        raise ConfigError(
            f"federation_version {version!r} is not a version: use an exact '=2.x.y' (e.g. '=2.9.0'),"
            " '2' or '2.x'"
        )
    if match["major"] != "2":
        raise ConfigError(
            f"federation_version {version!r} is not supported: this composer builds federation 2"
            " supergraphs only; set federation_version to '=2.x.y' or '2' (and give each subgraph a"
            ' federation v2 @link, e.g. @link(url: "https://specs.apollo.dev/federation/v2.9"))'
        )
    return int(match["minor"]) if match["minor"] is not None else None


SourceKind = Literal["file", "subgraph_url", "module"]


@dataclass(frozen=True, slots=True, kw_only=True)
class SubgraphConfig:
    """One subgraph: where the router reaches it and where its SDL comes from."""

    name: str
    routing_url: str
    source: SourceKind
    location: str  # a path (absolute), a URL or an import string, by ``source``


@dataclass(frozen=True, slots=True, kw_only=True)
class SupergraphConfig:
    """The whole file; ``root`` is the directory relative paths and imports resolve from."""

    path: Path
    root: Path
    federation_version: str | None
    subgraphs: tuple[SubgraphConfig, ...]


def load_config(path: str | Path) -> SupergraphConfig:
    """Read and validate ``supergraph.yaml``; raise :class:`ConfigError` on any mistake."""
    config_path = Path(path).resolve()
    try:
        raw: Any = yaml.safe_load(config_path.read_text())
    except OSError as exc:
        raise ConfigError(f"cannot read {config_path}: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{config_path} is not valid YAML: {exc}") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("subgraphs"), dict) or not raw["subgraphs"]:
        raise ConfigError(f"{config_path}: expected a mapping with a non-empty 'subgraphs' mapping")
    root = config_path.parent
    subgraphs = tuple(
        _subgraph(config_path, root, str(name), spec) for name, spec in raw["subgraphs"].items()
    )
    version = raw.get("federation_version")
    if version is not None:
        try:
            federation_minor(str(version))
        except ConfigError as exc:
            raise ConfigError(f"{config_path}: {exc}") from None
    return SupergraphConfig(
        path=config_path,
        root=root,
        federation_version=str(version) if version is not None else None,
        subgraphs=tuple(sorted(subgraphs, key=lambda s: s.name)),
    )


def _subgraph(config_path: Path, root: Path, name: str, spec: Any) -> SubgraphConfig:
    where = f"{config_path}: subgraphs.{name}"
    if not isinstance(spec, dict):
        raise ConfigError(f"{where}: expected a mapping with 'routing_url' and 'schema'")
    routing_url = spec.get("routing_url")
    schema = spec.get("schema")
    if schema is None:
        if not isinstance(routing_url, str):
            raise ConfigError(f"{where}: 'routing_url' is required")
        return SubgraphConfig(
            name=name, routing_url=routing_url, source="module", location=f"subgraphs.{name}.schema:schema"
        )
    if not isinstance(schema, dict):
        raise ConfigError(f"{where}.schema: expected one of 'file', 'subgraph_url' or 'module'")
    given = [key for key in ("file", "subgraph_url", "module") if schema.get(key)]
    if len(given) != 1:
        raise ConfigError(
            f"{where}.schema: give exactly one of 'file', 'subgraph_url' or 'module' (got {given})"
        )
    source: SourceKind = given[0]  # type: ignore[assignment]
    location = str(schema[source])
    if source == "file":
        location = str((root / location).resolve())
    if source == "subgraph_url" and not isinstance(routing_url, str):
        routing_url = location
    if not isinstance(routing_url, str):
        raise ConfigError(f"{where}: 'routing_url' is required")
    return SubgraphConfig(name=name, routing_url=routing_url, source=source, location=location)

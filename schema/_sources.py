"""Getting a subgraph's SDL: from a file, from a running subgraph, or by importing its schema.

The in-process import is the default because it needs nothing running: the Strawberry schema
is loaded by import string (``subgraphs.users.schema:schema``) via importlib, so this package
never imports ``subgraphs`` statically, and asked for ``{ _service { sdl } }`` exactly as the
router would, which yields the federation SDL (with ``@link`` and ``@key``) rather than the
plain printed schema.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ._compose import SubgraphSource
from ._config import SubgraphConfig, SupergraphConfig
from .errors import SubgraphSourceError

__all__ = ["collect_sources", "sdl_from_module", "sdl_from_url"]

_SERVICE_QUERY = "{ _service { sdl } }"


def collect_sources(config: SupergraphConfig) -> list[SubgraphSource]:
    """Every configured subgraph's SDL, in name order; raise on the first that cannot be read."""
    return [_source(config.root, subgraph) for subgraph in config.subgraphs]


def _source(root: Path, subgraph: SubgraphConfig) -> SubgraphSource:
    if subgraph.source == "file":
        try:
            sdl = Path(subgraph.location).read_text()
        except OSError as exc:
            raise SubgraphSourceError(
                subgraph.name, f"cannot read {subgraph.location}: {exc.strerror}"
            ) from exc
    elif subgraph.source == "subgraph_url":
        sdl = sdl_from_url(subgraph.name, subgraph.location)
    else:
        sdl = sdl_from_module(subgraph.name, subgraph.location, search_path=(str(root),))
    return SubgraphSource(name=subgraph.name, url=subgraph.routing_url, sdl=sdl)


def sdl_from_url(name: str, url: str, *, timeout: float = 10.0) -> str:
    """Ask a running subgraph for ``_service { sdl }`` over HTTP."""
    import httpx

    try:
        response = httpx.post(url, json={"query": _SERVICE_QUERY}, timeout=timeout)
        response.raise_for_status()
        payload = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise SubgraphSourceError(name, f"cannot fetch _service {{ sdl }} from {url}: {exc}") from exc
    sdl = (payload.get("data") or {}).get("_service", {}).get("sdl") if isinstance(payload, dict) else None
    if not isinstance(sdl, str):
        raise SubgraphSourceError(name, f"{url} did not answer _service {{ sdl }}: {str(payload)[:200]}")
    return sdl


def sdl_from_module(name: str, target: str, *, search_path: Sequence[str] = ()) -> str:
    """Import ``package.module:attribute`` (a Strawberry federation schema) and read its SDL."""
    module_name, _, attribute = target.partition(":")
    if not module_name or not attribute:
        raise SubgraphSourceError(name, f"module {target!r} must look like 'package.module:attribute'")
    for entry in search_path:
        if entry not in sys.path:
            sys.path.insert(0, entry)
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:  # any import-time failure of user code is a set-up mistake to report
        raise SubgraphSourceError(name, f"cannot import {module_name}: {exc!r}") from exc
    schema: Any = getattr(module, attribute, None)
    if schema is None:
        raise SubgraphSourceError(name, f"{module_name} has no attribute {attribute!r}")
    execute_sync = getattr(schema, "execute_sync", None)
    if callable(execute_sync):
        result = execute_sync(_SERVICE_QUERY)
        data = getattr(result, "data", None)
        if isinstance(data, dict) and isinstance((data.get("_service") or {}).get("sdl"), str):
            return str(data["_service"]["sdl"])
    as_str = getattr(schema, "as_str", None)
    if callable(as_str):
        return str(as_str())
    raise SubgraphSourceError(name, f"{target} is not a Strawberry schema (no execute_sync/as_str)")

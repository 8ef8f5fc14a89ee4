"""The four subgraphs of the federation gateway benchmark (accounts, inventory, products, reviews).

Static in-memory data, one process each: ``python -m bench.subgraphs NAME --port PORT``.
"""

from __future__ import annotations

from ._app import create_app, executable_schema
from ._sdl import SDLS

NAMES: tuple[str, ...] = ("accounts", "inventory", "products", "reviews")

__all__ = ["NAMES", "SDLS", "create_app", "executable_schema"]

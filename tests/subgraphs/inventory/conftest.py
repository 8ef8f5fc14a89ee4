from __future__ import annotations

import importlib.util

import pytest


def _require(name: str) -> None:
    """Cross-service tests need the other subgraph's code; skip (with the reason) until it exists."""
    if (
        importlib.util.find_spec(f"subgraphs.{name}") is None
        or importlib.util.find_spec(f"subgraphs.{name}.app") is None
    ):
        pytest.skip(f"subgraphs/{name} does not exist yet")


@pytest.fixture
def requires_products() -> None:
    _require("products")

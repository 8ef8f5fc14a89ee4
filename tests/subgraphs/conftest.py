from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import pytest

from .harness import System, start_system


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    """Every subgraph test runs against the embedded SQLite default and the local PostgreSQL."""
    return str(request.param)


@pytest.fixture
def system_factory(backend: str, tmp_path: Any) -> Callable[..., AbstractAsyncContextManager[System]]:
    """``async with system_factory("orders", "products", "inventory") as system: ...``"""

    def factory(*names: str, **overrides: Any) -> AbstractAsyncContextManager[System]:
        return start_system(list(names), backend=backend, tmp_path=tmp_path, **overrides)

    return factory

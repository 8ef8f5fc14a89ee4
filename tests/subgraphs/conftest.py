from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import pytest

from .harness import System, drop_pooled_databases, start_system


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


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Drop the PostgreSQL test databases the harness kept for reuse during the session."""
    asyncio.run(drop_pooled_databases())

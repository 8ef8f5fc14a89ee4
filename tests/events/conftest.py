from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from ..subgraphs.harness import postgres_database
from .testkit import Producer, producer_database


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    """The outbox runs against the embedded SQLite default and the local PostgreSQL."""
    return str(request.param)


@pytest.fixture
async def database_url(backend: str, tmp_path: Path) -> AsyncIterator[str]:
    if backend == "postgres":
        async with postgres_database() as url:
            yield url
    else:
        yield f"sqlite+aiosqlite:///{tmp_path / 'producer.db'}"


@pytest.fixture
async def producer(database_url: str) -> AsyncIterator[Producer]:
    async with producer_database(database_url) as producer:
        yield producer

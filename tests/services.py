"""Reaching the local PostgreSQL, Redis and RabbitMQ from tests.

Tests of those paths talk to the real servers. Locally a server that is down skips its tests with
the reason; under CI (``CI=true``) it fails them, because .ci/run starts every server first.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

POSTGRES_DSN = os.environ.get("TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
AMQP_URL = os.environ.get("TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")


def unavailable(what: str, error: BaseException) -> None:
    """Skip locally, fail under CI."""
    message = f"{what} is not reachable ({type(error).__name__}: {error})"
    if os.environ.get("CI"):
        pytest.fail(message + " - .ci/run should have started it")
    pytest.skip(message)


@asynccontextmanager
async def redis_key_prefix(kind: str = "test") -> AsyncIterator[str]:
    """A key prefix of this test's own on the local Redis (which outlives a test's databases):
    every key under it is deleted afterwards. Skips (fails under CI) when Redis is down."""
    import redis.asyncio as aioredis

    client = aioredis.Redis.from_url(REDIS_URL)
    try:
        await client.ping()
    except Exception as exc:
        await client.aclose()
        unavailable("Redis", exc)
    prefix = f"{kind}-{uuid.uuid4().hex[:12]}:"
    try:
        yield prefix
    finally:
        keys = [key async for key in client.scan_iter(match=prefix + "*")]
        if keys:
            await client.delete(*keys)
        await client.aclose()

"""Test helpers for the entity cache in the real Redis: a key prefix of the test's own, and waiting
for a subgraph's invalidation consumer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from ..events.testkit import eventually
from ..services import REDIS_URL, redis_key_prefix

#: A port nothing listens on: the cache's Redis is "down".
REDIS_DOWN = "redis://127.0.0.1:1/0"


@asynccontextmanager
async def redis_namespace(*, ttl_seconds: int = 30) -> AsyncIterator[dict[str, Any]]:
    """Settings that turn the cache on under a key prefix of this test's own (Redis outlives the
    test's database); the test's keys are deleted afterwards. Skips (fails under CI) without Redis."""
    async with redis_key_prefix() as prefix:
        yield {"cache_redis_url": REDIS_URL, "cache_key_prefix": prefix, "cache_ttl_seconds": ttl_seconds}


async def invalidations_processed(app: FastAPI, count: int, *, timeout: float = 10.0) -> None:
    """Wait until the app's invalidation consumer has handled ``count`` events."""
    stats = app.state.cache_invalidations
    await eventually(
        lambda: stats.processed >= count,
        timeout=timeout,
        what=f"{count} invalidation event(s) in {app.state.name} (processed {stats.processed})",
    )


def metric_lines(text: str, name: str) -> dict[str, float]:
    """``{labels: value}`` of the samples of metric ``name`` in a Prometheus text exposition."""
    samples = {}
    for line in text.splitlines():
        if line.startswith(name + "{"):
            labels, _, value = line.partition("} ")
            samples[labels[len(name) + 1 :]] = float(value)
    return samples

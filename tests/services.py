"""Reaching the local PostgreSQL, Redis and RabbitMQ from tests.

Tests of those paths talk to the real servers. Locally a server that is down skips its tests with
the reason; under CI (``CI=true``) it fails them, because .ci/run starts every server first.
"""

from __future__ import annotations

import os

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

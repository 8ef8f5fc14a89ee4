"""Fixtures of the end-to-end tests.

A test module names its subgraph set with ``FEATURE = "<module in subgraphs/>"``; the ``federation``
fixture builds a router over that set's committed supergraph and in-process subgraphs (resetting the
set's data first), and ``run`` is its ``Federation.run``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

import pytest

from .testkit import Federation

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable


@pytest.fixture
async def federation(request: pytest.FixtureRequest) -> AsyncIterator[Federation]:
    feature: str = request.module.FEATURE
    module = importlib.import_module(f"tests.router.e2e.subgraphs.{feature}")
    if hasattr(module, "reset"):
        module.reset()
    fed = Federation(feature, getattr(request.module, "GATEWAY_OPTIONS", None))
    try:
        yield fed
    finally:
        await fed.aclose()


@pytest.fixture
def run(federation: Federation) -> Callable[..., Awaitable[tuple[dict[str, Any], dict[str, int]]]]:
    return federation.run

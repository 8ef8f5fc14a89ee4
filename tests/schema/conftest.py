"""Fixtures for the composition tests: the corpus and the oracle's verdicts on it (one node run)."""

from __future__ import annotations

import os
from typing import Any

import pytest

from ._testkit import FixtureSet, OracleUnavailable, ensure_oracle, load_fixture_sets, run_oracle


@pytest.fixture(scope="session")
def fixture_sets() -> dict[str, FixtureSet]:
    return {s.name: s for s in load_fixture_sets()}


@pytest.fixture(scope="session")
def oracle_results(fixture_sets: dict[str, FixtureSet]) -> dict[str, Any]:
    """The oracle's result for every fixture set; skip without node locally, fail under CI."""
    try:
        ensure_oracle()
    except OracleUnavailable as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"oracle unavailable under CI: {exc}")
        pytest.skip(f"oracle unavailable: {exc}")
    return run_oracle({name: list(s.subgraphs) for name, s in fixture_sets.items()})

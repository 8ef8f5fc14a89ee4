"""Composing a repository-sized supergraph stays well under a second (bench/ covers the big case)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench" / "compose"))

from bench_compose import generate  # noqa: E402

from schema import compose  # noqa: E402


def test_composing_five_subgraphs_of_twenty_entities_takes_under_a_second() -> None:
    sources = generate(5, 20)
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        result = compose(sources)
        timings.append(time.perf_counter() - started)
    assert result.ok, result.errors
    assert min(timings) < 1.0, timings

"""Supergraph testkit: read named fixture supergraphs."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
COMPOSED_FIXTURES = sorted(p.name.removesuffix(".api.graphql") for p in FIXTURES.glob("*.api.graphql"))
"""Fixtures made by the reference composer (with its API schema next to them)."""


def fixture_sdl(name: str) -> str:
    return (FIXTURES / f"{name}.graphql").read_text()

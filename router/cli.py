"""The ``supergraph`` command line (placeholder until the CLI lands)."""

from __future__ import annotations


def main(argv: list[str] | None = None) -> int:
    raise SystemExit("supergraph: CLI not built yet")

"""Router variants the benchmark can run next to the router as shipped (``--experiment NAME``).

An experiment changes nothing in ``router/``: it starts the same ``create_app`` with another
option, so a proposed optimisation is measured before anyone edits the router for it.
"""

from __future__ import annotations

EXPERIMENTS = {
    "client-path": "bench.experiments.client_path",
    "executor-before": "bench.experiments.executor_before",
    "raw-transport": "bench.experiments.raw_transport",
}

__all__ = ["EXPERIMENTS"]

"""Workloads: one module each, ``run(bench) -> dict`` (results) and ``rows(results)`` (table lines).

``WORKLOADS`` is the order a full run uses; ``python -m bench --workloads a,b`` picks some.
"""

from __future__ import annotations

from . import ecommerce, federation, overhead, planner, startup

WORKLOADS = {
    "federation": federation,
    "overhead": overhead,
    "planner": planner,
    "startup": startup,
    "ecommerce": ecommerce,
}

__all__ = ["WORKLOADS"]

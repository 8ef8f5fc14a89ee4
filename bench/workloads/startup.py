"""Router cold start: process start to the first answered query, and its resident memory then.

The clock starts before ``Popen`` and stops when the deep federation query (cold parse, validate
and plan, then ~16 fetches) comes back with data: what a rolling deploy or an autoscaler waits for.
The Node gateways' figure is the same measurement taken when the run first started them.
"""

from __future__ import annotations

import statistics
from typing import TYPE_CHECKING, Any

from .._context import ROUTER_ENV
from .._processes import free_port, process_tree_rss_kib
from .federation import BODY

if TYPE_CHECKING:
    from .._context import Bench

__all__ = ["rows", "run"]


def run(bench: Bench) -> dict[str, Any]:
    bench.subgraphs()
    repeats = 2 if bench.options.quick else 5
    times, rss = [], []
    for index in range(repeats):
        print(f"  startup: router cold start {index + 1}/{repeats}...", flush=True)
        port = free_port()
        process = bench.processes.start(
            f"router-cold-{index}", bench.router_argv(port), port=port, env=ROUTER_ENV
        )
        try:
            times.append(bench.processes.wait_ready(process, BODY))
            rss.append(process_tree_rss_kib(process.pid) / 1024)
        finally:
            bench.processes.stop(process)
    result: dict[str, Any] = {
        "router": {
            "median_s": statistics.median(times),
            "min_s": min(times),
            "runs_s": times,
            "rss_after_first_query_mib": statistics.median(rss),
        },
    }
    for name in ("hive-gateway", "apollo-gateway"):
        seconds = bench.gateway_start_s(name)
        if seconds is not None:
            result[name] = {"median_s": seconds, "min_s": seconds, "runs_s": [seconds]}
    return result


def rows(result: dict[str, Any]) -> list[list[str]]:
    out = [["target", "median s", "min s", "runs", "RSS after 1st query MiB"]]
    for name, r in result.items():
        rss = r.get("rss_after_first_query_mib")
        out.append(
            [
                name,
                f"{r['median_s']:.2f}",
                f"{r['min_s']:.2f}",
                str(len(r["runs_s"])),
                f"{rss:.0f}" if rss is not None else "-",
            ]
        )
    return out

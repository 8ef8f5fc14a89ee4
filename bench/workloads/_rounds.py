"""Interleaved rounds of wrk runs over several targets, summarised by medians.

The machine is noisy (2 cores, other work): every target is measured in every round, the order
rotating by round so no target always runs first or last, and each figure is the median of rounds.
Each run also records where the CPU went (the target's process tree, the bench subgraphs, wrk) and
the target's peak resident memory, so a reader can tell a slow gateway from a starved one.
"""

from __future__ import annotations

import resource
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from .._processes import process_tree_cpu_s

if TYPE_CHECKING:
    from pathlib import Path

    from .._context import Bench
    from .._processes import Process

__all__ = ["cell", "cpu_cell", "measure_rounds", "ratio"]


def measure_rounds(
    bench: Bench,
    targets: Mapping[str, Process],
    script: Path,
    *,
    connections: int,
    label: str,
    duration_s: float | None = None,
    warmup_s: float | None = None,
    backends: Sequence[Process] | None = None,
) -> dict[str, dict[str, Any]]:
    """``targets``: name -> the process serving it. Returns name -> medians and every round.

    ``duration_s``/``warmup_s`` override the run's options for this workload; ``backends`` are the
    processes behind the targets whose CPU is reported as "subgraphs" (default: the bench subgraphs).
    """
    options = bench.options
    duration = options.duration_s if duration_s is None else duration_s
    warmup = options.warmup_s if warmup_s is None else warmup_s
    if backends is None:
        backends = list(bench.subgraphs().values())
    names = list(targets)
    for name in names:  # warm-up: JIT, caches, connection pools; not recorded
        bench.load(targets[name].url, script, connections=connections, duration_s=warmup)
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
    for round_index in range(options.rounds):
        shift = round_index % len(names)
        for name in [*names[shift:], *names[:shift]]:
            print(f"  {label}: round {round_index + 1}/{options.rounds} {name}...", flush=True)
            runs[name].append(
                _measure(
                    bench,
                    targets[name],
                    script,
                    connections=connections,
                    duration_s=duration,
                    backends=backends,
                )
            )
    summary: dict[str, dict[str, Any]] = {}
    for name, results in runs.items():

        def median(key: str, results: list[dict[str, Any]] = results) -> float | None:
            # A run in which no request finished has no latency: skip it, not count it as 0.
            values = [r[key] for r in results if r[key] is not None]
            return statistics.median(values) if values else None

        summary[name] = {
            "requests_per_s": median("requests_per_s"),
            "p50_ms": median("p50_ms"),
            "p99_ms": median("p99_ms"),
            "errors": sum(r["errors"] for r in results),
            "requests": sum(r["requests"] for r in results),
            "peak_rss_mib": max(r["peak_rss_mib"] for r in results),
            "cpu_percent": {
                "target": median("target_cpu_percent"),
                "subgraphs": median("subgraphs_cpu_percent"),
                "wrk": median("wrk_cpu_percent"),
            },
            "rounds": results,
        }
    return summary


def _measure(
    bench: Bench,
    target: Process,
    script: Path,
    *,
    connections: int,
    duration_s: float,
    backends: Sequence[Process],
) -> dict[str, Any]:
    subgraph_pids = [p.pid for p in backends if p.pid != target.pid]

    def cpu() -> tuple[float, float, float]:
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return (
            process_tree_cpu_s(target.pid),
            sum(process_tree_cpu_s(pid) for pid in subgraph_pids),
            children.ru_utime + children.ru_stime,
        )

    before = cpu()
    with bench.sample_rss(target.pid) as peak_kib:
        result = bench.load(target.url, script, connections=connections, duration_s=duration_s)
    after = cpu()
    # wrk is a child of this process: its CPU is in RUSAGE_CHILDREN once it has exited.
    wall = result.duration_s or 1.0
    target_cpu, subgraphs_cpu, wrk_cpu = (100 * (a - b) / wall for a, b in zip(after, before, strict=True))
    measured = asdict(result)
    if not result.requests:
        print(f"    no request finished in {wall:.0f} s: latency unknown (> {wall:.0f} s)", flush=True)
        measured.update(p50_ms=None, p90_ms=None, p99_ms=None, max_ms=None)
    return {
        **measured,
        "peak_rss_mib": peak_kib() / 1024,
        "target_cpu_percent": target_cpu,
        "subgraphs_cpu_percent": subgraphs_cpu,
        "wrk_cpu_percent": wrk_cpu,
    }


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def cpu_cell(summary: dict[str, Any]) -> str:
    """``target / subgraphs / wrk`` CPU %, 100 = one core busy for the whole run."""
    cpu = summary["cpu_percent"]
    return f"{cpu['target']:.0f} / {cpu['subgraphs']:.0f} / {cpu['wrk']:.0f}"


def cell(value: float | None, digits: int = 1, suffix: str = "") -> str:
    return "-" if value is None else f"{value:.{digits}f}{suffix}"

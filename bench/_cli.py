"""The one entry command: ``.venv/bin/python -m bench [--quick] [--workloads ...] [--profile S]``.

Starts what the chosen workloads need on 127.0.0.1, runs them in order, prints a table per
workload and the targets, writes ``bench/results/<UTC date-time>.json`` and stops every process it
started, also on Ctrl-C, SIGTERM or a failure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

import orjson

from ._context import ROOT, Bench, Options
from ._processes import Processes, StartFailed, sigterm_as_exit
from .experiments import EXPERIMENTS
from .workloads import WORKLOADS

__all__ = ["main"]

RESULTS = ROOT / "bench" / "results"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: 1 round of short loads (~1-2 min)")
    parser.add_argument(
        "--workloads", default=",".join(WORKLOADS), help=f"comma-separated, of {', '.join(WORKLOADS)}"
    )
    parser.add_argument("--rounds", type=int, help="interleaved rounds per target (default 3; quick 1)")
    parser.add_argument(
        "--duration", type=float, help="seconds of load per target per round (default 10; quick 5)"
    )
    parser.add_argument(
        "--connections", type=int, default=16, help="wrk connections for throughput (default 16)"
    )
    parser.add_argument("--no-node", action="store_true", help="skip the Node gateways (no npm needed)")
    parser.add_argument(
        "--profile",
        type=float,
        default=0,
        metavar="SECONDS",
        help="also profile the router under load with py-spy for SECONDS",
    )
    parser.add_argument(
        "--experiment",
        action="append",
        default=[],
        choices=sorted(EXPERIMENTS),
        help="also run a router variant from bench/experiments/ next to the router as shipped",
    )
    parser.add_argument(
        "--output", type=Path, help="results file (default bench/results/<UTC date-time>.json)"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    chosen = [w.strip() for w in args.workloads.split(",") if w.strip()]
    unknown = [w for w in chosen if w not in WORKLOADS]
    if unknown:
        print(
            f"unknown workload(s) {', '.join(unknown)}; choose from {', '.join(WORKLOADS)}", file=sys.stderr
        )
        return 2
    stamp = dt.datetime.now(dt.UTC)
    output = args.output or RESULTS / f"{stamp:%Y-%m-%dT%H%M%SZ}{'-quick' if args.quick else ''}.json"
    work_dir = Path(tempfile.mkdtemp(prefix="bench-"))
    options = Options(
        quick=args.quick,
        rounds=args.rounds or (1 if args.quick else 3),
        duration_s=args.duration or (5.0 if args.quick else 10.0),
        warmup_s=1.0 if args.quick else 3.0,
        connections=args.connections,
        node=not args.no_node,
        profile_s=args.profile,
        work_dir=work_dir,
        experiments=tuple(args.experiment),
    )
    report: dict[str, Any] = {
        "started_at": stamp.isoformat(timespec="seconds"),
        "machine": _machine(),
        "options": _options_dict(options),
        "workloads": {},
    }
    print(
        f"bench: {', '.join(chosen)}; {options.rounds} round(s) x {options.duration_s:.0f} s; "
        f"load average {_loadavg()}; logs in {work_dir}",
        flush=True,
    )
    started = time.monotonic()
    exit_code = 0
    with sigterm_as_exit(), Processes(log_dir=work_dir / "logs") as processes:
        bench = Bench(options=options, processes=processes)
        try:
            for name in chosen:
                print(f"[{name}]", flush=True)
                report["workloads"][name] = WORKLOADS[name].run(bench)
            if options.profile_s > 0:
                from ._profile import profile_router
                from .workloads import federation, overhead

                # The deep query unless only the single-subgraph one was asked for (then its 1 connection).
                single = "overhead" in chosen and "federation" not in chosen
                body = overhead.BODY if single else federation.BODY
                connections = overhead.CONNECTIONS if single else options.connections
                print(f"[profile] py-spy on the router for {options.profile_s:.0f} s...", flush=True)
                report["profile"] = profile_router(
                    bench, body=body, connections=connections, out=output.with_suffix(".pyspy.txt")
                )
        except KeyboardInterrupt:
            print("interrupted: stopping everything this run started", file=sys.stderr)
            exit_code = 130
        except StartFailed as exc:
            print(f"bench: {exc}", file=sys.stderr)
            exit_code = 1
        except Exception:
            traceback.print_exc()
            exit_code = 1
        report["notes"] = bench.notes
    report["load_average_after"] = _loadavg()
    report["elapsed_s"] = round(time.monotonic() - started, 1)
    report["targets"] = _targets(report["workloads"])
    _print_report(report)
    if report["workloads"]:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(orjson.dumps(report, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n")
        print(f"\nresults: {output.relative_to(ROOT) if output.is_relative_to(ROOT) else output}")
    if exit_code == 0:
        shutil.rmtree(work_dir, ignore_errors=True)
    else:
        print(f"logs kept in {work_dir}", file=sys.stderr)
    return exit_code


def _options_dict(options: Options) -> dict[str, Any]:
    return {
        name: getattr(options, name) if name != "work_dir" else str(options.work_dir)
        for name in Options.__dataclass_fields__
    }


# -- targets ------------------------------------------------------------------------------------


def _targets(workloads: dict[str, Any]) -> list[dict[str, Any]]:
    """The goals we publish against, each with what was measured and whether it is met."""
    out: list[dict[str, Any]] = []

    def add(goal: str, measured: float | None, limit: float, *, at_least: bool, unit: str = "") -> None:
        met = None if measured is None else (measured >= limit if at_least else measured <= limit)
        out.append({"goal": goal, "measured": measured, "limit": limit, "unit": unit, "met": met})

    fed = workloads.get("federation")
    if fed:
        for anchor, floor in (("hive-gateway", 1.0), ("apollo-gateway", 1.5)):
            vs = fed.get(f"router_vs_{anchor}")
            if vs:
                add(
                    f"router req/s >= {floor}x {anchor}",
                    vs["throughput_ratio"],
                    floor,
                    at_least=True,
                    unit="x",
                )
                add(f"router p99 <= {anchor} p99", vs["p99_ratio"], 1.0, at_least=False, unit="x")
    over = workloads.get("overhead")
    if over:
        add(
            "router p50 <= 1.3x direct subgraph call",
            over["router_vs_direct"]["p50_ratio"],
            1.3,
            at_least=False,
            unit="x",
        )
    start = workloads.get("startup")
    if start:
        add("router cold start < 1 s", start["router"]["median_s"], 1.0, at_least=False, unit="s")
    plan = workloads.get("planner")
    if plan:
        add("planner cache hit < 50 µs", plan["cached_plan_us"], 50.0, at_least=False, unit="µs")
    return out


# -- output -------------------------------------------------------------------------------------


def _print_report(report: dict[str, Any]) -> None:
    for name, result in report["workloads"].items():
        print(f"\n== {name} ==")
        _print_table(WORKLOADS[name].rows(result))
    if report.get("profile"):
        print("\n== router profile (py-spy, % of samples, self time) ==")
        _print_table(
            [["function", "%"]]
            + [[r["function"], f"{r['percent']:.1f}"] for r in report["profile"]["self"][:15]]
        )
    if report["targets"]:
        print("\n== targets ==")
        rows = [["goal", "measured", "met"]]
        for t in report["targets"]:
            value = "-" if t["measured"] is None else f"{t['measured']:.2f}{t['unit']}"
            rows.append([t["goal"], value, {True: "yes", False: "NO", None: "-"}[t["met"]]])
        _print_table(rows)
    for note in report.get("notes", []):
        print(f"note: {note}")
    m = report["machine"]
    print(
        f"\n{m['cpus']} CPUs, load average {m['load_average']} before, {report['load_average_after']} after; "
        f"{report['elapsed_s']:.0f} s"
    )


def _print_table(rows: list[list[str]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for index, row in enumerate(rows):
        print(
            "  ".join(
                cell.ljust(w) if i == 0 else cell.rjust(w)
                for i, (cell, w) in enumerate(zip(row, widths, strict=True))
            )
        )
        if index == 0:
            print("  ".join("-" * w for w in widths))


def _loadavg() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def _machine() -> dict[str, Any]:
    def version(argv: list[str]) -> str | None:
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=10, check=False)
        except OSError:
            return None
        return (done.stdout or done.stderr).strip().splitlines()[0] if (done.stdout or done.stderr) else None

    dirty = subprocess.run(
        ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    return {
        "cpus": os.cpu_count(),
        "load_average": _loadavg(),
        "python": platform.python_version(),
        "node": version(["node", "--version"]),
        "wrk": version(["wrk", "--version"]),
        "platform": platform.platform(),
        "git_commit": version(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"]),
        "git_dirty": bool(dirty.stdout.strip()),
    }

"""Composition benchmark: a generated 100-subgraph, 2,000-type supergraph, ours next to the oracle.

Each subgraph owns 20 entity types (``T<i>_<j>``, keyed by ``id``) chained by fields, references
the next subgraph's types and extends them with one field, so the set exercises keys, field
merging, join directives and satisfiability at scale. Prints a table and writes
``bench/results/compose.json``.

    .venv/bin/python bench/compose/bench_compose.py [--subgraphs 100] [--types-per-subgraph 20] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import shutil
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from schema import SubgraphSource, compose  # noqa: E402

LINK = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])\n'
)


def generate(subgraphs: int, types_per_subgraph: int) -> list[SubgraphSource]:
    """Subgraph ``i`` owns ``T<i>_<j>`` and extends ``T<i+1>_<j>`` of the next subgraph."""
    sources = []
    for i in range(subgraphs):
        following = (i + 1) % subgraphs
        lines = [LINK, f"type Query {{ s{i}Items(first: Int = 10): [T{i}_0!]! s{i}Item(id: ID!): T{i}_0 }}"]
        for j in range(types_per_subgraph):
            nxt = f"T{i}_{(j + 1) % types_per_subgraph}"
            lines.append(
                f'type T{i}_{j} @key(fields: "id") {{\n  id: ID!\n  name: String\n  "Rank of item {j}"\n'
                f"  rank(scale: Float): Int\n  next: {nxt}\n  peer: T{following}_{j}\n  status: Status{i}\n}}"
            )
            lines.append(f'type T{following}_{j} @key(fields: "id") {{ id: ID! extra{i}: Int }}')
        lines.append(f"enum Status{i} {{ ACTIVE INACTIVE }}")
        sources.append(
            SubgraphSource(name=f"sg{i}", url=f"http://sg{i}.local/graphql", sdl="\n".join(lines) + "\n")
        )
    return sources


def measure_ours(sources: list[SubgraphSource], repeat: int) -> tuple[dict[str, float | int | bool], str]:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = compose(sources)
        timings.append(time.perf_counter() - started)
    tracemalloc.start()
    compose(sources)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "ok": result.ok,
        "errors": len(result.errors),
        "bestMs": round(min(timings) * 1000, 1),
        "medianMs": round(sorted(timings)[len(timings) // 2] * 1000, 1),
        "peakTracedBytes": peak,
        "maxRssBytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "supergraphBytes": len(result.supergraph_sdl or ""),
    }, result.supergraph_sdl or ""


def measure_oracle(
    sources: list[SubgraphSource], repeat: int
) -> tuple[dict[str, float | int | bool | str], str]:
    node_dir = ROOT / "tests" / "node"
    if shutil.which("node") is None or not (node_dir / "node_modules").exists():
        return {"skipped": "node or tests/node/node_modules missing (npm ci --prefix tests/node)"}, ""
    payload = {
        f"run{n}": {"subgraphs": [{"name": s.name, "url": s.url, "sdl": s.sdl} for s in sources]}
        for n in range(repeat)
    }
    started = time.perf_counter()
    completed = subprocess.run(
        # The oracle's satisfiability walk recurses once per path step; the default V8 stack
        # overflows on this input ("Maximum call stack size exceeded"), so give it room.
        ["node", "--stack-size=16000", str(ROOT / "tests" / "schema" / "oracle_batch.mjs"), str(node_dir)],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        check=True,
    )
    wall = time.perf_counter() - started
    runs = json.loads(completed.stdout)
    timings = [run["ms"] for run in runs.values()]
    first = runs["run0"]
    return {
        "ok": "errors" not in first,
        "errors": len(first.get("errors", [])),
        "bestMs": round(min(timings), 1),
        "medianMs": round(sorted(timings)[len(timings) // 2], 1),
        "maxRssBytes": max(run["rssBytes"] for run in runs.values()),
        "processWallMs": round(wall * 1000, 1),
        "supergraphBytes": len(first.get("supergraphSdl", "")),
    }, first.get("supergraphSdl", "")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subgraphs", type=int, default=100)
    parser.add_argument("--types-per-subgraph", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--output", default=str(ROOT / "bench" / "results" / "compose.json"))
    args = parser.parse_args()
    sources = generate(args.subgraphs, args.types_per_subgraph)
    ours, our_sdl = measure_ours(sources, args.repeat)
    oracle, oracle_sdl = measure_oracle(sources, args.repeat)
    if our_sdl and oracle_sdl:
        from tests.schema._testkit import normalize_supergraph

        oracle["sameSupergraph"] = normalize_supergraph(our_sdl) == normalize_supergraph(oracle_sdl)
    report = {
        "input": {
            "subgraphs": args.subgraphs,
            "types": args.subgraphs * args.types_per_subgraph + args.subgraphs,
            "sdlBytes": sum(len(s.sdl) for s in sources),
        },
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
        "ours": ours,
        "oracle": oracle,
    }
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(report, indent=2) + "\n")
    print(f"input: {report['input']}")
    print(f"{'composer':<10} {'ok':<5} {'best ms':>9} {'median ms':>10} {'max RSS MiB':>12}")
    for name, row in (("ours", ours), ("oracle", oracle)):
        if "skipped" in row:
            print(f"{name:<10} skipped: {row['skipped']}")
            continue
        rss = float(row["maxRssBytes"]) / 2**20
        print(f"{name:<10} {row['ok']!s:<5} {row['bestMs']:>9} {row['medianMs']:>10} {rss:>12.1f}")
    if "sameSupergraph" in oracle:
        print(f"semantically equal supergraphs: {oracle['sameSupergraph']}")
    print(f"written: {args.output}")
    return 0 if ours["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())

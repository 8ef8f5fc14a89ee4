"""The query planner alone: µs per plan for a large query on a large supergraph.

A generated supergraph of ``SUBGRAPHS`` subgraphs, each owning ``TYPES`` entity types keyed by
``id`` and linking to the next subgraph's types, composed by ``schema.compose``. The query starts in
three subgraphs and walks ``DEPTH`` subgraphs deep from each, with aliases, fragments and sibling
selections, so the plan has dozens of fetches in sequences and parallels.

- cold: a new ``Supergraph`` from the SDL each time, then ``plan()`` (the query graph is built
  per supergraph, so this is what the first request after start or a schema reload pays);
  loading the SDL is reported on its own.
- warm: ``plan()`` again on the same supergraph (planner work without the plan cache).
- cached: ``Gateway.operation_type()``, which goes through the Gateway's plan cache exactly as
  ``execute`` does; every call gets a fresh copy of the query text, as a request would.
"""

from __future__ import annotations

import statistics
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .._context import Bench

__all__ = ["large_query", "large_supergraph_sources", "rows", "run"]

SUBGRAPHS = 20
TYPES = 10
DEPTH = 6


def large_supergraph_sources(subgraphs: int = SUBGRAPHS, types: int = TYPES) -> list[Any]:
    from schema import SubgraphSource

    link = (
        'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", '
        'import: ["@key", "@shareable"])\n'
    )
    sources = []
    for k in range(subgraphs):
        after = (k + 1) % subgraphs
        parts = [
            link,
            "type Query {\n" + f"  root{k}: E{k}x0\n  list{k}(first: Int = 10): [E{k}x0]\n" + "}\n",
        ]
        for j in range(types):
            parts.append(
                f'type E{k}x{j} @key(fields: "id") {{\n  id: ID!\n  name: String\n  value{k}: Int\n'
                f"  tags: [String]\n  next: E{k}x{(j + 1) % types}\n  link: E{after}x{j}\n}}\n"
                f'type E{after}x{j} @key(fields: "id", resolvable: false) {{\n  id: ID!\n}}\n'
            )
        # ``name`` is defined by every subgraph for its own types only: entity types other
        # subgraphs reference are stubs, so each field has one owner except the keys.
        sources.append(SubgraphSource(name=f"s{k}", url=f"http://127.0.0.1:9/s{k}", sdl="".join(parts)))
    return sources


def large_query(subgraphs: int = SUBGRAPHS, depth: int = DEPTH) -> str:
    def level(k: int, remaining: int) -> str:
        k %= subgraphs
        inner = f"link {{ {level(k + 1, remaining - 1)} }}" if remaining else "link { id }"
        return (
            f"id name value{k} tags ...F{k} next {{ name value{k} next {{ name tags }} }} "
            f"alt: link {{ id name }} {inner}"
        )

    starts = (0, subgraphs // 3, 2 * subgraphs // 3)
    roots = " ".join(f"r{k}: root{k} {{ {level(k, depth)} }}" for k in starts)
    fragments = " ".join(f"fragment F{k} on E{k}x0 {{ id value{k} }}" for k in range(subgraphs))
    return f"query Large {{ {roots} list0(first: 3) {{ {level(0, 2)} }} }} {fragments}"


def _time(fn: Any, *, at_least_s: float, min_runs: int) -> list[float]:
    samples: list[float] = []
    started = time.perf_counter()
    while len(samples) < min_runs or time.perf_counter() - started < at_least_s:
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return samples


def run(bench: Bench) -> dict[str, Any]:
    import httpx
    from graphql import parse

    from router.executor import Gateway
    from router.planner import plan, print_plan
    from router.supergraph import load_supergraph
    from schema import compose

    quick = bench.options.quick
    print("  planner: composing the large supergraph...", flush=True)
    sdl = compose(large_supergraph_sources()).raise_for_errors().supergraph_sdl or ""
    query = large_query()
    document = parse(query)

    load_s = _time(lambda: load_supergraph(sdl), at_least_s=1 if quick else 3, min_runs=3)
    fresh = [load_supergraph(sdl) for _ in range(3 if quick else 10)]
    print("  planner: cold...", flush=True)
    cold_s = [_time(lambda sg=sg: plan(sg, document, "Large"), at_least_s=0, min_runs=1)[0] for sg in fresh]
    supergraph = fresh[0]
    query_plan = plan(supergraph, document, "Large")
    print("  planner: warm...", flush=True)
    warm_s = _time(lambda: plan(supergraph, document, "Large"), at_least_s=1 if quick else 4, min_runs=5)

    print("  planner: cached...", flush=True)
    gateway = Gateway(supergraph, http=httpx.AsyncClient())
    gateway.operation_type(query, "Large")  # fills the caches
    copies = [(query + " ")[:-1] for _ in range(2000)]  # new str objects: their hash is not cached
    cached_s: list[float] = []
    for _ in range(5 if quick else 25):
        t0 = time.perf_counter()
        for text in copies:
            gateway.operation_type(text, "Large")
        cached_s.append((time.perf_counter() - t0) / len(copies))

    fetches = print_plan(query_plan).count("Fetch(")
    us = 1e6
    return {
        "supergraph": {"subgraphs": SUBGRAPHS, "entity_types": SUBGRAPHS * TYPES, "sdl_bytes": len(sdl)},
        "query": {"bytes": len(query), "fetches_in_plan": fetches},
        "load_supergraph_us": statistics.median(load_s) * us,
        "cold_plan_us": statistics.median(cold_s) * us,
        "warm_plan_us": statistics.median(warm_s) * us,
        "cached_plan_us": statistics.median(cached_s) * us,
        "runs": {
            "load": len(load_s),
            "cold": len(cold_s),
            "warm": len(warm_s),
            "cached": len(cached_s) * len(copies),
        },
    }


def rows(result: dict[str, Any]) -> list[list[str]]:
    runs = result["runs"]
    return [
        ["measure", "µs per plan", "plans/s", "runs"],
        ["load supergraph SDL (not a plan)", f"{result['load_supergraph_us']:.0f}", "-", str(runs["load"])],
        [
            "cold (new supergraph + plan)",
            f"{result['cold_plan_us']:.0f}",
            f"{1e6 / result['cold_plan_us']:.0f}",
            str(runs["cold"]),
        ],
        [
            "warm (plan, no cache)",
            f"{result['warm_plan_us']:.0f}",
            f"{1e6 / result['warm_plan_us']:.0f}",
            str(runs["warm"]),
        ],
        [
            "cached (Gateway plan cache hit)",
            f"{result['cached_plan_us']:.2f}",
            f"{1e6 / result['cached_plan_us']:.0f}",
            str(runs["cached"]),
        ],
    ]

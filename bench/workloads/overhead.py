"""Gateway overhead: a query one subgraph answers alone, through each gateway and sent directly.

One connection, so latency is service time and not queueing: the router's p50/p99 over the direct
call's is what the router adds to a request (parse/validate and plan come from cache, one fetch,
response shaping, two extra HTTP hops' worth of work). The router's core (``Gateway.execute`` in
this process, same transport, same subgraph) is timed too: router p50 minus core p50 is what the HTTP
server adds over the core.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson

from .._context import post
from ._rounds import cell, cpu_cell, measure_rounds, ratio

if TYPE_CHECKING:
    from .._context import Bench

__all__ = ["QUERY", "rows", "run"]

QUERY = "query TopProducts { topProducts { upc name price weight } }"
BODY = orjson.dumps({"query": QUERY, "operationName": "TopProducts"})
CONNECTIONS = 1


def run(bench: Bench) -> dict[str, Any]:
    targets = {name: bench.gateway(name, BODY) for name in bench.gateway_names()}
    targets["direct (products subgraph)"] = bench.subgraphs()["products"]
    answers = {name: post(process.url, BODY) for name, process in targets.items()}
    reference = answers["direct (products subgraph)"]
    checks = {
        name: "ok" if answer == reference else "DIFFERS from direct" for name, answer in answers.items()
    }
    for name, check in checks.items():
        if check != "ok":
            bench.notes.append(f"overhead: {name}'s answer {check}")
    script = bench.wrk_script("overhead", BODY)
    summary = measure_rounds(bench, targets, script, connections=CONNECTIONS, label="overhead")
    router, direct = summary["router"], summary["direct (products subgraph)"]
    core = _core_latency(bench, seconds=bench.options.duration_s)
    return {
        "core_in_process": core,
        "server_added_p50_ms": None if router["p50_ms"] is None else router["p50_ms"] - core["p50_ms"],
        "connections": CONNECTIONS,
        "answers": checks,
        "targets": summary,
        "router_vs_direct": {
            "p50_ratio": ratio(router["p50_ms"], direct["p50_ms"]),
            "p99_ratio": ratio(router["p99_ms"], direct["p99_ms"]),
            "added_p50_ms": None
            if router["p50_ms"] is None or direct["p50_ms"] is None
            else router["p50_ms"] - direct["p50_ms"],
        },
    }


def _core_latency(bench: Bench, *, seconds: float) -> dict[str, Any]:
    """Sequential ``Gateway.execute`` calls in this process for ``seconds``: the router minus HTTP."""
    import statistics
    import time

    import httpx

    from router.cli._dev import run as run_on_uvloop
    from router.executor import Gateway, PooledTransport
    from router.supergraph import load_supergraph

    supergraph = load_supergraph(bench.supergraph_path().read_text())

    samples: list[float] = []

    async def measure() -> int:
        transport = PooledTransport()  # as the server wires it: fetches go straight to the transport
        async with httpx.AsyncClient(transport=transport) as http:
            gateway = Gateway(supergraph, http=http, transport=transport)
            await gateway.execute(QUERY, None, "TopProducts")  # plan and connection warmed
            end = time.perf_counter() + seconds
            while time.perf_counter() < end:
                start = time.perf_counter()
                await gateway.execute(QUERY, None, "TopProducts")
                samples.append((time.perf_counter() - start) * 1000)
        return 0

    run_on_uvloop(measure())
    quantiles = statistics.quantiles(samples, n=100)
    return {"requests": len(samples), "p50_ms": statistics.median(samples), "p99_ms": quantiles[98]}


def rows(result: dict[str, Any]) -> list[list[str]]:
    direct = result["targets"]["direct (products subgraph)"]
    out = [
        [
            "target",
            "req/s",
            "p50 ms",
            "p99 ms",
            "errors",
            "p50 / direct",
            "CPU % target/subgraphs/wrk",
            "answer",
        ]
    ]
    for name, s in result["targets"].items():
        out.append(
            [
                name,
                f"{s['requests_per_s']:.0f}",
                cell(s["p50_ms"], 2),
                cell(s["p99_ms"], 2),
                str(s["errors"]),
                cell(ratio(s["p50_ms"], direct["p50_ms"]), 2, "x"),
                cpu_cell(s),
                result["answers"].get(name, ""),
            ]
        )
    core = result.get("core_in_process")
    if core:
        added = result.get("server_added_p50_ms")
        out.append(
            [
                "router core in-process (Gateway)",
                "-",
                cell(core["p50_ms"], 2),
                cell(core["p99_ms"], 2),
                "0",
                cell(ratio(core["p50_ms"], direct["p50_ms"]), 2, "x"),
                f"server adds {cell(added, 2)} ms p50",
                "",
            ]
        )
    return out

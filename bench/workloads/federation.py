"""The federation gateway benchmark: one deep query across accounts, inventory, products, reviews.

The shape of the common Node/Rust gateway benchmarks: ``users`` and ``topProducts`` with reviews,
their authors, the authors' reviews and their products, including ``shippingEstimate`` (an
``@requires`` jump to inventory), so one request makes ~16 subgraph fetches in sequences and
parallels. Every gateway serves the same supergraph over the same subgraphs; the answers are
checked equal before load. Also samples each gateway's peak RSS under this load.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson

from .._context import post
from ._rounds import cell, cpu_cell, measure_rounds, ratio

if TYPE_CHECKING:
    from .._context import Bench

__all__ = ["QUERY", "rows", "run"]

QUERY = """
fragment User on User { id username name }
fragment Review on Review { id body }
fragment Product on Product { inStock name price shippingEstimate upc weight }
query TestQuery {
  users {
    ...User
    reviews {
      ...Review
      product {
        ...Product
        reviews { ...Review author { ...User reviews { ...Review product { ...Product } } } }
      }
    }
  }
  topProducts {
    ...Product
    reviews { ...Review author { ...User reviews { ...Review product { ...Product } } } }
  }
}
"""
BODY = orjson.dumps({"query": QUERY, "operationName": "TestQuery"})


def run(bench: Bench) -> dict[str, Any]:
    names = bench.gateway_names()
    processes = {name: bench.gateway(name, BODY) for name in names}
    answers = {name: post(p.url, BODY) for name, p in processes.items()}
    reference = answers["router"]
    checks = {
        name: "ok" if answer == reference and "errors" not in answer else "DIFFERS from router"
        for name, answer in answers.items()
    }
    for name, check in checks.items():
        if check != "ok":
            bench.notes.append(f"federation: {name}'s answer {check}")

    script = bench.wrk_script("federation", BODY)
    summary = measure_rounds(
        bench, processes, script, connections=bench.options.connections, label="federation"
    )
    router = summary["router"]
    result: dict[str, Any] = {
        "connections": bench.options.connections,
        "response_bytes": len(orjson.dumps(reference)),
        "answers": checks,
        "targets": summary,
    }
    for anchor in ("hive-gateway", "apollo-gateway"):
        if anchor in summary:
            result[f"router_vs_{anchor}"] = {
                "throughput_ratio": ratio(router["requests_per_s"], summary[anchor]["requests_per_s"]),
                "p99_ratio": ratio(router["p99_ms"], summary[anchor]["p99_ms"]),
            }
    return result


def rows(result: dict[str, Any]) -> list[list[str]]:
    targets = result["targets"]
    anchors = [a for a in ("hive-gateway", "apollo-gateway") if a in targets]
    head = ["target", "req/s", *(f"vs {a.split('-')[0]}" for a in anchors), "p50 ms", "p99 ms", "errors"]
    out = [[*head, "peak RSS MiB", "CPU % target/subgraphs/wrk", "answer"]]
    for name, s in targets.items():
        vs = [cell(ratio(s["requests_per_s"], targets[a]["requests_per_s"]), 2, "x") for a in anchors]
        out.append(
            [
                name,
                f"{s['requests_per_s']:.1f}",
                *vs,
                cell(s["p50_ms"], 1),
                cell(s["p99_ms"], 1),
                str(s["errors"]),
                f"{s['peak_rss_mib']:.0f}",
                cpu_cell(s),
                result["answers"].get(name, ""),
            ]
        )
    return out

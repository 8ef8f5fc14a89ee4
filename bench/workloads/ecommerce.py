"""The e-commerce system through the router vs. hand-written calls to the same subgraphs.

Runs the real stack: the six Strawberry subgraphs of ``subgraphs/`` (``supergraph subgraph NAME
--port P``, one process each, fresh SQLite files seeded on start in the run's work directory) and
the router on the committed ``schema/supergraph.graphql`` with its routing URLs pointed at them
(``ROUTER_SUBGRAPH_URLS``). Next to it, ``bench/handwritten.py``: the same pages as a hand-written
backend (the subgraph calls a careful team would code, concurrent where the data allows, over a
pooled keep-alive client), also its own process. wrk sends each page's body to both, interleaved
in rounds; after a warm-up the router serves its plans from the cache.

Two pages of a storefront:

- **product page**: a product with price, stock and shipping estimate (an ``@requires`` jump to
  inventory), average rating and its reviews with their authors: 4 subgraph fetches.
- **my orders**: the signed-in user (bearer token from a ``login`` through the router), their orders
  with each line's product name and stock: 4 fetches, authenticated.

The answers are checked equal before load. Each page is loaded on 1 connection (latency: what the
router adds to a page) and on 4 (the stack saturated: throughput). ``router / hand-written`` is what
using the router costs over writing the backend by hand; the subgraphs (Strawberry, SQLite) take
most of the time and CPU in both.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import orjson

from .._context import ROOT, ROUTER_ENV, post
from .._processes import free_port
from ._rounds import cell, cpu_cell, measure_rounds, ratio

if TYPE_CHECKING:
    from .._context import Bench
    from .._processes import Process

__all__ = ["PAGES", "SUBGRAPHS", "rows", "run"]

#: Every subgraph of supergraph.yaml: the router's supergraph names them all.
SUBGRAPHS = ("users", "products", "inventory", "orders", "reviews", "notifications")
PRODUCT_PAGE = """
query ProductPage($id: ID!) {
  product(id: $id) {
    id name sku description category
    price { amount currency }
    quantity inStock shippingEstimate
    averageRating
    reviews(first: 5) { edges { node { id rating body createdAt author { id name } } } }
  }
}
"""
MY_ORDERS = """
query MyOrders {
  me {
    id name email
    orders(first: 10) {
      edges {
        node {
          id status createdAt
          total { amount currency }
          items { quantity unitPrice { amount currency } product { id name sku inStock } }
        }
      }
    }
  }
}
"""
#: Page label -> request body (the same for the router and the hand-written backend).
PAGES = {
    "product page": orjson.dumps(
        {"query": PRODUCT_PAGE, "operationName": "ProductPage", "variables": {"id": "product-1"}}
    ),
    "my orders": orjson.dumps({"query": MY_ORDERS, "operationName": "MyOrders"}),
}
LOGIN = orjson.dumps(
    {"query": 'mutation { login(email: "alice@example.com", password: "alice-password-1") { accessToken } }'}
)
SERVICE_PROBE = orjson.dumps({"query": "{ _service { sdl } }"})
#: 1 connection: what the router adds to one page's latency; 4: the stack saturated (the six
#: subgraphs want more than the 2 cores), where the router's CPU competes with theirs.
CONNECTIONS = (1, 4)
#: Shorter than the other workloads' loads: 2 pages x 2 loads x 2 targets x rounds fit in ~1.5 min.
MAX_DURATION_S = 3.0
SUBGRAPH_ENV = {
    # Seeding hashes four passwords with Argon2: the bench does not measure that, so keep it cheap.
    "PASSWORD_HASH_TIME_COST": "1",
    "PASSWORD_HASH_MEMORY_KIB": "1024",
    # The token from the one login must outlive the run.
    "ACCESS_TOKEN_TTL_SECONDS": "3600",
}


def start_stack(bench: Bench) -> dict[str, Process]:
    """The six subgraphs, the router and the hand-written backend, each a process, all ready."""
    data_dir = bench.options.work_dir / "ecommerce-data"
    data_dir.mkdir(parents=True, exist_ok=True)
    ports = {name: free_port() for name in SUBGRAPHS}
    graphql_urls = {name: f"http://127.0.0.1:{port}/graphql" for name, port in ports.items()}
    env = {
        **SUBGRAPH_ENV,
        "DATA_DIR": str(data_dir),
        # Subgraphs call each other's REST routes (e.g. orders -> products for prices).
        **{f"{name.upper()}_URL": f"http://127.0.0.1:{port}" for name, port in ports.items()},
    }
    cli = [sys.executable, "-c", "import sys; from router.cli import main; sys.exit(main())"]
    processes: dict[str, Process] = {}
    for name, port in ports.items():
        argv = [*cli, "subgraph", name, "--port", str(port), "--log-level", "warning"]
        processes[name] = bench.processes.start(f"ecommerce-{name}", argv, port=port, cwd=ROOT, env=env)
    for name in SUBGRAPHS:
        bench.processes.wait_ready(processes[name], SERVICE_PROBE, timeout=120)
    port = free_port()
    argv = [*cli, "router", "--supergraph", str(ROOT / "schema/supergraph.graphql"), "--port", str(port)]
    router_env = {**ROUTER_ENV, "ROUTER_SUBGRAPH_URLS": orjson.dumps(graphql_urls).decode()}
    processes["router"] = bench.processes.start(
        "ecommerce-router", [*argv, "--log-level", "warning"], port=port, cwd=ROOT, env=router_env
    )
    port = free_port()
    argv = [sys.executable, "-m", "bench.handwritten", "--port", str(port)]
    processes["hand-written"] = bench.processes.start(
        "ecommerce-handwritten",
        [*argv, "--subgraphs", orjson.dumps(graphql_urls).decode()],
        port=port,
        cwd=ROOT,
    )
    for name in ("router", "hand-written"):
        bench.processes.wait_ready(processes[name], PAGES["product page"])
    return processes


def login(router: Process) -> str:
    answer = post(router.url, LOGIN)
    return str(answer["data"]["login"]["accessToken"])


def run(bench: Bench) -> dict[str, Any]:
    processes = start_stack(bench)
    try:
        headers = {"authorization": f"Bearer {login(processes['router'])}"}
        targets = {"router": processes["router"], "hand-written": processes["hand-written"]}
        backends = [processes[name] for name in SUBGRAPHS]
        duration = min(bench.options.duration_s, 2.0 if bench.options.quick else MAX_DURATION_S)
        pages: dict[str, Any] = {}
        for page, body in PAGES.items():
            answers = {name: post(p.url, body, headers) for name, p in targets.items()}
            reference = answers["router"]
            ok = "errors" not in reference and reference.get("data") is not None
            checks = {
                name: "ok" if ok and answer == reference else "DIFFERS from router"
                for name, answer in answers.items()
            }
            for name, check in checks.items():
                if check != "ok":
                    bench.notes.append(f"ecommerce {page}: {name}'s answer {check}")
            script = bench.wrk_script(f"ecommerce-{page.replace(' ', '-')}", body, headers)
            loads: dict[str, Any] = {}
            for connections in CONNECTIONS:
                summary = measure_rounds(
                    bench,
                    targets,
                    script,
                    connections=connections,
                    label=f"ecommerce {page} c={connections}",
                    duration_s=duration,
                    warmup_s=1.0,
                    backends=backends,
                )
                router, handwritten = summary["router"], summary["hand-written"]
                loads[str(connections)] = {
                    "targets": summary,
                    "router_vs_handwritten": {
                        "throughput_ratio": ratio(router["requests_per_s"], handwritten["requests_per_s"]),
                        "p50_ratio": ratio(router["p50_ms"], handwritten["p50_ms"]),
                        "p99_ratio": ratio(router["p99_ms"], handwritten["p99_ms"]),
                    },
                }
            pages[page] = {"response_bytes": len(orjson.dumps(reference)), "answers": checks, "loads": loads}
    finally:
        for process in processes.values():
            bench.processes.stop(process)
    return {"connections": list(CONNECTIONS), "duration_s": duration, "pages": pages}


def rows(result: dict[str, Any]) -> list[list[str]]:
    out = [
        [
            "page, connections: target",
            "req/s",
            "p50 ms",
            "p99 ms",
            "errors",
            "p50 / hand-written",
            "req/s / hand-written",
            "CPU % target/subgraphs/wrk",
            "answer",
        ]
    ]
    for page, r in result["pages"].items():
        for connections, load in r["loads"].items():
            base = load["targets"]["hand-written"]
            for name, s in load["targets"].items():
                out.append(
                    [
                        f"{page}, c={connections}: {name}",
                        cell(s["requests_per_s"], 1),
                        cell(s["p50_ms"], 2),
                        cell(s["p99_ms"], 2),
                        str(s["errors"]),
                        cell(ratio(s["p50_ms"], base["p50_ms"]), 2, "x"),
                        cell(ratio(s["requests_per_s"], base["requests_per_s"]), 2, "x"),
                        cpu_cell(s),
                        r["answers"].get(name, ""),
                    ]
                )
    return out

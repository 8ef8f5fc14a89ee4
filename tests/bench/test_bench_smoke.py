"""The benchmark harness's pieces work: no timing, no servers, no npm (``python -m bench`` runs them)."""

from __future__ import annotations

import os

import httpx
import orjson
import pytest
from graphql import parse

from bench._processes import process_tree_cpu_s, process_tree_rss_kib
from bench._profile import summarise
from bench._wrk import lua_script, parse_wrk_output
from bench.subgraphs import NAMES, SDLS, create_app
from bench.workloads import federation, overhead
from bench.workloads.planner import large_query, large_supergraph_sources
from router.executor import Gateway
from router.planner import plan, print_plan
from router.supergraph import load_supergraph
from schema import SubgraphSource, compose

WRK_SAMPLE = """Running 10s test @ http://127.0.0.1:4000/graphql
  1 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    12.31ms    3.02ms  48.10ms   85.00%
    Req/Sec     1.30k   120.00     1.50k    70.00%
  12987 requests in 10.00s, 52.10MB read
Requests/sec:   1298.41
Transfer/sec:      5.21MB
"""
WRK_SAMPLE += (
    'BENCH_JSON {"requests":12987,"duration_us":10002000,"bytes":54631000,'
    '"errors":{"connect":0,"read":1,"write":0,"status":2,"timeout":0},'
    '"latency_us":{"p50":11800,"p90":15010,"p99":30500,"max":48100,"mean":12310.5}}\n'
)


def _supergraph_sdl() -> str:
    sources = [SubgraphSource(name=n, url=f"http://{n}/graphql", sdl=SDLS[n]) for n in NAMES]
    return compose(sources).raise_for_errors().supergraph_sdl or ""


def _client() -> httpx.AsyncClient:
    mounts = {f"http://{n}": httpx.ASGITransport(app=create_app(n)) for n in NAMES}
    return httpx.AsyncClient(mounts=mounts)


async def test_each_bench_subgraph_serves_its_sdl_and_entities() -> None:
    async with _client() as client:
        for name in NAMES:
            response = await client.post(f"http://{name}/graphql", json={"query": "{ _service { sdl } }"})
            assert response.json()["data"]["_service"]["sdl"] == SDLS[name]
        query = (
            "query($r: [_Any!]!) { _entities(representations: $r) "
            "{ ... on Product { upc inStock shippingEstimate } } }"
        )
        body = {
            "query": query,
            "variables": {"r": [{"__typename": "Product", "upc": "1", "price": 199, "weight": 10}]},
        }
        for _ in range(2):  # the second answer comes from the memo
            response = await client.post("http://inventory/graphql", json=body)
            assert response.json() == {
                "data": {"_entities": [{"upc": "1", "inStock": True, "shippingEstimate": 5}]}
            }
        stats = (await client.get("http://inventory/stats")).json()
        assert stats == {"hits": 1, "misses": 2}  # misses: the _service query and the first _entities


def test_the_deep_query_plans_fetches_from_all_four_subgraphs() -> None:
    supergraph = load_supergraph(_supergraph_sdl())
    text = print_plan(plan(supergraph, parse(federation.QUERY), "TestQuery"))
    for name in NAMES:
        assert f'Fetch(service: "{name}")' in text


async def test_the_router_answers_both_bench_queries_over_the_bench_subgraphs() -> None:
    async with _client() as http:
        gateway = Gateway(load_supergraph(_supergraph_sdl()), http=http)
        deep = await gateway.execute(federation.QUERY, None, "TestQuery")
        single = await gateway.execute(overhead.QUERY, None, "TopProducts")
    assert "errors" not in deep
    assert [u["username"] for u in deep["data"]["users"]] == ["user1", "user2", "user3", "user4"]
    product = deep["data"]["topProducts"][0]
    assert product["shippingEstimate"] == 5
    assert product["reviews"][0]["author"]["reviews"][0]["product"]["name"].startswith("Product ")
    assert single == {
        "data": {
            "topProducts": [
                {"upc": str(i), "name": f"Product {i}", "price": 100 * i + 99, "weight": 10 * i}
                for i in range(1, 6)
            ]
        }
    }


def test_the_planner_workload_composes_and_plans_a_small_version_of_its_supergraph() -> None:
    sdl = compose(large_supergraph_sources(4, 3)).raise_for_errors().supergraph_sdl or ""
    text = print_plan(plan(load_supergraph(sdl), parse(large_query(4, 2)), "Large"))
    assert text.count("Fetch(") >= 4


def test_the_wrk_parser_reads_the_line_our_lua_script_prints() -> None:
    result = parse_wrk_output(WRK_SAMPLE)
    assert result.requests == 12987
    assert result.requests_per_s == pytest.approx(1298.44, abs=0.01)
    assert (result.p50_ms, result.p99_ms, result.max_ms) == (11.8, 30.5, 48.1)
    assert result.errors == 3
    with pytest.raises(ValueError, match="BENCH_JSON"):
        parse_wrk_output(WRK_SAMPLE.split("BENCH_JSON")[0])


def test_the_lua_script_posts_the_body_and_prints_the_marker() -> None:
    body = orjson.dumps({"query": federation.QUERY})
    script = lua_script(body)
    assert 'wrk.method = "POST"' in script
    assert body.decode() in script
    assert "BENCH_JSON " in script


def test_the_profile_summary_excludes_idle_leaves_and_ranks_functions() -> None:
    collapsed = (
        "<module> (supergraph:6);run (asyncio/runners.py:118);execute (router/executor/_gateway.py:1);"
        "_post (router/executor/_fetch.py:9) 30\n"
        "<module> (supergraph:6);run (asyncio/runners.py:118);execute (router/executor/_gateway.py:1) 10\n"
        "<module> (supergraph:6);Runner.run (asyncio/runners.py:118) 60\n"
    )
    summary = summarise(collapsed)
    assert (summary["samples"], summary["idle_samples"]) == (40, 60)
    assert summary["self"][0] == {"function": "router/executor/_fetch.py:_post", "percent": 75.0}


def test_process_memory_and_cpu_are_read_from_proc() -> None:
    assert process_tree_rss_kib(os.getpid()) > 0
    assert process_tree_cpu_s(os.getpid()) > 0

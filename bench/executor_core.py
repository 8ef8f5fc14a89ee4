"""The router's own CPU per deep query, in process: ``Gateway.execute`` with subgraph answers memoised.

No sockets: a ``PooledTransport`` whose ``post`` answers from a dict (the bench subgraphs' schemas
execute each distinct body once), so what is timed is the executor's work (plan walk,
representations, merging, shaping, JSON). ``--before`` loads the executor modules of
``bench.experiments.executor_before.BASELINE`` (profile round 4's starting point) instead; run both,
interleaved, and compare the minima (bench/README.md, round 4).

    .venv/bin/python -m bench.executor_core [--before] [REQUESTS]
"""

from __future__ import annotations

import asyncio
import sys
import time
from typing import Any

__all__ = ["main"]


def main() -> None:
    if "--before" in sys.argv:
        from .experiments.executor_before import install

        install()
    requests = next((int(a) for a in sys.argv[1:] if a.isdigit()), 300)
    print(f"{asyncio.run(_measure(requests)):.0f} us per request (best of 5 x {requests})")


async def _measure(requests: int) -> float:
    import httpx
    import orjson
    from graphql import execute, parse

    from router.executor import Gateway, PooledTransport
    from router.executor._transport import RawResponse
    from router.supergraph import load_supergraph
    from schema import SubgraphSource, compose

    from .subgraphs._app import _root, executable_schema
    from .subgraphs._sdl import SDLS
    from .workloads.federation import QUERY

    sources = [SubgraphSource(name=n, url=f"http://{n}.bench/graphql", sdl=SDLS[n]) for n in sorted(SDLS)]
    supergraph = load_supergraph(compose(sources).raise_for_errors().supergraph_sdl or "")
    schemas = {name: (executable_schema(name), _root(name)) for name in SDLS}
    answers: dict[tuple[str, bytes], bytes] = {}

    class MemoisedSubgraphs(PooledTransport):
        async def post(self, url: Any, headers: Any, body: bytes, *, timeout: float | None) -> RawResponse:
            answer = answers.get((url.host, body))
            if answer is None:
                schema, root = schemas[url.host.split(".")[0]]
                params = orjson.loads(body)
                result = execute(
                    schema, parse(params["query"]), root_value=root, variable_values=params.get("variables")
                )
                answer = answers[(url.host, body)] = orjson.dumps({"data": result.data})
            await asyncio.sleep(0)  # a fetch yields to the loop, as a real one does
            return RawResponse(200, b"OK", [], answer)

    transport = MemoisedSubgraphs()
    async with httpx.AsyncClient(transport=transport) as http:
        gateway = Gateway(supergraph, http=http, transport=transport)
        first = await gateway.execute(QUERY, None, "TestQuery")
        if "errors" in first:
            raise SystemExit(f"the deep query failed: {first['errors']}")
        best = float("inf")
        for _ in range(5):
            started = time.perf_counter()
            for _ in range(requests):
                await gateway.execute(QUERY, None, "TestQuery")
            best = min(best, (time.perf_counter() - started) / requests * 1e6)
    return best


if __name__ == "__main__":
    main()

"""What one benchmark run shares between workloads: options, the servers, load generation.

Servers start on first use and stay up for the run: the four bench subgraphs (one process each),
the supergraph composed over them (``schema.compose``), and the gateways under test. Everything
listens on 127.0.0.1 on ports the kernel picked free, so a run never collides with a dev stack.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import orjson

from ._processes import Process, Processes, StartFailed, free_port, process_tree_rss_kib
from ._wrk import WrkResult, ensure_wrk, lua_script, run_wrk
from .experiments import EXPERIMENTS
from .subgraphs import NAMES, SDLS

__all__ = ["GATEWAYS", "ROOT", "Bench", "Options"]

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
NODE_DIR = BENCH / "node"
SERVICE_PROBE = orjson.dumps({"query": "{ _service { sdl } }"})

#: Gateway label -> how it is called in tables and results.
GATEWAYS = ("router", "hive-gateway", "apollo-gateway")
#: The load generator is one client: the router's per-client rate limit (on by default) would answer
#: it with 429s. The Node gateways have no such limit, so the comparison runs without it.
ROUTER_ENV = {"ROUTER_RATE_LIMIT_REQUESTS": str(10**9)}


@dataclass(frozen=True, slots=True, kw_only=True)
class Options:
    quick: bool
    rounds: int
    duration_s: float
    warmup_s: float
    connections: int
    node: bool
    profile_s: float
    work_dir: Path
    experiments: tuple[str, ...] = ()


@dataclass(slots=True)
class Bench:
    """One run's servers and helpers; a workload gets it and returns its results as a dict."""

    options: Options
    processes: Processes
    notes: list[str] = field(default_factory=list)
    _subgraphs: dict[str, Process] = field(default_factory=dict)
    _gateways: dict[str, Process] = field(default_factory=dict)
    _gateway_start_s: dict[str, float] = field(default_factory=dict)
    _supergraph: Path | None = None
    _wrk: str | None = None
    _node_ok: bool | None = None

    # -- servers ------------------------------------------------------------------------------

    def subgraphs(self) -> dict[str, Process]:
        if not self._subgraphs:
            for name in NAMES:
                port = free_port()
                argv = [sys.executable, "-m", "bench.subgraphs", name, "--port", str(port)]
                self._subgraphs[name] = self.processes.start(f"subgraph-{name}", argv, port=port, cwd=ROOT)
            for process in self._subgraphs.values():
                self.processes.wait_ready(process, SERVICE_PROBE)
        return self._subgraphs

    def supergraph_path(self) -> Path:
        """The supergraph over the running subgraphs, composed by ``schema.compose``."""
        if self._supergraph is None:
            from schema import SubgraphSource, compose

            subgraphs = self.subgraphs()
            sources = [SubgraphSource(name=n, url=subgraphs[n].url, sdl=SDLS[n]) for n in NAMES]
            result = compose(sources).raise_for_errors()
            path = self.options.work_dir / "supergraph.graphql"
            path.write_text(result.supergraph_sdl or "")
            self._supergraph = path
        return self._supergraph

    def router_argv(self, port: int) -> list[str]:
        cli = Path(sys.executable).with_name("supergraph")
        head = (
            [str(cli)]
            if cli.exists()
            else [sys.executable, "-c", "import sys; from router.cli import main; sys.exit(main())"]
        )
        return [
            *head,
            "router",
            "--supergraph",
            str(self.supergraph_path()),
            "--port",
            str(port),
            "--log-level",
            "warning",
        ]

    def node_available(self) -> bool:
        """Whether the Node gateways can run; installs them from bench/node/package-lock.json once."""
        if self._node_ok is None:
            self._node_ok = self.options.node and _install_node_gateways(self.notes)
        return self._node_ok

    def gateway_names(self) -> tuple[str, ...]:
        """The router, its ``--experiment`` variants, then the Node gateways when they can run."""
        variants = tuple(f"router+{name}" for name in self.options.experiments)
        return ("router", *variants, *(GATEWAYS[1:] if self.node_available() else ()))

    def gateway(self, name: str, probe: bytes) -> Process:
        """The running gateway ``name`` (started on first use; ready when ``probe`` gets data)."""
        if name in self._gateways:
            return self._gateways[name]
        supergraph = str(self.supergraph_path())
        port = free_port()
        if name == "router":
            process = self.processes.start(name, self.router_argv(port), port=port, cwd=ROOT, env=ROUTER_ENV)
        elif name.startswith("router+"):
            module = EXPERIMENTS[name.removeprefix("router+")]
            argv = [sys.executable, "-m", module, supergraph, str(port)]
            process = self.processes.start(name, argv, port=port, cwd=ROOT, env=ROUTER_ENV)
        elif name == "hive-gateway":
            argv = [
                str(NODE_DIR / "node_modules/.bin/hive-gateway"),
                "supergraph",
                supergraph,
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--fork",
                "1",
            ]
            # NODE_ENV=production: what a deployment runs (no dev-only work on the request path).
            env = {"NODE_ENV": "production", "LOG_LEVEL": "warn"}
            process = self.processes.start(name, argv, port=port, cwd=NODE_DIR, env=env)
        elif name == "apollo-gateway":
            argv = ["node", "apollo-gateway.mjs", supergraph, str(port)]
            process = self.processes.start(
                name, argv, port=port, cwd=NODE_DIR, env={"NODE_ENV": "production"}
            )
        else:
            raise ValueError(f"unknown gateway {name!r}")
        self._gateway_start_s[name] = self.processes.wait_ready(process, probe, timeout=120)
        self._gateways[name] = process
        return process

    def gateway_start_s(self, name: str) -> float | None:
        """Seconds from process start to its first answered query, as seen when it was started."""
        return self._gateway_start_s.get(name)

    # -- load ---------------------------------------------------------------------------------

    def wrk_script(self, label: str, body: bytes, headers: dict[str, str] | None = None) -> Path:
        path = self.options.work_dir / f"{label}.lua"
        path.write_text(lua_script(body, headers))
        return path

    def load(self, url: str, script: Path, *, connections: int, duration_s: float) -> WrkResult:
        if self._wrk is None:
            self._wrk = ensure_wrk()
        return run_wrk(
            self._wrk,
            url,
            script,
            connections=connections,
            duration_s=duration_s,
            log=self.options.work_dir / "wrk.log",
        )

    @contextmanager
    def sample_rss(self, pid: int, interval_s: float = 0.25) -> Iterator[Callable[[], int]]:
        """Sample the RSS of ``pid``'s process tree while the block runs; yields ``max_kib()``."""
        peak = [process_tree_rss_kib(pid)]
        stop = threading.Event()

        def sample() -> None:
            while not stop.wait(interval_s):
                peak[0] = max(peak[0], process_tree_rss_kib(pid))

        thread = threading.Thread(target=sample, daemon=True)
        thread.start()
        try:
            yield lambda: peak[0]
        finally:
            stop.set()
            thread.join()


def post(url: str, body: bytes, headers: dict[str, str] | None = None) -> dict[str, Any]:
    headers = {"content-type": "application/json", **(headers or {})}
    response = httpx.post(url, content=body, headers=headers, timeout=30)
    return dict(orjson.loads(response.content))


def _install_node_gateways(notes: list[str]) -> bool:
    npm = shutil.which("npm")
    if shutil.which("node") is None or npm is None:
        notes.append("node/npm not found: Node gateways skipped")
        return False
    marker = NODE_DIR / "node_modules/.package-lock.json"
    lock = NODE_DIR / "package-lock.json"
    if marker.exists() and marker.stat().st_mtime >= lock.stat().st_mtime:
        return True
    print("installing the Node gateways into bench/node/node_modules (npm ci, once)...", flush=True)
    started = time.monotonic()
    completed = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund"], cwd=NODE_DIR, capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        notes.append(f"npm ci failed: Node gateways skipped ({completed.stderr.strip()[-500:]})")
        return False
    print(f"  done in {time.monotonic() - started:.0f} s", flush=True)
    return True


__all__ += ["StartFailed", "post"]

"""``supergraph dev --processes``: the production shape on one machine.

Every subgraph and the router run as processes of their own (as in docker-compose), against the
local PostgreSQL (a database per subgraph, created when missing), RabbitMQ for events and Redis for
the router's rate limits and persisted queries. Each default is only a default: an environment
variable that is already set (``ORDERS_DATABASE_URL``, ``EVENT_BUS_URL``, ...) wins.

Stopping (Ctrl-C, SIGTERM, or one process dying) is graceful and ordered as a rolling shutdown
would be: the router first, so the requests it is answering still reach every subgraph, then the
subgraphs together. The children run in their own process group, so a terminal's Ctrl-C reaches
only this supervisor, which then stops them in that order.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

__all__ = ["process_environment", "run_processes"]

LOCAL_POSTGRES = "postgresql://postgres@127.0.0.1:5432"
LOCAL_RABBITMQ = "amqp://guest:guest@127.0.0.1:5672/"
LOCAL_REDIS = "redis://127.0.0.1:6379"
#: Per stage (router, then subgraphs): above a child's own budget (uvicorn's graceful timeout of
#: 15 s plus its lifespan shutdown), so a child is killed only when it is stuck.
_STOP_GRACE_SECONDS = 30.0


def process_environment(specs: Sequence[Any], base: Mapping[str, str]) -> dict[str, str]:
    """The environment every process gets: local PostgreSQL/RabbitMQ/Redis unless already set."""
    env = dict(base)
    env.setdefault("EVENT_BUS_URL", LOCAL_RABBITMQ)
    env.setdefault("ROUTER_APQ_REDIS_URL", f"{LOCAL_REDIS}/2")
    env.setdefault("ROUTER_RATE_LIMIT_REDIS_URL", f"{LOCAL_REDIS}/1")
    env.setdefault("ROUTER_SUBGRAPH_URLS", json.dumps({s.name: s.routing_url for s in specs}))
    for spec in specs:
        upper = spec.name.upper()
        env.setdefault(f"{upper}_DATABASE_URL", f"{LOCAL_POSTGRES}/supergraph_{spec.name}")
        env.setdefault(f"{upper}_URL", f"http://{spec.host}:{spec.port}")
    return env


async def _ensure_databases(urls: Sequence[str]) -> None:
    """CREATE DATABASE for each PostgreSQL URL whose database does not exist yet."""
    import asyncpg

    for url in urls:
        parts = urlsplit(url.replace("postgresql+asyncpg://", "postgresql://"))
        if parts.scheme not in ("postgresql", "postgres"):
            continue
        name = parts.path.lstrip("/")
        maintenance = urlunsplit(parts._replace(path="/postgres"))
        connection = await asyncpg.connect(maintenance, timeout=10)
        try:
            if not await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
                await connection.execute(f'CREATE DATABASE "{name}"')
        finally:
            await connection.close()


def run_processes(specs: Sequence[Any], *, config: Path, router_port: int | None, log_level: str) -> int:
    """Start every service as a process, stop them all on Ctrl-C/SIGTERM or when one dies."""
    env = process_environment(specs, os.environ)
    try:
        asyncio.run(_ensure_databases([env[f"{s.name.upper()}_DATABASE_URL"] for s in specs]))
    except (OSError, ImportError) as exc:
        print(f"supergraph dev --processes: PostgreSQL is not reachable ({exc})", file=sys.stderr)
        return 1
    command = [sys.executable, "-m", "router.cli"]
    processes: dict[str, subprocess.Popen[bytes]] = {}
    for spec in specs:
        processes[spec.name] = subprocess.Popen(
            [*command, "subgraph", spec.name, "--config", str(config), "--log-level", log_level],
            env=env,
            process_group=0,
        )
    if router_port is not None:
        processes["router"] = subprocess.Popen(
            [*command, "router", "--port", str(router_port), "--log-level", log_level],
            env=env,
            process_group=0,
        )
    print(
        "supergraph dev --processes: " + ", ".join(f"{name} (pid {p.pid})" for name, p in processes.items()),
        file=sys.stderr,
    )

    stopping = False

    def stop(_signum: int, _frame: Any) -> None:
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    failed: list[str] = []
    try:
        while not stopping:
            failed = [name for name, p in processes.items() if p.poll() is not None]
            if failed:
                break
            time.sleep(0.2)
    finally:
        router = {name: p for name, p in processes.items() if name == "router"}
        _stop([*router.values()])
        _stop([p for name, p in processes.items() if name not in router])
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if failed:
        print(f"supergraph dev --processes: {', '.join(failed)} stopped unexpectedly", file=sys.stderr)
        return 1
    return 0


def _stop(processes: Sequence[subprocess.Popen[bytes]]) -> None:
    """SIGTERM each, wait for all (bounded), kill what is still running."""
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + _STOP_GRACE_SECONDS
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

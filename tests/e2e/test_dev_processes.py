"""`supergraph dev --processes`: every service its own process on the real PostgreSQL, RabbitMQ and
Redis (the production shape, on one machine), exercised end to end through the router."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import asyncpg
import httpx

from ..services import POSTGRES_DSN, unavailable
from ..test_cli import ROOT, SUBGRAPHS, _config, _free_ports


def _wait_ready(client: httpx.Client, url: str, process: subprocess.Popen[str], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if client.get(url).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert process.poll() is None, process.communicate()[1][-3000:]
        assert time.monotonic() < deadline, f"{url} not ready"
        time.sleep(0.3)


async def _drop_databases(names: list[str]) -> None:
    connection = await asyncpg.connect(POSTGRES_DSN, timeout=5)
    try:
        for name in names:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


async def _delete_topology(exchange: str) -> None:
    from subgraphs.common.bus import RabbitMQBus

    from ..events.testkit import AMQP_URL, PLATFORM_CONSUMERS

    bus = RabbitMQBus(url=AMQP_URL, exchange=exchange)
    try:
        await bus.delete_topology(PLATFORM_CONSUMERS)
    finally:
        await bus.close()


def test_dev_processes_places_an_order_and_delivers_its_notification_over_rabbitmq(tmp_path: Path) -> None:
    from ..events.testkit import AMQP_URL

    try:
        asyncio.run(_drop_databases([]))
    except (OSError, asyncpg.PostgresError) as exc:
        unavailable("PostgreSQL", exc)
    *subgraph_ports, router_port = _free_ports(len(SUBGRAPHS) + 1)
    ports = dict(zip(SUBGRAPHS, subgraph_ports, strict=True))
    run_id = uuid.uuid4().hex[:8]
    databases = {name: f"sgproc_{run_id}_{name}" for name in SUBGRAPHS}
    base = POSTGRES_DSN.rsplit("/", 1)[0]
    env = {
        **os.environ,
        "DATA_DIR": str(tmp_path / "data"),
        "EVENT_BUS_URL": AMQP_URL,
        "EVENT_EXCHANGE": f"test.processes.{run_id}",
        **{f"{name.upper()}_DATABASE_URL": f"{base}/{db}" for name, db in databases.items()},
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "router.cli", "dev", "--processes", "--config", str(_config(tmp_path, ports)),
         "--port", str(router_port), "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    router = f"http://127.0.0.1:{router_port}"
    try:
        with httpx.Client(timeout=10) as client:
            _wait_ready(client, f"{router}/health/ready", process)
            login = client.post(
                f"{router}/graphql",
                json={
                    "query": 'mutation { login(email: "bob@example.com", password: "bob-password-1") { accessToken } }'
                },
            ).json()
            auth = {"authorization": f"Bearer {login['data']['login']['accessToken']}"}
            placed = client.post(
                f"{router}/graphql",
                json={
                    "query": 'mutation { placeOrder(items: [{productId: "product-3", quantity: 1}]) { id status } }'
                },
                headers=auth,
            ).json()
            order_id = placed["data"]["placeOrder"]["id"]
            deadline = time.monotonic() + 30
            while True:
                me = client.post(
                    f"{router}/graphql",
                    json={"query": "{ me { notifications { edges { node { kind message } } } } }"},
                    headers=auth,
                ).json()["data"]["me"]
                if me["notifications"]["edges"] or time.monotonic() > deadline:
                    break
                time.sleep(0.3)
        pids = subprocess.run(
            ["pgrep", "-P", str(process.pid)], capture_output=True, text=True
        ).stdout.split()
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
        asyncio.run(_drop_databases(list(databases.values())))
        asyncio.run(_delete_topology(env["EVENT_EXCHANGE"]))

    assert placed["data"]["placeOrder"]["status"] == "PENDING"
    assert [edge["node"]["kind"] for edge in me["notifications"]["edges"]] == ["ORDER_PLACED"]
    assert order_id in me["notifications"]["edges"][0]["node"]["message"]
    assert len(pids) == len(SUBGRAPHS) + 1  # one process per subgraph, one router
    assert process.returncode == 0, stderr[-3000:]


async def _unsent_events(dsn: str) -> list[str]:
    connection = await asyncpg.connect(dsn, timeout=5)
    try:
        rows = await connection.fetch("SELECT event_type FROM event_outbox WHERE sent_at IS NULL")
    finally:
        await connection.close()
    return [row["event_type"] for row in rows]


def test_api_processes_without_background_tasks_leave_relay_and_consumers_to_a_worker(tmp_path: Path) -> None:
    """docker-compose's shape: APIs with BACKGROUND_TASKS=false, one ``supergraph worker`` beside them.
    The order's event waits in the outbox until the worker starts, then reaches the notification."""
    from ..events.testkit import AMQP_URL

    try:
        asyncio.run(_drop_databases([]))
    except (OSError, asyncpg.PostgresError) as exc:
        unavailable("PostgreSQL", exc)
    *subgraph_ports, router_port = _free_ports(len(SUBGRAPHS) + 1)
    config = _config(tmp_path, dict(zip(SUBGRAPHS, subgraph_ports, strict=True)))
    run_id = uuid.uuid4().hex[:8]
    databases = {name: f"sgworker_{run_id}_{name}" for name in SUBGRAPHS}
    base = POSTGRES_DSN.rsplit("/", 1)[0]
    env = {
        **os.environ,
        "DATA_DIR": str(tmp_path / "data"),
        "EVENT_BUS_URL": AMQP_URL,
        "EVENT_EXCHANGE": f"test.worker.{run_id}",
        "BACKGROUND_TASKS": "false",
        **{f"{name.upper()}_DATABASE_URL": f"{base}/{db}" for name, db in databases.items()},
    }
    cli = [sys.executable, "-m", "router.cli"]
    apis = subprocess.Popen(
        [*cli, "dev", "--processes", "--config", str(config), "--port", str(router_port), "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    worker: subprocess.Popen[str] | None = None
    router = f"http://127.0.0.1:{router_port}"
    try:
        with httpx.Client(timeout=10) as client:
            _wait_ready(client, f"{router}/health/ready", apis)
            token = client.post(
                f"{router}/graphql",
                json={
                    "query": 'mutation { login(email: "bob@example.com", password: "bob-password-1") { accessToken } }'
                },
            ).json()["data"]["login"]["accessToken"]
            auth = {"authorization": f"Bearer {token}"}
            placed = client.post(
                f"{router}/graphql",
                json={
                    "query": 'mutation { placeOrder(items: [{productId: "product-3", quantity: 1}]) { id } }'
                },
                headers=auth,
            ).json()
            time.sleep(2.5)  # an in-process relay would have published within its 1 s interval
            waiting = asyncio.run(_unsent_events(f"{base}/{databases['orders']}"))

            worker = subprocess.Popen(
                [*cli, "worker", "--config", str(config), "--log-level", "warning"],
                cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            )  # fmt: skip
            deadline = time.monotonic() + 45
            while True:
                me = client.post(
                    f"{router}/graphql",
                    json={"query": "{ me { notifications { edges { node { kind message } } } } }"},
                    headers=auth,
                ).json()["data"]["me"]
                if me["notifications"]["edges"] or time.monotonic() > deadline:
                    break
                assert worker.poll() is None, worker.communicate()[1][-3000:]
                time.sleep(0.3)
        worker.send_signal(signal.SIGTERM)
        _, worker_stderr = worker.communicate(timeout=60)
        apis.send_signal(signal.SIGINT)
        apis.communicate(timeout=60)
    finally:
        for process in (worker, apis):
            if process is not None and process.poll() is None:
                process.kill()
                process.communicate()
        asyncio.run(_drop_databases(list(databases.values())))
        asyncio.run(_delete_topology(env["EVENT_EXCHANGE"]))

    assert waiting == ["OrderPlaced"]
    order_id = placed["data"]["placeOrder"]["id"]
    assert [edge["node"]["kind"] for edge in me["notifications"]["edges"]] == ["ORDER_PLACED"]
    assert order_id in me["notifications"]["edges"][0]["node"]["message"]
    assert worker.returncode == 0, worker_stderr[-3000:]

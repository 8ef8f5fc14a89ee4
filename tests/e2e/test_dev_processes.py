"""`supergraph dev --processes`: every service its own process on the real PostgreSQL, RabbitMQ and
Redis (the production shape, on one machine), exercised end to end through the router; and the
docker-compose topology, where the APIs leave relays and consumers to a `supergraph worker`."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import asyncpg
import httpx
from prometheus_client.parser import text_string_to_metric_families

from ..test_cli import ROOT, SUBGRAPHS, _config, _free_ports
from .shop_flow import Platform, place_order, platform, sign_in, wait_for_notifications, wait_ready

__all__ = ["platform"]  # the fixture, imported for pytest

CLI = [sys.executable, "-m", "router.cli"]


def _start(command: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*CLI, *command], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _alive(process: subprocess.Popen[str]) -> None:
    assert process.poll() is None, process.communicate()[1][-3000:]


def _stop(*processes: subprocess.Popen[str] | None) -> None:
    for process in processes:
        if process is not None and process.poll() is None:
            process.kill()
            process.communicate()


def test_dev_processes_places_an_order_and_delivers_its_notification_over_rabbitmq(
    tmp_path: Path, platform: Platform
) -> None:
    env = {**os.environ, "DATA_DIR": str(tmp_path / "data"), **platform.env}
    config = _config(tmp_path, platform.ports)
    process = _start(
        [
            "dev",
            "--processes",
            "--config",
            str(config),
            "--port",
            str(platform.router_port),
            "--log-level",
            "warning",
        ],
        env,
    )
    try:
        with httpx.Client(timeout=10) as client:
            wait_ready(client, f"{platform.router}/health/ready", alive=lambda: _alive(process))
            auth = sign_in(client, platform.router)
            order = place_order(client, platform.router, auth)
            notifications = wait_for_notifications(client, platform.router, auth, timeout=30)
        pids = subprocess.run(
            ["pgrep", "-P", str(process.pid)], capture_output=True, text=True
        ).stdout.split()
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    finally:
        _stop(process)

    assert order["status"] == "PENDING"
    assert [n["kind"] for n in notifications] == ["ORDER_PLACED"]
    assert order["id"] in notifications[0]["message"]
    assert len(pids) == len(SUBGRAPHS) + 1  # one process per subgraph, one router
    assert process.returncode == 0, stderr[-3000:]


#: The notification consumer's count of OrderPlaced deliveries it processed (sample name, labels).
_PROCESSED = (
    "subgraph_event_deliveries_total",
    (
        ("consumer", "notifications"),
        ("outcome", "processed"),
        ("subgraph", "notifications"),
        ("type", "OrderPlaced"),
    ),
)


def _samples(exposition: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
    }


async def _unsent_events(dsn: str) -> list[str]:
    connection = await asyncpg.connect(dsn, timeout=5)
    try:
        rows = await connection.fetch("SELECT event_type FROM event_outbox WHERE sent_at IS NULL")
    finally:
        await connection.close()
    return [row["event_type"] for row in rows]


def test_api_processes_without_background_tasks_leave_relay_and_consumers_to_a_worker(
    tmp_path: Path, platform: Platform
) -> None:
    """docker-compose's shape: APIs with BACKGROUND_TASKS=false, one ``supergraph worker`` beside them.
    The order's event waits in the outbox until the worker starts, then reaches the notification."""
    env = {**os.environ, "DATA_DIR": str(tmp_path / "data"), **platform.env, "BACKGROUND_TASKS": "false"}
    config = _config(tmp_path, platform.ports)
    apis = _start(
        [
            "dev",
            "--processes",
            "--config",
            str(config),
            "--port",
            str(platform.router_port),
            "--log-level",
            "warning",
        ],
        env,
    )
    worker: subprocess.Popen[str] | None = None
    try:
        with httpx.Client(timeout=10) as client:
            wait_ready(client, f"{platform.router}/health/ready", alive=lambda: _alive(apis))
            auth = sign_in(client, platform.router)
            order = place_order(client, platform.router, auth)
            time.sleep(2.5)  # an in-process relay would have published within its 1 s interval
            waiting = asyncio.run(_unsent_events(platform.database_url("orders")))

            [worker_port] = _free_ports(1)
            worker = _start(
                ["worker", "--config", str(config), "--port", str(worker_port), "--log-level", "warning"], env
            )
            running = worker
            wait_ready(client, f"http://127.0.0.1:{worker_port}/health/ready", alive=lambda: _alive(running))
            notifications = wait_for_notifications(
                client, platform.router, auth, still_running=lambda: _alive(running)
            )
            deadline = time.monotonic() + 10  # counted right after the ack that follows the commit
            while _PROCESSED not in (
                counted := _samples(client.get(f"http://127.0.0.1:{worker_port}/metrics").text)
            ):
                assert time.monotonic() < deadline, counted
                time.sleep(0.1)
        worker.send_signal(signal.SIGTERM)
        _, worker_stderr = worker.communicate(timeout=60)
        apis.send_signal(signal.SIGINT)
        apis.communicate(timeout=60)
    finally:
        _stop(worker, apis)

    assert waiting == ["OrderPlaced"]
    assert counted["subgraph_outbox_published_total", (("subgraph", "orders"), ("type", "OrderPlaced"))] == 1
    assert counted["subgraph_outbox_backlog", (("subgraph", "orders"),)] == 0
    assert counted[_PROCESSED] == 1
    assert [n["kind"] for n in notifications] == ["ORDER_PLACED"]
    assert order["id"] in notifications[0]["message"]
    assert worker.returncode == 0, worker_stderr[-3000:]

"""The image deploy/Dockerfile builds runs every role: six subgraph APIs, the worker and the router
as containers (host network, the local PostgreSQL, Redis and RabbitMQ), an order placed through
the router reaches its notification, the image's HEALTHCHECK turns healthy, and every container
stops cleanly on SIGTERM (``docker stop``).

Needs a Docker engine, which CI machines do not run: without one the test is skipped (Docker is
not one of the services the platform needs). ``deploy/build-image`` builds the image first.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from ..e2e.shop_flow import Platform, place_order, platform, sign_in, wait_for_notifications, wait_ready
from ..services import POSTGRES_DSN, unavailable
from ..test_cli import _free_ports

ROOT = Path(__file__).parents[2]
IMAGE = "supergraph:test"
__all__ = ["platform"]  # the fixture, imported for pytest


def _docker_engine() -> bool:
    docker = shutil.which("docker")
    return bool(docker) and subprocess.run([docker, "info"], capture_output=True).returncode == 0


pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not _docker_engine(), reason="no Docker engine on this machine"),
]


def _docker(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["docker", *args], capture_output=True, text=True, check=check, timeout=600)


@pytest.fixture(scope="module")
def image() -> str:
    built = subprocess.run([str(ROOT / "deploy" / "build-image"), IMAGE], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr[-3000:]
    return IMAGE


@pytest.fixture
def containers() -> Iterator[list[str]]:
    started: list[str] = []
    yield started
    for name in started:
        _docker("rm", "-f", name, check=False)


#: The notification consumer's count of OrderPlaced deliveries it processed.
NOTIFIED = (
    "subgraph_event_deliveries_total",
    {"subgraph": "notifications", "consumer": "notifications", "type": "OrderPlaced", "outcome": "processed"},
)


def _sample(exposition: str, name: str, labels: dict[str, str]) -> float:
    """The value of one sample of a Prometheus exposition (0 when it is absent)."""
    for family in text_string_to_metric_families(exposition):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return sample.value
    return 0.0


async def _create_databases(names: list[str]) -> None:
    connection = await asyncpg.connect(POSTGRES_DSN, timeout=5)
    try:
        for name in names:
            await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


def test_the_image_runs_every_role_and_an_order_reaches_its_notification(
    image: str, containers: list[str], platform: Platform
) -> None:
    try:
        asyncio.run(_create_databases(list(platform.databases.values())))
    except (OSError, asyncpg.PostgresError) as exc:
        unavailable("PostgreSQL", exc)
    env = {
        **platform.env,
        "CACHE_REDIS_URL": "redis://127.0.0.1:6379/0",
        "CACHE_KEY_PREFIX": f"test-image-{platform.run_id}:",
        "BACKGROUND_TASKS": "false",
        **{f"{name.upper()}_URL": f"http://127.0.0.1:{port}" for name, port in platform.ports.items()},
    }

    def run(name: str, command: list[str], **extra: str) -> None:
        flags = [f"--env={key}={value}" for key, value in {**env, **extra}.items()]
        container = f"sgimage-{platform.run_id}-{name}"
        _docker("run", "-d", "--name", container, "--network", "host", *flags, image, *command)
        containers.append(container)

    def running() -> None:
        for container in containers:
            state = _docker("inspect", "--format", "{{.State.Status}}", container).stdout.strip()
            assert state == "running", f"{container} {state}: {_docker('logs', container).stderr[-3000:]}"

    for name, port in platform.ports.items():
        run(
            name, ["supergraph", "subgraph", name, "--host", "127.0.0.1", "--port", str(port)], PORT=str(port)
        )
    urls = {name: f"http://127.0.0.1:{port}/graphql" for name, port in platform.ports.items()}
    with httpx.Client(timeout=10) as client:
        for port in platform.ports.values():
            wait_ready(client, f"http://127.0.0.1:{port}/health/ready", alive=running)
        [worker_port] = _free_ports(1)
        worker = f"http://127.0.0.1:{worker_port}"
        run(
            "worker",
            ["supergraph", "worker", "--host", "127.0.0.1", "--port", str(worker_port)],
            BACKGROUND_TASKS="true",
            PORT=str(worker_port),
        )
        worker_container = containers[-1]
        # Ready: every relay and consumer started (the consumers' queues declared on RabbitMQ).
        wait_ready(client, f"{worker}/health/ready", alive=running)
        run(
            "router",
            ["supergraph", "router", "--host", "127.0.0.1", "--port", str(platform.router_port)],
            PORT=str(platform.router_port),
            ROUTER_SUBGRAPH_URLS=json.dumps(urls),
        )
        wait_ready(client, f"{platform.router}/health/ready", alive=running)
        auth = sign_in(client, platform.router)
        order = place_order(client, platform.router, auth)
        notifications = wait_for_notifications(client, platform.router, auth, still_running=running)
        deadline = time.monotonic() + 10  # counted right after the ack that follows the commit
        while not _sample(worker_metrics := client.get(f"{worker}/metrics").text, *NOTIFIED):
            assert time.monotonic() < deadline, worker_metrics
            time.sleep(0.1)
    deadline = time.monotonic() + 60  # the image's HEALTHCHECK: every 10 s
    while True:
        health = {
            _docker("inspect", "--format", "{{.State.Health.Status}}", container).stdout.strip()
            for container in (containers[-1], worker_container)  # the router, the worker
        }
        if health == {"healthy"} or time.monotonic() > deadline:
            break
        time.sleep(1)
    user = _docker("exec", containers[0], "id", "-u").stdout.strip()
    for container in reversed(containers):
        _docker("stop", "--time", "30", container)
    exit_codes = {
        c: _docker("inspect", "--format", "{{.State.ExitCode}}", c).stdout.strip() for c in containers
    }
    logs = _docker("logs", containers[0]).stderr

    assert [n["kind"] for n in notifications] == ["ORDER_PLACED"]
    assert order["id"] in notifications[0]["message"]
    assert health == {"healthy"}
    assert _sample(
        worker_metrics, "subgraph_outbox_published_total", {"subgraph": "orders", "type": "OrderPlaced"}
    )
    assert user == "10001"  # non-root
    assert set(exit_codes.values()) == {"0"}, exit_codes
    assert all(json.loads(line)["level"] for line in logs.splitlines() if line.startswith("{"))

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
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from ..e2e.test_dev_processes import _delete_topology, _drop_databases
from ..services import AMQP_URL, POSTGRES_DSN, unavailable
from ..test_cli import SUBGRAPHS, _free_ports

ROOT = Path(__file__).parents[2]
IMAGE = "supergraph:test"


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


async def _create_databases(names: list[str]) -> None:
    connection = await asyncpg.connect(POSTGRES_DSN, timeout=5)
    try:
        for name in names:
            await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


def _wait(client: httpx.Client, url: str, what: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if client.get(url).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, f"{what} not ready at {url}"
        time.sleep(0.5)


def test_the_image_runs_every_role_and_an_order_reaches_its_notification(
    image: str, containers: list[str]
) -> None:
    *subgraph_ports, router_port = _free_ports(len(SUBGRAPHS) + 1)
    ports = dict(zip(SUBGRAPHS, subgraph_ports, strict=True))
    run_id = uuid.uuid4().hex[:8]
    databases = {name: f"sgimage_{run_id}_{name}" for name in SUBGRAPHS}
    base = POSTGRES_DSN.rsplit("/", 1)[0]
    env = {
        "EVENT_BUS_URL": AMQP_URL,
        "EVENT_EXCHANGE": f"test.image.{run_id}",
        "CACHE_REDIS_URL": "redis://127.0.0.1:6379/0",
        "CACHE_KEY_PREFIX": f"test-image-{run_id}:",
        "BACKGROUND_TASKS": "false",
        **{f"{name.upper()}_URL": f"http://127.0.0.1:{port}" for name, port in ports.items()},
        **{f"{name.upper()}_DATABASE_URL": f"{base}/{db}" for name, db in databases.items()},
    }

    try:
        asyncio.run(_create_databases(list(databases.values())))
    except (OSError, asyncpg.PostgresError) as exc:
        unavailable("PostgreSQL", exc)

    def run(name: str, command: list[str], **extra: str) -> None:
        flags = [f"--env={key}={value}" for key, value in {**env, **extra}.items()]
        container = f"sgimage-{run_id}-{name}"
        _docker("run", "-d", "--name", container, "--network", "host", *flags, image, *command)
        containers.append(container)

    try:
        for name, port in ports.items():
            run(
                name,
                ["supergraph", "subgraph", name, "--host", "127.0.0.1", "--port", str(port)],
                PORT=str(port),
            )
        urls = {name: f"http://127.0.0.1:{port}/graphql" for name, port in ports.items()}
        with httpx.Client(timeout=10) as client:
            for name, port in ports.items():
                _wait(client, f"http://127.0.0.1:{port}/health/ready", name)
            run("worker", ["supergraph", "worker"], BACKGROUND_TASKS="true")
            run(
                "router",
                ["supergraph", "router", "--host", "127.0.0.1", "--port", str(router_port)],
                PORT=str(router_port),
                ROUTER_SUBGRAPH_URLS=json.dumps(urls),
            )
            router = f"http://127.0.0.1:{router_port}"
            _wait(client, f"{router}/health/ready", "router")
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
            deadline = time.monotonic() + 45
            while True:
                me = client.post(
                    f"{router}/graphql",
                    json={"query": "{ me { notifications { edges { node { kind message } } } } }"},
                    headers=auth,
                ).json()["data"]["me"]
                if me["notifications"]["edges"] or time.monotonic() > deadline:
                    break
                time.sleep(0.5)
        deadline = time.monotonic() + 60  # the image's HEALTHCHECK: every 10 s
        while True:
            health = _docker("inspect", "--format", "{{.State.Health.Status}}", containers[-1]).stdout.strip()
            if health == "healthy" or time.monotonic() > deadline:
                break
            time.sleep(1)
        user = _docker("exec", containers[0], "id", "-u").stdout.strip()
        for container in reversed(containers):
            _docker("stop", "--time", "30", container)
        exit_codes = {
            c: _docker("inspect", "--format", "{{.State.ExitCode}}", c).stdout.strip() for c in containers
        }
        logs = _docker("logs", containers[0]).stderr
    finally:
        asyncio.run(_drop_databases(list(databases.values())))
        asyncio.run(_delete_topology(env["EVENT_EXCHANGE"]))

    order_id = placed["data"]["placeOrder"]["id"]
    assert [edge["node"]["kind"] for edge in me["notifications"]["edges"]] == ["ORDER_PLACED"]
    assert order_id in me["notifications"]["edges"][0]["node"]["message"]
    assert health == "healthy"
    assert user == "10001"  # non-root
    assert set(exit_codes.values()) == {"0"}, exit_codes
    assert all(json.loads(line)["level"] for line in logs.splitlines() if line.startswith("{"))

"""The ``supergraph`` command line as a user runs it: a real process, real ports, real signals."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).parents[1]
SUPERGRAPH = [sys.executable, "-m", "router.cli"]
SUBGRAPHS = ["users", "products", "inventory", "orders", "reviews", "notifications"]


def _free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [int(sock.getsockname()[1]) for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _env(tmp_path: Path, ports: dict[str, int] | None = None) -> dict[str, str]:
    env = {**os.environ, "DATA_DIR": str(tmp_path / "data"), "PYTHONUNBUFFERED": "1"}
    for name in SUBGRAPHS:
        env.pop(f"{name.upper()}_DATABASE_URL", None)
        if ports:
            env[f"{name.upper()}_URL"] = f"http://127.0.0.1:{ports[name]}"
    env.pop("DATABASE_URL", None)
    return env


def _config(tmp_path: Path, ports: dict[str, int]) -> Path:
    lines = ["federation_version: =2.9.0", "subgraphs:"]
    for name, port in ports.items():
        lines += [
            f"  {name}:",
            f"    routing_url: http://127.0.0.1:{port}/graphql",
            "    schema:",
            f"      module: subgraphs.{name}.schema:schema",
        ]
    path = tmp_path / "supergraph.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_sdl_prints_a_subgraphs_federation_sdl() -> None:
    result = subprocess.run(
        [*SUPERGRAPH, "sdl", "users"], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert 'type User @key(fields: "id")' in result.stdout
    assert '@link(url: "https://specs.apollo.dev/federation/v2.9"' in result.stdout


def test_sdl_of_an_unknown_subgraph_is_a_clear_error() -> None:
    result = subprocess.run(
        [*SUPERGRAPH, "sdl", "nope"], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert result.returncode == 1
    assert "no subgraph named 'nope'" in result.stderr
    assert "Traceback" not in result.stderr


def test_seed_creates_every_database_and_is_idempotent(tmp_path: Path) -> None:
    for _ in range(2):
        result = subprocess.run(
            [*SUPERGRAPH, "seed"], capture_output=True, text=True, cwd=ROOT, env=_env(tmp_path), timeout=120
        )
        assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "data").glob("*.db")) == sorted(f"{n}.db" for n in SUBGRAPHS)


def test_dev_brings_every_subgraph_and_the_router_up_and_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    *subgraph_ports, router_port = _free_ports(len(SUBGRAPHS) + 1)
    ports = dict(zip(SUBGRAPHS, subgraph_ports, strict=True))
    process = subprocess.Popen(
        [
            *SUPERGRAPH,
            "dev",
            "--config",
            str(_config(tmp_path, ports)),
            "--port",
            str(router_port),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=_env(tmp_path, ports),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        sdls = {}
        with httpx.Client(timeout=5) as client:
            for name, port in ports.items():
                while True:
                    try:
                        if client.get(f"http://127.0.0.1:{port}/health/ready").status_code == 200:
                            break
                    except httpx.TransportError:
                        pass
                    assert process.poll() is None, process.communicate()[1]
                    assert time.monotonic() < deadline, f"{name} did not come up"
                    time.sleep(0.2)
                response = client.post(
                    f"http://127.0.0.1:{port}/graphql", json={"query": "{ _service { sdl } }"}
                )
                sdls[name] = response.json()["data"]["_service"]["sdl"]
            router = client.post(
                f"http://127.0.0.1:{router_port}/graphql",
                json={
                    "query": '{ product(id: "product-1") { name inStock shippingEstimate '
                    "reviews { edges { node { author { name } } } } } }"
                },
            )
            graphiql = client.get(f"http://127.0.0.1:{router_port}/", headers={"accept": "text/html"})
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert 'type User @key(fields: "id")' in sdls["users"]
    assert 'type Product @key(fields: "id") @key(fields: "sku")' in sdls["products"]
    assert "@requires" in sdls["inventory"]
    assert 'type Order @key(fields: "id")' in sdls["orders"]
    assert 'type Review @key(fields: "id")' in sdls["reviews"]
    product = router.json()["data"]["product"]
    assert product["inStock"] is True and isinstance(product["shippingEstimate"], int)
    assert product["reviews"]["edges"][0]["node"]["author"]["name"] == "Alice Liddell"
    assert graphiql.status_code == 200 and "graphiql" in graphiql.text.lower()


def test_a_port_in_use_is_reported_by_name_before_anything_starts(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [*SUPERGRAPH, "subgraph", "users", "--port", str(port)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=_env(tmp_path),
            timeout=60,
        )
    assert result.returncode == 1
    assert f"port {port} (users) on 127.0.0.1 is already in use" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", [["compose", "--help"], ["check", "--help"], ["plan", "--help"]])
def test_every_command_has_help(command: list[str]) -> None:
    result = subprocess.run([*SUPERGRAPH, *command], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "usage:" in result.stdout


def test_relay_without_rabbitmq_configured_says_what_to_set(tmp_path: Path) -> None:
    env = {**_env(tmp_path), "EVENT_BUS_URL": ""}
    result = subprocess.run(
        [*SUPERGRAPH, "relay", "orders"], capture_output=True, text=True, cwd=ROOT, env=env, timeout=60
    )
    assert result.returncode == 1
    assert "needs EVENT_BUS_URL=amqp://" in result.stderr
    assert "Traceback" not in result.stderr


def test_plan_prints_the_plan_of_a_deferred_operation() -> None:
    query = '{ product(id: "product-1") { name ... @defer(label: "stock") { inStock } } }'
    result = subprocess.run(
        [*SUPERGRAPH, "plan", query], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "Defer {" in result.stdout and 'label: "stock"' in result.stdout
    assert 'Fetch(service: "inventory")' in result.stdout


def test_plan_of_an_invalid_operation_says_why_without_a_traceback() -> None:
    result = subprocess.run(
        [*SUPERGRAPH, "plan", "{ product { nope } }"], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert result.returncode == 1
    assert "Cannot query field 'nope'" in result.stderr
    assert "Traceback" not in result.stderr

"""What the multi-process tests share (``dev --processes``, the worker topology, the container
image): a :func:`platform` of fresh PostgreSQL databases and a RabbitMQ exchange, and the customer
journey through a running router: sign in as the seeded customer, place an order, and wait for its
notification, which only arrives when relay, broker and consumer all work."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx
import pytest

from ..services import AMQP_URL, POSTGRES_DSN, unavailable
from ..test_cli import SUBGRAPHS, _free_ports


async def drop_databases(names: list[str]) -> None:
    connection = await asyncpg.connect(POSTGRES_DSN, timeout=5)
    try:
        for name in names:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


async def delete_topology(exchange: str) -> None:
    from subgraphs.common.bus import RabbitMQBus

    from ..events.testkit import PLATFORM_CONSUMERS

    bus = RabbitMQBus(url=AMQP_URL, exchange=exchange)
    try:
        await bus.delete_topology(PLATFORM_CONSUMERS)
    finally:
        await bus.close()


@dataclass(slots=True)
class Platform:
    """What one multi-process run uses: ports, its own PostgreSQL databases and RabbitMQ exchange."""

    run_id: str
    ports: dict[str, int]
    router_port: int
    databases: dict[str, str]
    env: dict[str, str]

    @property
    def router(self) -> str:
        return f"http://127.0.0.1:{self.router_port}"

    def database_url(self, name: str) -> str:
        return self.env[f"{name.upper()}_DATABASE_URL"]


@pytest.fixture
def platform() -> Iterator[Platform]:
    """Fresh databases' names and exchange for one run; dropped and deleted afterwards."""
    try:
        asyncio.run(drop_databases([]))
    except (OSError, asyncpg.PostgresError) as exc:
        unavailable("PostgreSQL", exc)
    *subgraph_ports, router_port = _free_ports(len(SUBGRAPHS) + 1)
    run_id = uuid.uuid4().hex[:8]
    databases = {name: f"sgproc_{run_id}_{name}" for name in SUBGRAPHS}
    base = POSTGRES_DSN.rsplit("/", 1)[0]
    env = {
        "EVENT_BUS_URL": AMQP_URL,
        "EVENT_EXCHANGE": f"test.processes.{run_id}",
        **{f"{name.upper()}_DATABASE_URL": f"{base}/{db}" for name, db in databases.items()},
    }
    ports = dict(zip(SUBGRAPHS, subgraph_ports, strict=True))
    yield Platform(run_id, ports, router_port, databases, env)
    asyncio.run(drop_databases(list(databases.values())))
    asyncio.run(delete_topology(env["EVENT_EXCHANGE"]))


LOGIN = 'mutation { login(email: "bob@example.com", password: "bob-password-1") { accessToken } }'
PLACE_ORDER = 'mutation { placeOrder(items: [{productId: "product-3", quantity: 1}]) { id status } }'
MY_NOTIFICATIONS = "{ me { notifications { edges { node { kind message } } } } }"


def sign_in(client: httpx.Client, router: str) -> dict[str, str]:
    """The seeded customer's bearer header."""
    answer = client.post(f"{router}/graphql", json={"query": LOGIN}).json()
    return {"authorization": f"Bearer {answer['data']['login']['accessToken']}"}


def place_order(client: httpx.Client, router: str, auth: dict[str, str]) -> dict[str, Any]:
    """``placeOrder``'s answer: ``{"id": ..., "status": ...}``."""
    answer = client.post(f"{router}/graphql", json={"query": PLACE_ORDER}, headers=auth).json()
    assert "errors" not in answer, answer
    order: dict[str, Any] = answer["data"]["placeOrder"]
    return order


def wait_for_notifications(
    client: httpx.Client,
    router: str,
    auth: dict[str, str],
    *,
    timeout: float = 45,
    still_running: Callable[[], None] = lambda: None,
) -> list[dict[str, str]]:
    """The customer's notifications (``kind``, ``message``) once there is one, or ``[]`` at the
    timeout; ``still_running`` may assert that a process the delivery depends on is alive."""
    deadline = time.monotonic() + timeout
    while True:
        answer = client.post(f"{router}/graphql", json={"query": MY_NOTIFICATIONS}, headers=auth).json()
        edges = answer["data"]["me"]["notifications"]["edges"]
        if edges or time.monotonic() > deadline:
            return [edge["node"] for edge in edges]
        still_running()
        time.sleep(0.3)


def wait_ready(client: httpx.Client, url: str, *, alive: Callable[[], None], timeout: float = 90) -> None:
    """Poll ``url`` until it answers 200; ``alive`` asserts the process behind it has not died."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if client.get(url).status_code == 200:
                return
        except httpx.TransportError:
            pass
        alive()
        assert time.monotonic() < deadline, f"{url} not ready"
        time.sleep(0.3)

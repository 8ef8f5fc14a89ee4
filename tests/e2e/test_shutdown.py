"""SIGTERM, as Kubernetes sends it, stops a real process gracefully: the listener closes at once,
requests in flight finish with complete answers, event consumers ack what they hold (the rest stays
in RabbitMQ), and the process exits 0 well inside the 30 s grace period.

Requests are held in flight for real: the test locks the table they read in PostgreSQL, sends
SIGTERM while they wait on the lock, and releases it afterwards.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import aio_pika
import asyncpg
import httpx
import pytest

from subgraphs.common import OutgoingMessage, RabbitMQBus, new_event

from ..events.testkit import AMQP_URL, order_placed, rabbitmq_exchange
from ..subgraphs.harness import postgres_database
from ..test_cli import ROOT, _config, _free_ports

pytestmark = pytest.mark.postgres

IN_FLIGHT = 8
#: From SIGTERM with nothing left to wait for, to the process's exit.
EXIT_BOUND_SECONDS = 10.0
USER_QUERY = '{ user(id: "user-1") { id name } }'


def _environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "DATA_DIR": str(tmp_path / "data"), "PYTHONUNBUFFERED": "1", "LOG_FORMAT": "json"}
    for key in [key for key in env if key.endswith("_DATABASE_URL") or key == "DATABASE_URL"]:
        del env[key]
    env.update(extra)
    return env


@contextmanager
def _process(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A ``supergraph`` process writing its log to ``log``; killed if the test leaves it running."""
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "router.cli", *args], cwd=ROOT, env=env, stdout=output, stderr=output
        )
        try:
            yield process
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()


async def _wait_ready(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(timeout=5) as client:
        while True:
            try:
                if (await client.get(url)).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            assert process.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, f"{url} not ready: {log.read_text()[-3000:]}"
            await asyncio.sleep(0.2)


async def _exit_code(process: subprocess.Popen[bytes], timeout: float) -> int:
    return await asyncio.to_thread(process.wait, timeout)


def _refuses_connections(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        try:
            sock.connect(("127.0.0.1", port))
        except ConnectionRefusedError:
            return True
        return False


async def _until(condition: Any, what: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not await condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.05)


def _dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


@asynccontextmanager
async def _table_locked(dsn: str, table: str) -> AsyncIterator[asyncpg.Connection]:
    """Hold an exclusive lock on ``table`` until the block ends: every read of it waits."""
    connection = await asyncpg.connect(dsn, timeout=5)
    try:
        transaction = connection.transaction()
        await transaction.start()
        await connection.execute(f'LOCK TABLE "{table}" IN ACCESS EXCLUSIVE MODE')
        try:
            yield connection
        finally:
            await transaction.rollback()
    finally:
        await connection.close()


async def _waiting_on_locks(dsn: str) -> int:
    connection = await asyncpg.connect(dsn, timeout=5)
    try:
        return int(
            await connection.fetchval(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
        )
    finally:
        await connection.close()


async def _sigterm_while_users_are_read(
    *, dsn: str, port: int, process: subprocess.Popen[bytes], log: Path
) -> list[httpx.Response]:
    """Send ``IN_FLIGHT`` user queries to ``port``, SIGTERM ``process`` while all wait on the lock,
    check the listener is gone, then release the lock; returns the answers."""
    async with httpx.AsyncClient(timeout=30) as client:
        async with _table_locked(dsn, "users"):
            requests = [
                asyncio.create_task(
                    client.post(
                        f"http://127.0.0.1:{port}/graphql",
                        json={"query": USER_QUERY},
                        headers={"X-Request-ID": f"in-flight-{n}"},
                    )
                )
                for n in range(IN_FLIGHT)
            ]

            async def all_waiting() -> bool:
                return await _waiting_on_locks(dsn) >= IN_FLIGHT

            async def refused() -> bool:
                return await asyncio.to_thread(_refuses_connections, port)

            await _until(all_waiting, "every request to wait on the lock")
            process.send_signal(signal.SIGTERM)
            await _until(refused, "the listener to close", timeout=5)
            await asyncio.sleep(0.3)
            assert not any(request.done() for request in requests), "a request finished while locked"
            assert process.poll() is None, log.read_text()[-3000:]
        # The lock is released: the waiting reads go on and answer.
        return await asyncio.gather(*requests)


def _assert_complete_answers(responses: list[httpx.Response]) -> None:
    assert [response.status_code for response in responses] == [200] * IN_FLIGHT
    for response in responses:
        assert response.json() == {"data": {"user": {"id": "user-1", "name": "Ada Admin"}}}


def _log_lines(log: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in log.read_text().splitlines() if line.strip()]


async def test_a_subgraph_on_sigterm_refuses_new_connections_finishes_requests_in_flight_and_exits_0(
    tmp_path: Path,
) -> None:
    [port] = _free_ports(1)
    config = _config(tmp_path, {"users": port})
    log = tmp_path / "users.log"
    async with postgres_database() as url:
        env = _environment(tmp_path, USERS_DATABASE_URL=url, PASSWORD_HASH_TIME_COST="1")
        with _process(["subgraph", "users", "--config", str(config), "--port", str(port)], env, log) as users:
            await _wait_ready(f"http://127.0.0.1:{port}/health/ready", users, log)
            responses = await _sigterm_while_users_are_read(dsn=_dsn(url), port=port, process=users, log=log)
            code = await _exit_code(users, EXIT_BOUND_SECONDS)

    assert code == 0, log.read_text()[-3000:]
    _assert_complete_answers(responses)
    lines = _log_lines(log)  # every line is JSON, uvicorn's included
    served = [line for line in lines if line["logger"] == "subgraphs.access" and line["path"] == "/graphql"]
    assert sorted(line["request_id"] for line in served) == sorted(f"in-flight-{n}" for n in range(IN_FLIGHT))
    messages = [line["message"] for line in lines]
    assert messages.index("Shutting down") < messages.index("Application shutdown complete.")
    assert not [line for line in lines if line["level"] in {"error", "critical"}], lines


async def test_a_request_that_outlives_the_graceful_timeout_is_cut_off_and_the_process_still_exits_0(
    tmp_path: Path,
) -> None:
    [port] = _free_ports(1)
    config = _config(tmp_path, {"users": port})
    log = tmp_path / "users.log"
    async with postgres_database() as url:
        env = _environment(tmp_path, USERS_DATABASE_URL=url, PASSWORD_HASH_TIME_COST="1")
        args = ["subgraph", "users", "--config", str(config), "--port", str(port), "--graceful-timeout", "1"]
        with _process(args, env, log) as users:
            await _wait_ready(f"http://127.0.0.1:{port}/health/ready", users, log)
            async with httpx.AsyncClient(timeout=30) as client, _table_locked(_dsn(url), "users"):
                stuck = asyncio.create_task(
                    client.post(f"http://127.0.0.1:{port}/graphql", json={"query": USER_QUERY})
                )

                async def waiting() -> bool:
                    return await _waiting_on_locks(_dsn(url)) >= 1

                await _until(waiting, "the request to wait on the lock")
                started = time.monotonic()
                users.send_signal(signal.SIGTERM)
                # The lock is held throughout: only the timeout can end the request.
                code = await _exit_code(users, EXIT_BOUND_SECONDS)
                took = time.monotonic() - started
                outcome = await asyncio.gather(stuck, return_exceptions=True)

    assert code == 0, log.read_text()[-3000:]
    assert took < 1 + EXIT_BOUND_SECONDS / 2
    [answer] = outcome
    # Cut off: an error answer or a dropped connection, never a hang.
    assert isinstance(answer, httpx.TransportError) or answer.status_code >= 500, answer
    assert any("graceful shutdown exceeded" in line["message"] for line in _log_lines(log))


async def test_the_router_on_sigterm_finishes_requests_in_flight_through_its_subgraph_and_exits_0(
    tmp_path: Path,
) -> None:
    subgraph_port, router_port = _free_ports(2)
    config = _config(tmp_path, {"users": subgraph_port})
    async with postgres_database() as url:
        env = _environment(
            tmp_path,
            USERS_DATABASE_URL=url,
            PASSWORD_HASH_TIME_COST="1",
            ROUTER_SUBGRAPH_URLS=json.dumps({"users": f"http://127.0.0.1:{subgraph_port}/graphql"}),
        )
        users_log, router_log = tmp_path / "users.log", tmp_path / "router.log"
        with (
            _process(
                ["subgraph", "users", "--config", str(config), "--port", str(subgraph_port)], env, users_log
            ) as users,
            _process(["router", "--port", str(router_port)], env, router_log) as router,
        ):
            await _wait_ready(f"http://127.0.0.1:{subgraph_port}/health/ready", users, users_log)
            await _wait_ready(f"http://127.0.0.1:{router_port}/health/live", router, router_log)
            responses = await _sigterm_while_users_are_read(
                dsn=_dsn(url), port=router_port, process=router, log=router_log
            )
            router_code = await _exit_code(router, EXIT_BOUND_SECONDS)
            users.send_signal(signal.SIGTERM)
            users_code = await _exit_code(users, EXIT_BOUND_SECONDS)

    assert router_code == 0, router_log.read_text()[-3000:]
    assert users_code == 0, users_log.read_text()[-3000:]
    _assert_complete_answers(responses)
    # The router's request ids reached the subgraph's log.
    served = {
        line.get("request_id") for line in _log_lines(users_log) if line["logger"] == "subgraphs.access"
    }
    assert {f"in-flight-{n}" for n in range(IN_FLIGHT)} <= served


# -- the notifications consumer ------------------------------------------------------------------

EVENTS = 300


@pytest.fixture
async def exchange() -> AsyncIterator[str]:
    async with rabbitmq_exchange(["notifications"]) as name:
        yield name


async def _queue_depths(exchange: str) -> tuple[int, int]:
    """Ready messages in the notifications queue and in its dead-letter queue."""
    bus = RabbitMQBus(url=AMQP_URL, exchange=exchange)
    main, _retry, dead = bus.queue_names("notifications")
    connection = await aio_pika.connect(AMQP_URL, timeout=5)
    try:
        channel = await connection.channel()
        ready = (await channel.declare_queue(main, passive=True)).declaration_result.message_count
        dead_letters = (await channel.declare_queue(dead, passive=True)).declaration_result.message_count
        return int(ready or 0), int(dead_letters or 0)
    finally:
        await connection.close()


async def _processed(dsn: str, event_ids: set[str]) -> tuple[int, int]:
    """(events recorded as processed, notifications written) among ``event_ids``."""
    connection = await asyncpg.connect(dsn, timeout=5)
    try:
        ids = list(event_ids)
        try:
            processed = await connection.fetchval(
                "SELECT count(*) FROM processed_events WHERE event_id = ANY($1::text[])", ids
            )
            notified = await connection.fetchval(
                "SELECT count(*) FROM notifications WHERE event_id = ANY($1::text[])", ids
            )
        except asyncpg.UndefinedTableError:
            return 0, 0
        return int(processed), int(notified)
    finally:
        await connection.close()


async def test_sigterm_while_events_flow_loses_no_event_and_stores_each_exactly_once(
    tmp_path: Path, exchange: str
) -> None:
    [port] = _free_ports(1)
    config = _config(tmp_path, {"notifications": port})
    events = [
        new_event(order_placed(f"order-{n}-{uuid.uuid4().hex[:6]}"), source="orders") for n in range(EVENTS)
    ]
    event_ids = {event.id for event in events}
    publisher = RabbitMQBus(url=AMQP_URL, exchange=exchange)
    # The queue exists before any consumer, as after an earlier deployment: events wait in it.
    connection = await publisher.connect()
    channel = await connection.channel()
    await publisher.declare_consumer(channel, "notifications", ["OrderPlaced"])
    await channel.close()

    async def publish_all() -> None:
        for start in range(0, EVENTS, 10):
            await asyncio.gather(
                *(
                    publisher.publish(OutgoingMessage(event_id=e.id, event_type=e.type, body=e.to_json()))
                    for e in events[start : start + 10]
                )
            )
            await asyncio.sleep(0.02)

    async with postgres_database() as url:
        dsn = _dsn(url)
        env = _environment(
            tmp_path, NOTIFICATIONS_DATABASE_URL=url, EVENT_BUS_URL=AMQP_URL, EVENT_EXCHANGE=exchange
        )
        args = ["subgraph", "notifications", "--config", str(config), "--port", str(port)]
        first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
        try:
            with _process(args, env, first_log) as first:
                await _wait_ready(f"http://127.0.0.1:{port}/health/ready", first, first_log)
                publishing = asyncio.create_task(publish_all())

                async def some_processed() -> bool:
                    return (await _processed(dsn, event_ids))[0] >= 30

                await _until(some_processed, "the first consumer to process events")
                first.send_signal(signal.SIGTERM)
                first_code = await _exit_code(first, EXIT_BOUND_SECONDS)
                after_first, _ = await _processed(dsn, event_ids)
                await publishing

            with _process(args, env, second_log) as second:

                async def all_processed() -> bool:
                    return (await _processed(dsn, event_ids))[0] == EVENTS and (
                        await _queue_depths(exchange)
                    )[0] == 0

                await _until(all_processed, "the second consumer to catch up", timeout=60)
                second.send_signal(signal.SIGTERM)
                second_code = await _exit_code(second, EXIT_BOUND_SECONDS)
            processed, notified = await _processed(dsn, event_ids)
            ready, dead = await _queue_depths(exchange)
        finally:
            await publisher.close()

    assert first_code == 0, first_log.read_text()[-3000:]
    assert second_code == 0, second_log.read_text()[-3000:]
    assert 0 < after_first < EVENTS  # stopped mid-stream: the second consumer had work left
    assert (processed, notified) == (EVENTS, EVENTS)  # every event, each stored once
    assert (ready, dead) == (0, 0)  # nothing left behind, nothing dead-lettered
    for log in (first_log, second_log):
        assert not [line for line in _log_lines(log) if line["level"] in {"error", "critical"}]
    # The first consumer acked every event it had handled before closing its channel: none came
    # back to the second as an already-processed redelivery.
    assert not [line for line in _log_lines(second_log) if "already processed" in line["message"]]

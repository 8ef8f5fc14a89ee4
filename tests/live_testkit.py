"""Test helpers for live (WebSocket) GraphQL: a real uvicorn server in the test's loop, and a
graphql-transport-ws client over the ``websockets`` package.

Subscriptions are real WebSockets (client -> router -> subgraph), so these tests serve apps on free
ports of 127.0.0.1 rather than over ASGI; the apps still run in the test's event loop, next to the
in-process subgraphs and their databases.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import orjson
import uvicorn
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

from .events.testkit import eventually

__all__ = ["graphql_ws", "open_ws", "receive", "send", "serving"]


@asynccontextmanager
async def serving(app: Any, *, lifespan: str = "off") -> AsyncIterator[str]:
    """Serve ``app`` with uvicorn on a free port of 127.0.0.1 in this loop; yields ``host:port``.
    ``lifespan="off"`` for an app whose lifespan the test already runs."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, lifespan=lifespan, log_level="warning", ws="websockets-sansio"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        await eventually(lambda: server.started or task.done(), timeout=10, what="uvicorn to start")
        assert not task.done(), task
        yield f"127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)


def open_ws(address: str, *, headers: dict[str, str] | None = None) -> Any:
    """A graphql-transport-ws WebSocket to ``ws://address/graphql`` (not yet initialised)."""
    return connect(
        f"ws://{address}/graphql",
        subprotocols=[Subprotocol("graphql-transport-ws")],
        additional_headers=headers or {},
    )


@asynccontextmanager
async def graphql_ws(
    address: str, *, payload: dict[str, Any] | None = None, headers: dict[str, str] | None = None
) -> AsyncIterator[ClientConnection]:
    """A graphql-transport-ws connection, initialised (``payload``) and acknowledged."""
    async with open_ws(address, headers=headers) as ws:
        await send(ws, {"type": "connection_init", "payload": payload or {}})
        ack = await receive(ws)
        assert ack["type"] == "connection_ack", ack
        yield ws


async def send(ws: ClientConnection, message: dict[str, Any]) -> None:
    await ws.send(orjson.dumps(message).decode())


async def receive(ws: ClientConnection, timeout: float = 10.0) -> dict[str, Any]:
    message: dict[str, Any] = orjson.loads(await asyncio.wait_for(ws.recv(), timeout))
    return message

"""Run several ASGI services in one process and one event loop (``supergraph dev``).

Ports are bound up front, so a port in use is reported by name before anything starts; Ctrl-C
(SIGINT) or SIGTERM stops every server gracefully: each stops accepting, lets requests in flight
finish (for at most ``graceful_timeout`` seconds, then cancels them), and runs its lifespan's
shutdown (event consumers ack what they hold, relays stop, pools and clients close). Services stop
one after another in reverse order, the router first, so nothing still draining loses a service it
calls. The budget stays under the 30 s Kubernetes gives a pod (deploy/k8s) before SIGKILL.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import signal
import socket
import sys
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass
from typing import Any

import uvicorn

__all__ = ["GRACEFUL_TIMEOUT_SECONDS", "PortInUse", "Service", "bind", "run", "serve_all"]

#: How long a stopping server lets requests in flight finish before cancelling them; the lifespan
#: shutdown after it (a consumer's handlers: up to 10 s) must fit in the rest of the 30 s.
GRACEFUL_TIMEOUT_SECONDS = 15


def run(main: Coroutine[Any, Any, int]) -> int:
    """Run ``main`` on uvloop when it is installed (uvicorn[standard] brings it), else asyncio's loop.

    uvicorn's own ``loop="auto"`` only applies when uvicorn creates the loop; here the CLI creates it
    (several servers share one loop), so the choice is made here.
    """
    try:
        import uvloop
    except ImportError:
        return asyncio.run(main)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(main)


class PortInUse(Exception):
    pass


@dataclass(frozen=True, slots=True, kw_only=True)
class Service:
    name: str
    host: str
    port: int
    app: Any


class _Server(uvicorn.Server):
    """A uvicorn server that leaves signal handling to :func:`serve_all`."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def bind(host: str, port: int, name: str) -> socket.socket:
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise PortInUse(
                f"port {port} ({name}) on {host} is already in use: stop the process using it "
                f"(e.g. `lsof -i :{port}`) or change {name}'s port"
            ) from exc
        raise
    sock.set_inheritable(True)
    return sock


async def serve_all(
    services: list[Service],
    *,
    log_level: str = "info",
    uvicorn_handlers: bool = True,
    graceful_timeout: int | None = None,
) -> int:
    """Serve until a signal arrives or one service fails to start; returns the exit code.

    ``graceful_timeout`` None means :data:`GRACEFUL_TIMEOUT_SECONDS`. ``uvicorn_handlers=False``
    leaves uvicorn's loggers without handlers of their own, so its lines go to the root logger the
    caller configured (a process whose every line is JSON).
    """
    sockets = []
    try:
        for service in services:
            sockets.append(bind(service.host, service.port, service.name))
    except PortInUse as exc:
        for sock in sockets:
            sock.close()
        print(f"supergraph: {exc}", file=sys.stderr)
        return 1

    options: dict[str, Any] = {} if uvicorn_handlers else {"log_config": None}
    grace = GRACEFUL_TIMEOUT_SECONDS if graceful_timeout is None else graceful_timeout
    servers = [
        _Server(
            uvicorn.Config(
                s.app,
                log_level=log_level,
                lifespan="on",
                access_log=False,
                timeout_graceful_shutdown=grace,
                **options,
            )
        )
        for s in services
    ]
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    tasks = [
        asyncio.create_task(server.serve(sockets=[sock]))
        for server, sock in zip(servers, sockets, strict=True)
    ]

    async def watch() -> None:
        # A server whose startup failed (e.g. its lifespan raised) finishes early: stop everything.
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        stop.set()

    watcher = asyncio.create_task(watch())
    await stop.wait()
    failed = [s.name for s, srv in zip(services, servers, strict=True) if not srv.started]
    for server, task in reversed(list(zip(servers, tasks, strict=True))):
        server.should_exit = True
        await asyncio.gather(task, return_exceptions=True)
    watcher.cancel()
    for sock in sockets:
        sock.close()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.remove_signal_handler(sig)
    if failed:
        print(f"supergraph: failed to start: {', '.join(failed)} (see the log above)", file=sys.stderr)
        return 1
    return 0

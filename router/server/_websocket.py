"""GraphQL over WebSocket on ``/graphql``: the graphql-transport-ws protocol, server side.

Implements https://github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md (the subprotocol Apollo
Client, urql and GraphiQL speak): the client sends ``connection_init`` within
``websocket_init_timeout_seconds`` (else close 4408), optionally with ``{"Authorization": "Bearer
..."}`` in its payload, else the upgrade request's ``Authorization`` header counts; the token is
verified exactly as over HTTP (an invalid one closes with 4403) and the router answers
``connection_ack``. Then any number of operations, each under the client's id: ``subscribe`` ->
``next``... -> ``complete``, or ``error`` when it cannot start (validation, limits, trusted
documents, rate limit, authorization, planning: the same checks as a POST). ``complete`` from the client stops
its subscription, which closes the upstream one. ``ping`` gets ``pong``. Protocol violations close
the socket with the codes the protocol names (4400 bad message, 4401 subscribe before ack, 4409
duplicate id, 4429 second ``connection_init``).

Each subgraph connection the router opens for a subscription carries the same signed
``X-Supergraph-Claims`` header, request id and propagated headers an HTTP request would.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from typing import TYPE_CHECKING, Any

import orjson
from starlette.websockets import WebSocketDisconnect, WebSocketState

from router.executor import GRAPHQL_TRANSPORT_WS, SubscriptionFailed, client_error

from ._auth import AuthenticationFailed
from ._limits import document_too_large
from ._rate_limit import RATE_LIMITED, client_ip, client_key
from ._request_id import new_request_id

if TYPE_CHECKING:
    from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping

    from starlette.websockets import WebSocket

    from router.executor import Claims, Gateway

    from ._auth import RouterAuth
    from ._headers import HeaderPropagation
    from ._rate_limit import RateLimiter
    from ._settings import RouterSettings

__all__ = ["graphql_websocket"]

logger = logging.getLogger("router.websocket")


class _Close(Exception):
    """Close the socket with a protocol close code."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def graphql_websocket(
    settings: RouterSettings, propagation: HeaderPropagation
) -> Callable[[WebSocket], Awaitable[None]]:
    """The ``/graphql`` WebSocket endpoint."""

    async def endpoint(websocket: WebSocket) -> None:
        if GRAPHQL_TRANSPORT_WS not in websocket.scope.get("subprotocols", ()):
            await websocket.close(code=4406, reason="Subprotocol not acceptable")
            return
        await websocket.accept(subprotocol=GRAPHQL_TRANSPORT_WS)
        connection = _Connection(websocket, settings, propagation)
        try:
            await connection.serve()
        except _Close as close:
            await connection.stop()  # before the close frame: no message may follow it
            if websocket.client_state is WebSocketState.CONNECTED:
                with contextlib.suppress(Exception):
                    await websocket.close(code=close.code, reason=close.reason)
        except WebSocketDisconnect:
            pass
        finally:
            await connection.stop()

    return endpoint


class _Connection:
    """One client connection: its claims once acknowledged, and its running operations."""

    def __init__(
        self, websocket: WebSocket, settings: RouterSettings, propagation: HeaderPropagation
    ) -> None:
        self._websocket = websocket
        self._settings = settings
        self._propagation = propagation
        self._claims: Claims | None = None
        self._acknowledged = False
        self._operations: dict[str, asyncio.Task[None]] = {}
        self._send_lock = asyncio.Lock()

    async def serve(self) -> None:
        await self._initialise()
        while True:
            message = await self._receive()
            kind = message["type"]
            if kind == "subscribe":
                await self._subscribe(message)
            elif kind == "complete":
                operation_id = message.get("id")
                task = self._operations.pop(operation_id, None) if isinstance(operation_id, str) else None
                if task is not None:
                    task.cancel()
            elif kind == "ping":
                await self._send({"type": "pong"})
            elif kind == "pong":
                pass
            elif kind == "connection_init":
                raise _Close(4429, "Too many initialisation requests")
            else:
                raise _Close(4400, f"Unexpected message type '{kind}'")

    async def _initialise(self) -> None:
        try:
            async with asyncio.timeout(self._settings.websocket_init_timeout_seconds):
                message = await self._receive()
                while message["type"] in {"ping", "pong"}:
                    if message["type"] == "ping":
                        await self._send({"type": "pong"})
                    message = await self._receive()
        except TimeoutError:
            raise _Close(4408, "Connection initialisation timeout") from None
        if message["type"] == "subscribe":
            raise _Close(4401, "Unauthorized")
        if message["type"] != "connection_init":
            raise _Close(4400, f"Expected connection_init, got '{message['type']}'")
        auth: RouterAuth = self._websocket.app.state.auth
        try:
            self._claims = await auth.verify_header(_authorization(message.get("payload"), self._websocket))
        except AuthenticationFailed as exc:
            raise _Close(4403, f"Forbidden: {exc}"[:120]) from None
        self._acknowledged = True
        await self._send({"type": "connection_ack"})

    async def _receive(self) -> dict[str, Any]:
        received = await self._websocket.receive()
        if received["type"] == "websocket.disconnect":
            raise WebSocketDisconnect(received.get("code", 1000))
        raw = received.get("text") or received.get("bytes") or b""
        try:
            message = orjson.loads(raw)
        except orjson.JSONDecodeError:
            raise _Close(4400, "Invalid message received") from None
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            raise _Close(4400, "Invalid message received")
        return message

    async def _send(self, message: Mapping[str, Any]) -> None:
        async with self._send_lock:
            await self._websocket.send_text(orjson.dumps(message).decode())

    async def _subscribe(self, message: Mapping[str, Any]) -> None:
        operation_id = message.get("id")
        payload = message.get("payload")
        if not isinstance(operation_id, str) or not operation_id or not isinstance(payload, dict):
            raise _Close(4400, "Invalid subscribe message")
        if operation_id in self._operations:
            raise _Close(4409, f"Subscriber for {operation_id} already exists")
        if len(self._operations) >= self._settings.websocket_max_operations:
            await self._send(
                {
                    "id": operation_id,
                    "type": "error",
                    "payload": [
                        client_error(
                            f"At most {self._settings.websocket_max_operations} operations may run on one "
                            "connection.",
                            code="MAX_SUBSCRIPTIONS_EXCEEDED",
                        )
                    ],
                }
            )
            return
        task = asyncio.create_task(self._run(operation_id, payload))
        self._operations[operation_id] = task
        task.add_done_callback(lambda _task: self._forget(operation_id, _task))

    def _forget(self, operation_id: str, task: asyncio.Task[None]) -> None:
        if self._operations.get(operation_id) is task:
            del self._operations[operation_id]

    async def _run(self, operation_id: str, payload: Mapping[str, Any]) -> None:
        try:
            started = await self._start(payload)
            if isinstance(started, list):
                await self._send({"id": operation_id, "type": "error", "payload": started})
                return
            async with contextlib.aclosing(started) as results:
                try:
                    async for result in results:
                        await self._send({"id": operation_id, "type": "next", "payload": result})
                except SubscriptionFailed as exc:
                    await self._send({"id": operation_id, "type": "error", "payload": exc.errors})
                    return
            await self._send({"id": operation_id, "type": "complete"})
        except asyncio.CancelledError:
            raise  # the client completed it (or went away): aclosing closed the upstream
        except Exception:
            logger.exception("subscription %s failed", operation_id)
            with contextlib.suppress(Exception):
                await self._send(
                    {
                        "id": operation_id,
                        "type": "error",
                        "payload": [client_error("Internal server error.", code="INTERNAL_SERVER_ERROR")],
                    }
                )

    async def _start(
        self, payload: Mapping[str, Any]
    ) -> list[dict[str, Any]] | AsyncGenerator[dict[str, Any]]:
        """The same checks as a POST (document size, trusted documents, then the Gateway's)."""
        app_state = self._websocket.app.state
        query = payload.get("query")
        variables = payload.get("variables")
        operation_name = payload.get("operationName")
        extensions = payload.get("extensions")
        if query is not None and not isinstance(query, str):
            return [client_error("'query' must be a string.", code="BAD_REQUEST")]
        if variables is not None and not isinstance(variables, dict):
            return [client_error("'variables' must be an object.", code="BAD_REQUEST")]
        if operation_name is not None and not isinstance(operation_name, str):
            return [client_error("'operationName' must be a string.", code="BAD_REQUEST")]
        if query is not None and (too_large := document_too_large(query, self._settings.max_document_bytes)):
            return [too_large]
        resolved = await app_state.persisted.resolve(
            query, extensions if isinstance(extensions, dict) else None, payload.get("documentId")
        )
        if isinstance(resolved, dict):
            return [resolved]
        limiter: RateLimiter | None = app_state.rate_limiter
        if limiter is not None:
            # Each subscribe counts as one request of this client, as a POST would.
            decision = await limiter.hit(
                client_key(
                    self._websocket, self._claims, trusted_proxy_hops=self._settings.trusted_proxy_hops
                )
            )
            if not decision.allowed:
                seconds = max(1, math.ceil(decision.retry_after))
                return [
                    client_error(
                        f"Too many requests; retry in {seconds} seconds.",
                        code=RATE_LIMITED,
                        extensions={"retryAfter": seconds},
                    )
                ]
        auth: RouterAuth = app_state.auth
        propagated = self._propagation.select(self._websocket.headers, new_request_id())
        headers = auth.with_internal_claims(
            propagated,
            self._claims,
            client_ip=client_ip(self._websocket, trusted_proxy_hops=self._settings.trusted_proxy_hops),
        )
        gateway: Gateway = app_state.runtime.gateway
        outcome = await gateway.subscribe(
            resolved, variables, operation_name, headers=headers, claims=self._claims
        )
        if isinstance(outcome, dict):
            errors: list[dict[str, Any]] = outcome["errors"]
            return errors
        return outcome

    async def stop(self) -> None:
        """Cancel every running operation (each closes its upstream subscription)."""
        tasks = list(self._operations.values())
        self._operations.clear()
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)


def _authorization(payload: object, websocket: WebSocket) -> str | None:
    """The ``Authorization`` of the ``connection_init`` payload (any case), else of the upgrade."""
    if isinstance(payload, dict):
        for key, value in payload.items():
            if isinstance(key, str) and key.lower() == "authorization" and isinstance(value, str):
                return value
    return websocket.headers.get("authorization")

"""Federated subscriptions: one upstream graphql-transport-ws subscription per client subscription.

A ``Subscription`` plan node (``router.planner.nodes``) has a ``primary`` fetch, the root
subscription sent to the one subgraph that owns the root field, and a ``rest`` plan. The router
opens a WebSocket to that subgraph (``SubscriptionClient``, the graphql-transport-ws protocol of
https://github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md: ``connection_init`` ->
``connection_ack``, ``subscribe``, then ``next``... and ``complete`` or ``error``), and for each
upstream ``next`` runs ``rest`` on that event's data exactly as a query plan runs after its root
fetch (entity fetches over HTTP), then shapes the result to the client's selection
(``run_subscription``). This is the shape of Apollo Router's ``SubscriptionNode`` (primary + rest).

How the upstream ends decides how the client's subscription ends:

    upstream complete                      -> the results end (the client gets ``complete``)
    upstream error / no connection / lost  -> ``SubscriptionFailed`` with the client's errors
    the client stops iterating             -> ``complete`` sent upstream, the socket closed
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING, Any

import orjson

from ._execute import _PlanRun
from ._response_errors import failure_error, subgraph_error
from .errors import SubgraphTimeout, SubgraphUnreachable, SubscriptionFailed, UnknownSubgraph

if TYPE_CHECKING:
    from collections.abc import AsyncGenerator, Callable, Mapping

    from router.planner import Subscription

    from ._fetch import SubgraphClient
    from ._possible_types import PossibleTypes

    #: (merged data, errors, failed paths) -> the client's ``data``.
    Shaper = Callable[
        [dict[str, Any], list[dict[str, Any]], list[tuple[str | int, ...]]], dict[str, Any] | None
    ]

__all__ = ["GRAPHQL_TRANSPORT_WS", "SubscriptionClient", "run_subscription"]

logger = logging.getLogger(__name__)

GRAPHQL_TRANSPORT_WS = "graphql-transport-ws"
_OPERATION_ID = "1"


def websocket_url(url: str) -> str:
    """``http(s)://host/graphql`` -> ``ws(s)://host/graphql`` (a ``ws(s)://`` URL stays)."""
    if url.startswith("https://"):
        return "wss://" + url[len("https://") :]
    if url.startswith("http://"):
        return "ws://" + url[len("http://") :]
    return url


class SubscriptionClient:
    """Opens graphql-transport-ws subscriptions to subgraphs at their routing URLs (``http`` ->
    ``ws``). ``connect_timeout`` bounds the WebSocket handshake and the wait for ``connection_ack``."""

    def __init__(self, urls: Mapping[str, str], *, connect_timeout: float = 10.0) -> None:
        self._urls = {name: websocket_url(url) for name, url in urls.items()}
        self._connect_timeout = connect_timeout

    async def events(
        self,
        service_name: str,
        operation: str,
        *,
        variables: Mapping[str, Any],
        operation_name: str | None,
        headers: Mapping[str, str] | None,
    ) -> AsyncGenerator[dict[str, Any]]:
        """Each ``next`` payload of one upstream subscription; ends with its ``complete``.

        The request ``headers`` (request id, propagated headers, the signed claims) go on the
        WebSocket upgrade request, where the subgraph authenticates the connection. Raises
        ``SubscriptionFailed`` on an upstream ``error`` and any ``SubgraphError`` on a failed
        connection. Stopping the iteration completes the subscription upstream and closes the socket.
        """
        from websockets.asyncio.client import connect
        from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI
        from websockets.typing import Subprotocol

        url = self._urls.get(service_name)
        if url is None:
            raise UnknownSubgraph(service_name, f"No URL for subgraph '{service_name}'.")
        try:
            socket = await connect(
                url,
                subprotocols=[Subprotocol(GRAPHQL_TRANSPORT_WS)],
                additional_headers=dict(headers or {}),
                open_timeout=self._connect_timeout,
                max_size=2**24,
            )
        except (OSError, InvalidHandshake, InvalidURI) as exc:
            raise SubgraphUnreachable(
                service_name, f"Could not open a subscription to subgraph '{service_name}': {exc}"
            ) from exc
        except TimeoutError as exc:
            raise SubgraphTimeout(
                service_name, f"Subgraph '{service_name}' did not accept the subscription in time."
            ) from exc
        completed = False
        try:
            try:
                await socket.send(orjson.dumps({"type": "connection_init", "payload": {}}).decode())
                async with asyncio.timeout(self._connect_timeout):
                    while (message := _message(await socket.recv()))["type"] != "connection_ack":
                        if message["type"] == "ping":
                            await socket.send('{"type":"pong"}')
                subscribe = {"query": operation, "variables": dict(variables)}
                if operation_name:
                    subscribe["operationName"] = operation_name
                await socket.send(
                    orjson.dumps({"id": _OPERATION_ID, "type": "subscribe", "payload": subscribe}).decode()
                )
                while True:
                    message = _message(await socket.recv())
                    kind = message["type"]
                    if kind == "next" and message.get("id") == _OPERATION_ID:
                        payload = message.get("payload")
                        if isinstance(payload, dict):
                            yield payload
                    elif kind == "error" and message.get("id") == _OPERATION_ID:
                        completed = True
                        raw = message.get("payload")
                        errors = raw if isinstance(raw, list) else []
                        raise SubscriptionFailed(
                            [subgraph_error(e, service_name, None) for e in errors if isinstance(e, dict)]
                            or [failure_error(_failed(service_name, "rejected the subscription"), None)]
                        )
                    elif kind == "complete" and message.get("id") == _OPERATION_ID:
                        completed = True
                        return
                    elif kind == "ping":
                        await socket.send('{"type":"pong"}')
            except ConnectionClosed as exc:
                completed = True
                reason = f"closed the subscription ({exc.rcvd.code if exc.rcvd else 'no close frame'})"
                raise SubscriptionFailed([failure_error(_failed(service_name, reason), None)]) from exc
            except TimeoutError as exc:
                raise SubscriptionFailed(
                    [
                        failure_error(
                            SubgraphTimeout(
                                service_name,
                                f"Subgraph '{service_name}' did not acknowledge the connection in time.",
                            ),
                            None,
                        )
                    ]
                ) from exc
            except ValueError as exc:  # not a graphql-transport-ws message
                raise SubscriptionFailed([failure_error(_failed(service_name, f"sent {exc}"), None)]) from exc
        finally:
            # The client went away (or the upstream failed): tell the subgraph, then close.
            if not completed:
                with contextlib.suppress(Exception):
                    await socket.send(orjson.dumps({"id": _OPERATION_ID, "type": "complete"}).decode())
            with contextlib.suppress(Exception):
                await socket.close()


def _message(raw: str | bytes) -> dict[str, Any]:
    try:
        message = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise ValueError("a message that is not JSON") from None
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        raise ValueError("a message without a type")
    return message


def _failed(service_name: str, what: str) -> SubgraphUnreachable:
    return SubgraphUnreachable(service_name, f"Subgraph '{service_name}' {what}.")


async def run_subscription(
    node: Subscription,
    *,
    client: SubgraphClient,
    subscriptions: SubscriptionClient,
    possible_types: PossibleTypes,
    variables: Mapping[str, Any],
    headers: Mapping[str, str] | None,
    shape: Shaper,
) -> AsyncGenerator[dict[str, Any]]:
    """The client's results, one per upstream event: ``rest`` run on the event's data, shaped.

    A failure of ``rest`` nulls only its part of that one result (as in a query); the upstream
    failing ends the results with ``SubscriptionFailed``.
    """
    primary = node.primary
    fetch_variables = {name: variables[name] for name in primary.variable_usages if name in variables}
    events = subscriptions.events(
        primary.service_name,
        primary.operation,
        variables=fetch_variables,
        operation_name=primary.operation_name,
        headers=headers,
    )
    async with contextlib.aclosing(events):
        try:
            async for payload in events:
                data = payload.get("data")
                raw_errors = payload.get("errors")
                errors = [
                    subgraph_error(e, primary.service_name, _path(e))
                    for e in (raw_errors if isinstance(raw_errors, list) else ())
                    if isinstance(e, dict)
                ]
                if not isinstance(data, dict):
                    yield {"data": None, "errors": errors} if errors else {"data": None}
                    continue
                run = _PlanRun(
                    client=client, possible=possible_types, variables=variables, headers=headers, data=data
                )
                if node.rest is not None:
                    await run.node(node.rest)
                errors.extend(run.errors)
                shaped = shape(run.data, errors, run.failed_paths)
                yield {"data": shaped, "errors": errors} if errors else {"data": shaped}
        except SubscriptionFailed:
            raise
        except (SubgraphUnreachable, SubgraphTimeout, UnknownSubgraph) as exc:
            raise SubscriptionFailed([failure_error(exc, None)]) from exc


def _path(error: Mapping[str, Any]) -> list[str | int] | None:
    path = error.get("path")
    if isinstance(path, list) and all(isinstance(p, str | int) for p in path):
        return path
    return None

"""Apollo's multipart subscription protocol, the framing alone: parts, heartbeats, a transport
error, the closing delimiter, and the upstream closed when the client goes away."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from router.executor import SubscriptionFailed
from router.server._http import accepts_subscription_multipart, subscription_multipart_body


def test_the_accept_header_must_name_subscription_spec_1_0() -> None:
    assert accepts_subscription_multipart('multipart/mixed;subscriptionSpec="1.0", application/json')
    assert accepts_subscription_multipart("multipart/mixed; subscriptionSpec=1.0")
    assert not accepts_subscription_multipart("multipart/mixed;deferSpec=20220824, application/json")
    assert not accepts_subscription_multipart("multipart/mixed;subscriptionSpec=2.0")
    assert not accepts_subscription_multipart("multipart/mixed;subscriptionSpec=1.0;q=0")
    assert not accepts_subscription_multipart(None)


async def _collect(parts: AsyncIterator[bytes]) -> bytes:
    return b"".join([part async for part in parts])


async def test_results_are_payload_parts_with_heartbeats_between_them_then_the_closing_delimiter() -> None:
    async def results() -> AsyncIterator[dict[str, Any]]:
        yield {"data": {"n": 1}}
        await asyncio.sleep(0.05)  # long enough for heartbeats at 0.02 s
        yield {"data": {"n": 2}}

    body = await _collect(
        subscription_multipart_body(results(), failure=SubscriptionFailed, heartbeat_seconds=0.02)
    )

    parts = body.split(b"--graphql\r\ncontent-type: application/json\r\n\r\n")
    assert parts[0] == b""
    assert parts[1] == b'{"payload":{"data":{"n":1}}}\r\n'
    assert b"{}\r\n" in parts[2:-1]
    assert parts[-1] == b'{"payload":{"data":{"n":2}}}\r\n--graphql--\r\n'


async def test_a_failed_subscription_ends_with_a_transport_error_part() -> None:
    async def results() -> AsyncIterator[dict[str, Any]]:
        yield {"data": {"n": 1}}
        raise SubscriptionFailed([{"message": "gone", "extensions": {"code": "SUBGRAPH_REQUEST_FAILED"}}])

    body = await _collect(subscription_multipart_body(results(), failure=SubscriptionFailed))

    assert body.endswith(
        b'{"payload":null,"errors":[{"message":"gone","extensions":{"code":"SUBGRAPH_REQUEST_FAILED"}}]}\r\n'
        b"--graphql--\r\n"
    )


async def test_the_client_going_away_closes_the_results() -> None:
    closed = asyncio.Event()

    async def results() -> AsyncIterator[dict[str, Any]]:
        try:
            yield {"data": {"n": 1}}
            await asyncio.Event().wait()  # no second event
            yield {"data": {"n": 2}}
        finally:
            closed.set()

    parts = subscription_multipart_body(results(), failure=SubscriptionFailed, heartbeat_seconds=10)
    assert b'"n":1' in await anext(parts)
    waiting = asyncio.ensure_future(anext(parts))
    await asyncio.sleep(0.01)
    waiting.cancel()  # what Starlette does when the client disconnects
    await asyncio.gather(waiting, return_exceptions=True)

    assert closed.is_set()

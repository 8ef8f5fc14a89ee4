"""The fetch layer's policies: per-subgraph timeouts, retries of idempotent fetches only, a circuit
breaker per subgraph, and the observer that hears about every attempt."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import httpx
import pytest

from router.executor import (
    BreakerPolicy,
    BreakerState,
    CircuitBreakers,
    FetchObserver,
    RetryPolicy,
    SubgraphCircuitOpen,
    SubgraphClient,
    SubgraphError,
    SubgraphHttpError,
    SubgraphTimeout,
    SubgraphUnreachable,
)

OK = {"data": {"me": {"name": "Ada"}}}
NO_WAIT = RetryPolicy(max_retries=2, backoff_seconds=0)


class Script:
    """A subgraph that answers each request with the next scripted outcome (status or exception)."""

    def __init__(self, *outcomes: int | type[Exception]) -> None:
        self.outcomes = list(outcomes)
        self.calls = 0

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        outcome = self.outcomes.pop(0) if self.outcomes else 200
        if isinstance(outcome, type):
            raise outcome("scripted failure")
        return httpx.Response(outcome, json=OK if outcome == 200 else {"message": "no"})


class Recorder(FetchObserver):
    def __init__(self) -> None:
        self.events: list[tuple[Any, ...]] = []

    def fetch_finished(self, service_name: str, seconds: float, error: SubgraphError | None) -> None:
        self.events.append(("fetch", service_name, None if error is None else error.code))

    def fetch_retried(self, service_name: str, retry: int, error: SubgraphError) -> None:
        self.events.append(("retry", service_name, retry))

    def breaker_changed(self, service_name: str, state: BreakerState) -> None:
        self.events.append(("breaker", service_name, state))


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def client(script: Any, **options: Any) -> SubgraphClient:
    http = httpx.AsyncClient(transport=httpx.MockTransport(script))
    return SubgraphClient(http, {"accounts": "http://accounts/graphql"}, **options)


async def fetch(subgraphs: SubgraphClient, *, idempotent: bool = True) -> Any:
    return await subgraphs.fetch("accounts", query="{ me { name } }", idempotent=idempotent)


@pytest.mark.parametrize("failure", [502, 503, 504, httpx.ConnectError, httpx.RemoteProtocolError])
async def test_an_idempotent_fetch_is_retried_after_a_transient_failure(failure: Any) -> None:
    script = Script(failure)
    response = await fetch(client(script, retry=NO_WAIT))
    assert response.data == OK["data"]
    assert script.calls == 2


async def test_a_mutation_is_never_retried() -> None:
    script = Script(503)
    with pytest.raises(SubgraphHttpError):
        await fetch(client(script, retry=NO_WAIT), idempotent=False)
    assert script.calls == 1


@pytest.mark.parametrize("failure", [500, 400, httpx.ReadTimeout])
async def test_failures_the_subgraph_may_have_processed_are_not_retried(failure: Any) -> None:
    script = Script(failure)
    with pytest.raises(SubgraphError):
        await fetch(client(script, retry=NO_WAIT))
    assert script.calls == 1


async def test_retries_are_bounded_and_the_last_error_is_raised() -> None:
    script = Script(503, 503, 503, 503)
    observer = Recorder()
    with pytest.raises(SubgraphHttpError) as raised:
        await fetch(client(script, retry=NO_WAIT, observer=observer))
    assert script.calls == 3
    assert raised.value.status_code == 503
    assert [e for e in observer.events if e[0] == "retry"] == [
        ("retry", "accounts", 1),
        ("retry", "accounts", 2),
    ]


def test_back_off_grows_exponentially_with_jitter_and_is_capped() -> None:
    policy = RetryPolicy(backoff_seconds=0.1, max_backoff_seconds=0.3)
    for _ in range(50):
        assert 0.05 <= policy.delay(1) <= 0.1
        assert 0.1 <= policy.delay(2) <= 0.2
        assert 0.15 <= policy.delay(5) <= 0.3


async def test_a_subgraph_timeout_overrides_the_default_timeout() -> None:
    async def slow(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(1)
        return httpx.Response(200, json=OK)

    subgraphs = client(slow, timeout=30, timeouts={"accounts": 0.02})
    with pytest.raises(SubgraphTimeout, match=r"timed out after 0\.02s"):
        await fetch(subgraphs)


async def test_the_observer_hears_every_attempt_with_its_outcome() -> None:
    observer = Recorder()
    await fetch(client(Script(httpx.ConnectError), retry=NO_WAIT, observer=observer))
    assert observer.events == [
        ("fetch", "accounts", "SUBGRAPH_REQUEST_FAILED"),
        ("retry", "accounts", 1),
        ("fetch", "accounts", None),
    ]


async def test_connection_errors_are_subgraph_unreachable() -> None:
    with pytest.raises(SubgraphUnreachable):
        await fetch(client(Script(httpx.ConnectError)))


def breakers(clock: Clock, observer: FetchObserver | None = None, threshold: int = 2) -> CircuitBreakers:
    return CircuitBreakers(
        BreakerPolicy(failure_threshold=threshold, cool_down_seconds=10), clock=clock, observer=observer
    )


async def test_the_breaker_opens_after_consecutive_failures_and_then_fails_fast() -> None:
    clock, observer = Clock(), Recorder()
    script = Script(500, 500, 500)
    subgraphs = client(script, breakers=breakers(clock, observer))
    for _ in range(2):
        with pytest.raises(SubgraphHttpError):
            await fetch(subgraphs)
    with pytest.raises(SubgraphCircuitOpen) as raised:
        await fetch(subgraphs)
    assert script.calls == 2
    assert raised.value.code == "SUBGRAPH_CIRCUIT_OPEN"
    assert raised.value.service_name == "accounts"
    assert raised.value.retry_after == 10
    assert ("breaker", "accounts", BreakerState.OPEN) in observer.events


async def test_a_success_resets_the_failure_count() -> None:
    clock = Clock()
    script = Script(500, 200, 500, 200)
    subgraphs = client(script, breakers=breakers(clock))
    for _ in range(4):
        with contextlib.suppress(SubgraphHttpError):
            await fetch(subgraphs)
    assert script.calls == 4


async def test_after_the_cool_down_one_trial_closes_the_circuit_on_success() -> None:
    clock, observer = Clock(), Recorder()
    script = Script(500, 500)
    shared = breakers(clock, observer)
    subgraphs = client(script, breakers=shared)
    for _ in range(2):
        with pytest.raises(SubgraphHttpError):
            await fetch(subgraphs)
    clock.now += 10
    assert shared.states() == {"accounts": BreakerState.HALF_OPEN}
    response = await fetch(subgraphs)
    assert response.data == OK["data"]
    assert shared.states() == {"accounts": BreakerState.CLOSED}
    assert [e[2] for e in observer.events if e[0] == "breaker"] == [
        BreakerState.OPEN,
        BreakerState.HALF_OPEN,
        BreakerState.CLOSED,
    ]


async def test_a_failed_trial_opens_the_circuit_for_another_cool_down() -> None:
    clock = Clock()
    script = Script(500, 500, 500)
    shared = breakers(clock)
    subgraphs = client(script, breakers=shared)
    for _ in range(2):
        with pytest.raises(SubgraphHttpError):
            await fetch(subgraphs)
    clock.now += 10
    with pytest.raises(SubgraphHttpError):
        await fetch(subgraphs)
    with pytest.raises(SubgraphCircuitOpen):
        await fetch(subgraphs)
    assert script.calls == 3


async def test_half_open_lets_only_one_trial_through_at_a_time() -> None:
    clock = Clock()
    gate = asyncio.Event()
    calls = 0

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        if calls <= 2:
            return httpx.Response(500)
        await gate.wait()
        return httpx.Response(200, json=OK)

    subgraphs = client(handler, breakers=breakers(clock))
    for _ in range(2):
        with pytest.raises(SubgraphHttpError):
            await fetch(subgraphs)
    clock.now += 10
    trial = asyncio.create_task(fetch(subgraphs))
    await asyncio.sleep(0)
    with pytest.raises(SubgraphCircuitOpen):
        await fetch(subgraphs)
    gate.set()
    assert (await trial).data == OK["data"]
    assert calls == 3


async def test_a_cancelled_trial_frees_the_half_open_slot() -> None:
    clock = Clock()
    script = Script(500, 500)
    shared = breakers(clock)

    async def handler(request: httpx.Request) -> httpx.Response:
        if script.calls >= 2:
            await asyncio.sleep(10)
        return await script(request)

    subgraphs = client(handler, breakers=shared)
    for _ in range(2):
        with pytest.raises(SubgraphHttpError):
            await fetch(subgraphs)
    clock.now += 10
    trial = asyncio.create_task(fetch(subgraphs))
    await asyncio.sleep(0.01)
    trial.cancel()
    with pytest.raises(asyncio.CancelledError):
        await trial
    assert shared.for_subgraph("accounts").allow() is True


async def test_4xx_answers_do_not_count_against_the_breaker() -> None:
    clock = Clock()
    script = Script(400, 400, 400)
    subgraphs = client(script, breakers=breakers(clock))
    for _ in range(3):
        with pytest.raises(SubgraphHttpError):
            await fetch(subgraphs)
    assert script.calls == 3


async def test_retries_stop_when_the_breaker_opens_and_the_real_error_is_raised() -> None:
    clock = Clock()
    script = Script(503, 503, 503)
    subgraphs = client(script, retry=NO_WAIT, breakers=breakers(clock, threshold=2))
    with pytest.raises(SubgraphHttpError):
        await fetch(subgraphs)
    assert script.calls == 2

"""A circuit breaker per subgraph: stop sending requests to a subgraph that keeps failing.

Classic three states (Nygard, "Release It!"): CLOSED lets everything through and counts consecutive
failures; at ``failure_threshold`` it turns OPEN and every fetch fails fast with
``SubgraphCircuitOpen`` (no socket, no timeout wait) for ``cool_down_seconds``; then HALF_OPEN lets
exactly one trial fetch through: success closes the circuit, failure opens it for another cool-down.
Failing fast keeps a dead subgraph from holding every client request for the full timeout, and gives
it room to recover.

A failure is a sign the subgraph is unhealthy: unreachable, timed out, or a 5xx status. A 4xx status
or an unparseable body means the subgraph answered; it counts as a success here.
"""

from __future__ import annotations

import enum
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import SubgraphError, SubgraphHttpError, SubgraphTimeout, SubgraphUnreachable

if TYPE_CHECKING:
    from collections.abc import Callable

    from ._fetch import FetchObserver

__all__ = ["BreakerPolicy", "BreakerState", "CircuitBreaker", "CircuitBreakers"]


class BreakerState(enum.Enum):
    CLOSED = "closed"
    HALF_OPEN = "half_open"
    OPEN = "open"


@dataclass(frozen=True, slots=True, kw_only=True)
class BreakerPolicy:
    """Open after ``failure_threshold`` consecutive failures; try again after ``cool_down_seconds``."""

    failure_threshold: int = 5
    cool_down_seconds: float = 10.0

    def __post_init__(self) -> None:
        if self.failure_threshold < 1:
            raise ValueError(f"failure_threshold must be at least 1, got {self.failure_threshold}")
        if self.cool_down_seconds < 0:
            raise ValueError(f"cool_down_seconds must be 0 or more, got {self.cool_down_seconds}")


def counts_as_failure(error: SubgraphError) -> bool:
    """Whether ``error`` says the subgraph is unhealthy (as opposed to: it answered badly)."""
    if isinstance(error, SubgraphHttpError):
        return error.status_code >= 500
    return isinstance(error, SubgraphUnreachable | SubgraphTimeout)


class CircuitBreaker:
    """The breaker of one subgraph. Not thread-safe; all calls happen on the event loop.

    Callers ask :meth:`allow` before sending, then report with :meth:`record` (or :meth:`release`
    when the fetch was abandoned, e.g. cancelled, so a half-open trial slot is not lost forever).
    """

    def __init__(
        self,
        service_name: str,
        policy: BreakerPolicy,
        *,
        clock: Callable[[], float],
        on_change: Callable[[str, BreakerState], None],
    ) -> None:
        self._service_name = service_name
        self._policy = policy
        self._clock = clock
        self._on_change = on_change
        self._state = BreakerState.CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._trial_in_flight = False

    @property
    def state(self) -> BreakerState:
        """The current state; an OPEN breaker whose cool-down is over reads as HALF_OPEN."""
        if self._state is BreakerState.OPEN and self.retry_after() <= 0:
            return BreakerState.HALF_OPEN
        return self._state

    def retry_after(self) -> float:
        """Seconds until an OPEN breaker lets a trial through (0 when not open)."""
        if self._state is not BreakerState.OPEN:
            return 0.0
        return max(0.0, self._opened_at + self._policy.cool_down_seconds - self._clock())

    def allow(self) -> bool:
        """Whether a fetch may be sent now; in HALF_OPEN only one trial at a time is allowed."""
        if self._state is BreakerState.CLOSED:
            return True
        if self._state is BreakerState.OPEN:
            if self.retry_after() > 0:
                return False
            self._set(BreakerState.HALF_OPEN)
        if self._trial_in_flight:
            return False
        self._trial_in_flight = True
        return True

    def record(self, error: SubgraphError | None) -> None:
        """Report the outcome of an allowed fetch (``None``: it succeeded)."""
        self._trial_in_flight = False
        if error is None or not counts_as_failure(error):
            self._failures = 0
            if self._state is not BreakerState.CLOSED:
                self._set(BreakerState.CLOSED)
            return
        self._failures += 1
        if self._state is BreakerState.HALF_OPEN or self._failures >= self._policy.failure_threshold:
            self._opened_at = self._clock()
            self._set(BreakerState.OPEN)

    def release(self) -> None:
        """An allowed fetch ended without an outcome (cancelled): free the half-open trial slot."""
        self._trial_in_flight = False

    def _set(self, state: BreakerState) -> None:
        if state is not self._state:
            self._state = state
            self._on_change(self._service_name, state)


class CircuitBreakers:
    """One breaker per subgraph name, created on first use, sharing one policy.

    Lives as long as the process, not as long as a Gateway: a supergraph reload must not close the
    circuit of a subgraph that is still down.
    """

    def __init__(
        self,
        policy: BreakerPolicy | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        observer: FetchObserver | None = None,
    ) -> None:
        self._policy = policy or BreakerPolicy()
        self._clock = clock
        self._observer = observer
        self._breakers: dict[str, CircuitBreaker] = {}

    @property
    def policy(self) -> BreakerPolicy:
        return self._policy

    def for_subgraph(self, service_name: str) -> CircuitBreaker:
        breaker = self._breakers.get(service_name)
        if breaker is None:
            breaker = CircuitBreaker(service_name, self._policy, clock=self._clock, on_change=self._changed)
            self._breakers[service_name] = breaker
        return breaker

    def states(self) -> dict[str, BreakerState]:
        """Subgraph name -> state, for every subgraph a fetch was sent to so far."""
        return {name: breaker.state for name, breaker in sorted(self._breakers.items())}

    def _changed(self, service_name: str, state: BreakerState) -> None:
        if self._observer is not None:
            self._observer.breaker_changed(service_name, state)

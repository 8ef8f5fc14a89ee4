"""Retrying failed subgraph fetches: which failures, how often, how long to wait.

Only idempotent fetches are retried (query operations, including every ``_entities`` fetch); a
mutation is never sent twice, because the router cannot know whether the first attempt ran. Only
failures where the subgraph most likely did not process the request are retried: no connection or
a dropped one (``SubgraphUnreachable``) and the gateway statuses 502/503/504. A timeout is not
retried: the subgraph may still be working on it, and retrying would multiply the client's wait.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from .errors import SubgraphError, SubgraphHttpError, SubgraphUnreachable

__all__ = ["RetryPolicy"]


@dataclass(frozen=True, slots=True, kw_only=True)
class RetryPolicy:
    """At most ``max_retries`` more attempts after the first, with capped exponential back-off.

    The wait before retry ``n`` (1-based) is drawn from ``[d/2, d]`` where
    ``d = min(max_backoff_seconds, backoff_seconds * 2 ** (n - 1))``: the jitter keeps many routers
    from hammering a recovering subgraph in lock-step ("equal jitter").
    """

    max_retries: int = 2
    backoff_seconds: float = 0.05
    max_backoff_seconds: float = 1.0
    retry_statuses: frozenset[int] = field(default=frozenset({502, 503, 504}))

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise ValueError(f"max_retries must be 0 or more, got {self.max_retries}")
        if self.backoff_seconds < 0 or self.max_backoff_seconds < 0:
            raise ValueError("back-off seconds must be 0 or more")

    def should_retry(self, error: SubgraphError) -> bool:
        """Whether a failed attempt of an idempotent fetch is worth another attempt."""
        if isinstance(error, SubgraphHttpError):
            return error.status_code in self.retry_statuses
        return isinstance(error, SubgraphUnreachable)

    def delay(self, retry: int) -> float:
        """Seconds to wait before retry number ``retry`` (1-based)."""
        ceiling = min(self.max_backoff_seconds, self.backoff_seconds * 2.0 ** (retry - 1))
        return ceiling / 2 + random.uniform(0, ceiling / 2)

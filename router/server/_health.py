"""Readiness: can the router reach its subgraphs?

``/health/ready`` probes every subgraph with ``{ __typename }`` (valid on any GraphQL server, no
resolver work) over the pooled client, concurrently and with a short timeout. A subgraph is up when
it answers with any status below 500. The verdict is cached for ``cache_seconds`` and concurrent
readiness checks share one probe, so an orchestrator polling several replicas never becomes load
on the subgraphs.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import httpx
import orjson

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["Readiness", "SubgraphProbe"]

_PROBE = orjson.dumps({"query": "query RouterReadinessProbe { __typename }"})
_HEADERS = {
    "content-type": "application/json",
    "accept": "application/graphql-response+json, application/json",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Readiness:
    """Which subgraphs answered the probe (name -> up), and when."""

    subgraphs: Mapping[str, bool]
    checked_at: float

    @property
    def down(self) -> list[str]:
        return sorted(name for name, up in self.subgraphs.items() if not up)


class SubgraphProbe:
    def __init__(self, http: httpx.AsyncClient, *, timeout: float, cache_seconds: float) -> None:
        self._http = http
        self._timeout = timeout
        self._cache_seconds = cache_seconds
        self._last: tuple[tuple[tuple[str, str], ...], Readiness] | None = None
        self._lock = asyncio.Lock()

    async def check(self, urls: Mapping[str, str]) -> Readiness:
        """The cached verdict for these subgraph URLs, probing again when it is stale."""
        key = tuple(sorted(urls.items()))
        if (fresh := self._fresh(key)) is not None:
            return fresh
        async with self._lock:
            if (fresh := self._fresh(key)) is not None:
                return fresh  # another request probed while this one waited
            names = sorted(urls)
            results = await asyncio.gather(*(self._probe(urls[name]) for name in names))
            readiness = Readiness(
                subgraphs=dict(zip(names, results, strict=True)), checked_at=time.monotonic()
            )
            self._last = (key, readiness)
            return readiness

    def _fresh(self, key: tuple[tuple[str, str], ...]) -> Readiness | None:
        if self._last is None or self._last[0] != key:
            return None
        readiness = self._last[1]
        return readiness if time.monotonic() - readiness.checked_at < self._cache_seconds else None

    async def _probe(self, url: str) -> bool:
        try:
            async with asyncio.timeout(self._timeout):
                response = await self._http.post(url, content=_PROBE, headers=_HEADERS)
        except (TimeoutError, httpx.HTTPError):
            return False
        return response.status_code < 500

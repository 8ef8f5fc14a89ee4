"""Supergraph hot reload: poll a file or a URL, swap in a new valid supergraph, keep the old one
when the new one is bad.

A file is polled by its modification time and size first (one ``stat``), and read and hashed only
when they changed; a URL is fetched with ``If-None-Match`` when the server gave an ETag. Content
whose SHA-256 matches what was last seen is ignored, so touching a file or a registry that does not
support ETags costs one hash, not a rebuild. A rejected supergraph is logged once (by its hash) and
not retried until the content changes again.

The swap replaces one reference (``Runtime.gateway``). A request reads the reference once, when it
starts, so in-flight requests finish on the Gateway they started with, and new requests see the new
one; there is never a moment without a Gateway. Building the new Gateway (parsing the supergraph,
deriving the API schema) runs in a worker thread so it does not stall requests being served.

Before the swap, the new Gateway is warmed (``PlanWarmUp``): the old Gateway's most recently used
operations, and every operation of the persisted query manifest, are validated and planned against
the new supergraph in that same thread, within a time bound, so the first requests after a deploy
find their plans cached (Apollo Router's query-plan cache warm-up). An operation the new
supergraph no longer accepts is skipped and logged; its requests get their errors as usual.

The persisted query manifest is re-read the same way (``ManifestReloader``): a changed valid
manifest replaces the old one, a broken one is logged and the old one stays.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import hashlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import httpx

from ._persisted import ManifestError, PersistedQueryManifest

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterable

    from router.executor import Gateway, WarmUpOperation, WarmUpReport

    from ._persisted import PersistedQueries

__all__ = [
    "FileSource",
    "ManifestReloader",
    "PlanWarmUp",
    "ReloadOutcome",
    "Runtime",
    "SupergraphReloader",
    "SupergraphSource",
    "UrlSource",
]

log = logging.getLogger("router")


class SourceError(Exception):
    """The supergraph source could not be read (file missing, URL down)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceText:
    sdl: str
    sha256: str


class SupergraphSource(Protocol):
    """Where the supergraph SDL comes from."""

    description: str

    async def read(self) -> SourceText | None:
        """The current SDL, or None when it cannot have changed since the last read."""
        ...


def _text(sdl: str) -> SourceText:
    return SourceText(sdl=sdl, sha256=hashlib.sha256(sdl.encode("utf-8")).hexdigest())


class FileSource:
    def __init__(self, path: Path) -> None:
        self._path = path
        self._stamp: tuple[int, int] | None = None
        self.description = str(path)

    async def read(self) -> SourceText | None:
        try:
            stat = os.stat(self._path)
            stamp = (stat.st_mtime_ns, stat.st_size)
            if stamp == self._stamp:
                return None
            sdl = await asyncio.to_thread(self._path.read_text)
        except OSError as exc:
            raise SourceError(f"cannot read {self._path}: {exc.strerror}") from exc
        self._stamp = stamp
        return _text(sdl)


class UrlSource:
    def __init__(self, url: str, http: httpx.AsyncClient, *, timeout: float = 10.0) -> None:
        self._url = url
        self._http = http
        self._timeout = timeout
        self._etag: str | None = None
        self.description = url

    async def read(self) -> SourceText | None:
        headers = {"if-none-match": self._etag} if self._etag else {}
        try:
            async with asyncio.timeout(self._timeout):
                response = await self._http.get(self._url, headers=headers)
        except (TimeoutError, httpx.HTTPError) as exc:
            raise SourceError(f"cannot fetch {self._url}: {str(exc) or type(exc).__name__}") from exc
        if response.status_code == 304:
            return None
        if not response.is_success:
            raise SourceError(f"cannot fetch {self._url}: HTTP {response.status_code}")
        self._etag = response.headers.get("etag")
        return _text(response.text)


class ReloadOutcome(enum.Enum):
    UNCHANGED = "unchanged"
    RELOADED = "reloaded"
    REJECTED = "rejected"


class Runtime:
    """What requests read when they start: the current Gateway (replaced whole on reload)."""

    def __init__(self, gateway: Gateway, *, supergraph_sha256: str | None = None) -> None:
        self.gateway = gateway
        self.supergraph_sha256 = supergraph_sha256


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanWarmUp:
    """What a reload plans before the swap: the ``count`` most recently used operations of the old
    Gateway, then ``pinned()`` (the manifest's operations, read at each reload), within ``seconds``.
    ``observer`` hears each warm-up's report (metrics)."""

    count: int
    seconds: float
    pinned: Callable[[], Iterable[WarmUpOperation]] = tuple
    observer: Callable[[WarmUpReport], None] | None = None

    def operations(self, old: Gateway) -> list[WarmUpOperation]:
        """The operations to warm, traffic first; runs on the event loop (it reads ``old``'s cache)."""
        recent = old.recent_operations(self.count) if self.count else []
        seen = set(recent)
        return recent + [operation for operation in self.pinned() if operation not in seen]

    def run(self, gateway: Gateway, operations: list[WarmUpOperation]) -> WarmUpReport | None:
        if not operations or self.seconds <= 0:
            return None
        report = gateway.warm_up(operations, seconds=self.seconds)
        log.info(
            "plan cache warmed: %d planned, %d no longer valid, %d left for lack of time, in %.3fs",
            report.warmed,
            report.invalid,
            report.out_of_time,
            report.seconds,
            extra={"warmed": report.warmed, "invalid": report.invalid, "out_of_time": report.out_of_time},
        )
        if self.observer is not None:
            self.observer(report)
        return report


class SupergraphReloader:
    """Checks the source and swaps the runtime's Gateway when the supergraph changed and is valid.

    ``build`` turns SDL into a Gateway and raises (any exception) when the SDL is not usable; it
    runs in a worker thread, followed there by ``warm_up`` (if given) on the new Gateway.
    """

    def __init__(
        self,
        source: SupergraphSource,
        runtime: Runtime,
        build: Callable[[str], Gateway],
        *,
        warm_up: PlanWarmUp | None = None,
    ) -> None:
        self._source = source
        self._runtime = runtime
        self._build = build
        self._warm_up = warm_up
        self._rejected: str | None = None
        self._lock = asyncio.Lock()

    def _build_warm(self, sdl: str, operations: list[WarmUpOperation]) -> Gateway:
        gateway = self._build(sdl)
        if self._warm_up is not None:
            self._warm_up.run(gateway, operations)
        return gateway

    async def check(self) -> ReloadOutcome:
        """One poll: read the source, and reload or reject what changed."""
        async with self._lock:
            try:
                text = await self._source.read()
            except SourceError as exc:
                log.warning("supergraph reload skipped: %s; still serving the current supergraph", exc)
                return ReloadOutcome.UNCHANGED
            if text is None or text.sha256 in (self._runtime.supergraph_sha256, self._rejected):
                return ReloadOutcome.UNCHANGED
            operations = self._warm_up.operations(self._runtime.gateway) if self._warm_up is not None else []
            try:
                gateway = await asyncio.to_thread(self._build_warm, text.sdl, operations)
            except Exception as exc:
                self._rejected = text.sha256
                log.error(
                    "supergraph reload rejected: %s; still serving the current supergraph",
                    exc,
                    extra={"source": self._source.description, "sha256": text.sha256},
                )
                return ReloadOutcome.REJECTED
            self._runtime.gateway = gateway
            self._runtime.supergraph_sha256 = text.sha256
            self._rejected = None
            log.info("supergraph reloaded", extra={"source": self._source.description, "sha256": text.sha256})
            return ReloadOutcome.RELOADED

    async def run(self, interval: float) -> None:
        """Poll forever (until cancelled), ``interval`` seconds apart."""
        await _poll(self.check, interval, "supergraph reload")


class ManifestReloader:
    """Re-reads the persisted query manifest file when it changed; keeps the old one when the new
    one is broken (logged once per content)."""

    def __init__(self, path: Path, persisted: PersistedQueries) -> None:
        self._source = FileSource(path)
        self._path = path
        self._persisted = persisted
        self._rejected: str | None = None
        self._sha256: str | None = None

    async def prime(self) -> None:
        """Remember the file as it is now (start-up read it already)."""
        with contextlib.suppress(SourceError):
            text = await self._source.read()
            self._sha256 = text.sha256 if text is not None else None

    async def check(self) -> ReloadOutcome:
        try:
            text = await self._source.read()
        except SourceError as exc:
            log.warning("persisted query manifest reload skipped: %s; keeping the current manifest", exc)
            return ReloadOutcome.UNCHANGED
        if text is None or text.sha256 in (self._sha256, self._rejected):
            return ReloadOutcome.UNCHANGED
        try:
            manifest = PersistedQueryManifest.from_json(text.sdl, source=str(self._path))
        except ManifestError as exc:
            self._rejected = text.sha256
            log.error("persisted query manifest reload rejected: %s; keeping the current manifest", exc)
            return ReloadOutcome.REJECTED
        self._persisted.replace_manifest(manifest)
        self._sha256, self._rejected = text.sha256, None
        log.info(
            "persisted query manifest reloaded", extra={"operations": len(manifest), "sha256": text.sha256}
        )
        return ReloadOutcome.RELOADED

    async def run(self, interval: float) -> None:
        """Poll forever (until cancelled), ``interval`` seconds apart."""
        await _poll(self.check, interval, "persisted query manifest reload")


async def _poll(check: Callable[[], Awaitable[object]], interval: float, what: str) -> None:
    """Run ``check`` every ``interval`` seconds until cancelled; a bug in one check is logged and
    must not end polling for good."""
    while True:
        await asyncio.sleep(interval)
        try:
            await check()
        except Exception:
            log.exception("%s failed unexpectedly", what)

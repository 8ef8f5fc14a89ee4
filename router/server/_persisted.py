"""Automatic persisted queries, Apollo's APQ protocol (version 1).

A client sends ``extensions.persistedQuery = {version: 1, sha256Hash}`` without the query; when
the router knows the hash it runs the stored query, else it answers ``PERSISTED_QUERY_NOT_FOUND``
and the client sends hash and query together, which the router checks (the hash must be the SHA-256
of the query text) and stores. Hashes then travel instead of documents, and GET requests stay short
enough for CDNs to cache.

Stores: a bounded in-memory LRU per router; with Redis, the LRU sits in front of Redis (shared by
every router instance, entries expire after a TTL). A Redis that fails is logged and treated as a
miss: the client falls back to sending the query, nothing breaks.

Trusted documents (Apollo's "persisted query list"): a manifest built with the clients,
``{"format": "apollo-persisted-query-manifest", "version": 1, "operations": [{"id", "name", "type",
"body"}]}``, names the operations first-party apps may send. A request may then carry only an id:
``extensions.persistedQuery.sha256Hash`` (what Apollo clients send) or ``documentId`` (the
GraphQL-over-HTTP persisted documents parameter; a ``sha256:`` prefix is accepted). The safelist
says what happens to a document sent as text (``off``: run it; ``log``: run it, log and count it
when it is not in the manifest; ``enforce``: refuse it then with ``QUERY_NOT_IN_SAFELIST``), and
``require_id`` refuses every document sent as text (``PERSISTED_QUERY_ID_REQUIRED``). Membership is
an exact match of the text, byte for byte, as Apollo Router's safelist first did (newer versions
compare parsed documents, ignoring whitespace and comments): a client must send the body exactly
as its build registered it. Simple, and nothing is parsed before the verdict. Apollo Router refuses
APQ together with a safelist; here APQ stays on but cannot get around it: registering a body the
manifest lacks is refused, and a body found in the APQ store (shared through Redis with routers
configured otherwise) is checked like any other text.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from router.executor import LruCache, client_error

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

    import redis.asyncio as aioredis

__all__ = [
    "ManifestError",
    "MemoryQueryStore",
    "PersistedQueries",
    "PersistedQueryManifest",
    "PersistedQueryStore",
    "RedisQueryStore",
    "SafelistMode",
    "TrustedDocument",
]

SafelistMode = Literal["off", "log", "enforce"]
MANIFEST_FORMAT = "apollo-persisted-query-manifest"
_OPERATION_TYPES = ("query", "mutation", "subscription")

log = logging.getLogger("router")

_SHA256_HEX = re.compile(r"[0-9a-fA-F]{64}")


class PersistedQueryStore(Protocol):
    async def get(self, sha256_hash: str) -> str | None: ...

    async def put(self, sha256_hash: str, query: str) -> None: ...

    async def aclose(self) -> None: ...


class MemoryQueryStore:
    """At most ``size`` queries, least recently used evicted first."""

    def __init__(self, size: int) -> None:
        self._cache: LruCache[str, str] = LruCache(size)

    async def get(self, sha256_hash: str) -> str | None:
        return self._cache.get(sha256_hash)

    async def put(self, sha256_hash: str, query: str) -> None:
        self._cache.put(sha256_hash, query)

    async def aclose(self) -> None:
        return None


class RedisQueryStore:
    """Redis (``SET key query EX ttl``) behind an in-memory LRU; Redis errors are misses."""

    def __init__(
        self, client: aioredis.Redis, *, ttl_seconds: int, memory_size: int, key_prefix: str = "router:apq:"
    ) -> None:
        self._redis = client
        self._ttl = ttl_seconds
        self._prefix = key_prefix
        self._memory = MemoryQueryStore(memory_size)

    @classmethod
    def from_url(
        cls, url: str, *, ttl_seconds: int, memory_size: int, key_prefix: str = "router:apq:"
    ) -> RedisQueryStore:
        import redis.asyncio as aioredis

        # Short socket timeouts: a slow Redis must not hold a request longer than a re-sent query.
        client = aioredis.Redis.from_url(
            url, decode_responses=True, socket_timeout=0.5, socket_connect_timeout=0.5
        )
        return cls(client, ttl_seconds=ttl_seconds, memory_size=memory_size, key_prefix=key_prefix)

    async def get(self, sha256_hash: str) -> str | None:
        query = await self._memory.get(sha256_hash)
        if query is not None:
            return query
        try:
            stored = await self._redis.get(self._prefix + sha256_hash)
        except Exception as exc:  # any Redis or socket failure: degrade to a miss
            log.warning(
                "persisted query lookup in Redis failed: %s", exc, extra={"error": type(exc).__name__}
            )
            return None
        if isinstance(stored, str):
            await self._memory.put(sha256_hash, stored)
            return stored
        return None

    async def put(self, sha256_hash: str, query: str) -> None:
        await self._memory.put(sha256_hash, query)
        try:
            await self._redis.set(self._prefix + sha256_hash, query, ex=self._ttl)
        except Exception as exc:
            log.warning("persisted query store in Redis failed: %s", exc, extra={"error": type(exc).__name__})

    async def aclose(self) -> None:
        await self._redis.aclose()


class ManifestError(ValueError):
    """A persisted query manifest that cannot be used; the message says which entry and why."""


@dataclass(frozen=True, slots=True, kw_only=True)
class TrustedDocument:
    """One operation of a manifest: its id, name (None: anonymous), type and exact text."""

    id: str
    name: str | None
    type: str | None
    body: str


class PersistedQueryManifest:
    """The trusted documents by id, and the set of their bodies (the safelist)."""

    def __init__(self, documents: Iterable[TrustedDocument], *, source: str = "the manifest") -> None:
        by_id: dict[str, TrustedDocument] = {}
        for document in documents:
            known = by_id.get(document.id)
            if known is not None and known.body != document.body:
                raise ManifestError(
                    f"{source}: id {document.id!r} is listed twice with different bodies; "
                    "an id must name exactly one document"
                )
            by_id.setdefault(document.id, document)
        self.source = source
        self.documents: Mapping[str, TrustedDocument] = by_id
        self.bodies = frozenset(document.body for document in by_id.values())

    @classmethod
    def load(cls, path: Path) -> PersistedQueryManifest:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
            raise ManifestError(f"cannot read the persisted query manifest {path}: {reason}") from exc
        return cls.from_json(text, source=str(path))

    @classmethod
    def from_json(cls, text: str, *, source: str = "the manifest") -> PersistedQueryManifest:
        """Reads Apollo's manifest format (what ``generate-persisted-query-manifest`` writes)."""
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ManifestError(f"{source} is not valid JSON: {exc}") from exc
        if not isinstance(raw, dict) or raw.get("format") != MANIFEST_FORMAT:
            raise ManifestError(
                f'{source} is not a persisted query manifest: "format" must be "{MANIFEST_FORMAT}"'
            )
        if raw.get("version") != 1:
            raise ManifestError(
                f'{source}: unsupported manifest "version" {raw.get("version")!r}; only 1 is read'
            )
        operations = raw.get("operations")
        if not isinstance(operations, list):
            raise ManifestError(f'{source}: "operations" must be a list')
        return cls((_document(entry, index, source) for index, entry in enumerate(operations)), source=source)

    def __len__(self) -> int:
        return len(self.documents)

    def get(self, document_id: str) -> TrustedDocument | None:
        return self.documents.get(document_id)


def _document(entry: Any, index: int, source: str) -> TrustedDocument:
    where = f"{source}: operations[{index}]"
    if not isinstance(entry, dict):
        raise ManifestError(f"{where} must be an object with id, name, type and body")
    document_id, body = entry.get("id"), entry.get("body")
    if not isinstance(document_id, str) or not document_id:
        raise ManifestError(f'{where} needs a non-empty string "id"')
    if not isinstance(body, str) or not body.strip():
        raise ManifestError(f'{where} (id {document_id!r}) needs a non-empty string "body"')
    name, kind = entry.get("name"), entry.get("type")
    if name is not None and not isinstance(name, str):
        raise ManifestError(f'{where} (id {document_id!r}): "name" must be a string')
    if kind is not None and kind not in _OPERATION_TYPES:
        raise ManifestError(
            f'{where} (id {document_id!r}): "type" must be one of {", ".join(_OPERATION_TYPES)}'
        )
    return TrustedDocument(id=document_id, name=name or None, type=kind, body=body)


class PersistedQueries:
    """Resolves a request's query text: from ``documentId`` or the APQ extension (the manifest, then
    the APQ ``store``), else the text it sent, checked against the safelist.

    ``store`` None: APQ turned off. ``manifest`` None: no trusted documents (then ``safelist`` must be
    ``off`` and ``require_id`` False; the app checks that at start-up). ``on_unknown(rejected)`` hears
    every document sent as text that the manifest lacks (log and enforce modes).
    """

    NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
    NOT_SUPPORTED = "PERSISTED_QUERY_NOT_SUPPORTED"
    HASH_MISMATCH = "PERSISTED_QUERY_HASH_MISMATCH"
    NOT_IN_SAFELIST = "QUERY_NOT_IN_SAFELIST"
    ID_REQUIRED = "PERSISTED_QUERY_ID_REQUIRED"

    def __init__(
        self,
        store: PersistedQueryStore | None,
        *,
        manifest: PersistedQueryManifest | None = None,
        safelist: SafelistMode = "off",
        require_id: bool = False,
        on_unknown: Callable[[bool], None] | None = None,
        logged_bodies: int = 1000,
    ) -> None:
        if manifest is None and (safelist != "off" or require_id):
            raise ManifestError("a safelist needs a persisted query manifest")
        self._store = store
        self.manifest = manifest
        self._safelist = safelist
        self._require_id = require_id
        self._on_unknown = on_unknown
        # Each unknown body is logged once per process (by hash), counted every time: a client
        # repeating one operation, or an attacker sending many, cannot flood the log.
        self._logged: LruCache[str, bool] = LruCache(logged_bodies)

    def replace_manifest(self, manifest: PersistedQueryManifest) -> None:
        """Swap in a reloaded manifest (one reference: a request reads it once)."""
        self.manifest = manifest

    async def resolve(
        self,
        query: str | None,
        extensions: Mapping[str, Any] | None,
        document_id: str | None = None,
    ) -> str | dict[str, Any]:
        """The query text to run, or the one error that answers the request instead."""
        manifest = self.manifest
        if document_id is not None:
            if query is not None:
                return client_error("Send either 'query' or 'documentId', not both.", code="BAD_REQUEST")
            if manifest is None:
                return client_error("PersistedQueryNotSupported", code=self.NOT_SUPPORTED)
            trusted = manifest.get(document_id)
            if trusted is None and document_id.startswith("sha256:"):
                trusted = manifest.get(document_id.removeprefix("sha256:").lower())
            if trusted is None:
                return client_error("PersistedQueryNotFound", code=self.NOT_FOUND)
            return trusted.body
        persisted = extensions.get("persistedQuery") if extensions else None
        if persisted is None:
            if query is None:
                return client_error("'query' must be a non-empty string", code="BAD_REQUEST")
            return self._check_text(query, manifest, sent=True)
        if self._store is None and manifest is None:
            return client_error("PersistedQueryNotSupported", code=self.NOT_SUPPORTED)
        if not isinstance(persisted, dict) or persisted.get("version") != 1:
            return client_error(
                "Unsupported persisted query version: only version 1 is supported.", code="BAD_REQUEST"
            )
        sha256_hash = persisted.get("sha256Hash")
        if query is None and isinstance(sha256_hash, str) and manifest is not None:
            # Manifest ids are whatever the clients' build chose (usually the body's SHA-256).
            trusted = manifest.get(sha256_hash)
            if trusted is not None:
                return trusted.body
            if self._store is None:
                return client_error("PersistedQueryNotFound", code=self.NOT_FOUND)
        if self._store is None:
            # Only a manifest: the text is an ordinary document, the extension has nothing to add.
            return (
                self._check_text(query, manifest, sent=True)
                if query is not None
                else client_error("PersistedQueryNotFound", code=self.NOT_FOUND)
            )
        if not isinstance(sha256_hash, str) or not _SHA256_HEX.fullmatch(sha256_hash):
            return client_error(
                "'extensions.persistedQuery.sha256Hash' must be a hex SHA-256 hash.", code="BAD_REQUEST"
            )
        sha256_hash = sha256_hash.lower()
        if query is None:
            stored = await self._store.get(sha256_hash)
            if stored is None:
                # The message is what Apollo clients look for before re-sending with the query.
                return client_error("PersistedQueryNotFound", code=self.NOT_FOUND)
            return self._check_text(stored, manifest, sent=False)
        if hashlib.sha256(query.encode("utf-8")).hexdigest() != sha256_hash:
            return client_error("provided sha does not match query", code=self.HASH_MISMATCH)
        checked = self._check_text(query, manifest, sent=True)
        if isinstance(checked, str):  # never store what the safelist refused
            await self._store.put(sha256_hash, query)
        return checked

    def _check_text(
        self, query: str, manifest: PersistedQueryManifest | None, *, sent: bool
    ) -> str | dict[str, Any]:
        """The safelist's verdict on a document given as text (``sent``: in this request, not
        found in the APQ store)."""
        if manifest is None:
            return query
        known = query in manifest.bodies
        if self._require_id and sent:
            if not known:
                self._unknown(query, rejected=True)
            return client_error(
                "This router runs only operations sent by id (a persisted query id or documentId).",
                code=self.ID_REQUIRED,
            )
        if known or (self._safelist == "off" and not self._require_id):
            return query
        # require_id implies enforce for text found in the APQ store.
        rejected = self._safelist == "enforce" or self._require_id
        self._unknown(query, rejected=rejected)
        if rejected:
            return client_error("The operation is not in the safelist.", code=self.NOT_IN_SAFELIST)
        return query

    def _unknown(self, query: str, *, rejected: bool) -> None:
        if self._on_unknown is not None:
            self._on_unknown(rejected)
        digest = hashlib.sha256(query.encode("utf-8")).hexdigest()
        if digest in self._logged:
            return
        self._logged.put(digest, True)
        log.warning(
            "operation not in the persisted query manifest (%s)",
            "rejected" if rejected else "allowed",
            extra={"sha256": digest, "body": query, "rejected": rejected},
        )

    async def aclose(self) -> None:
        if self._store is not None:
            await self._store.aclose()

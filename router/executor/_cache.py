"""A small bounded least-recently-used cache (parsed documents, prepared operations and plans).

Explicit objects owned by a Gateway, not module globals: two gateways over two supergraphs never
share entries, and a test sees a fresh cache.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Generic, TypeVar

__all__ = ["LruCache"]

K = TypeVar("K")
V = TypeVar("V")


class LruCache(Generic[K, V]):
    """At most ``maxsize`` entries; reading an entry makes it the most recently used."""

    def __init__(self, maxsize: int) -> None:
        if maxsize < 1:
            raise ValueError(f"cache size must be at least 1, got {maxsize}")
        self._maxsize = maxsize
        self._entries: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        value = self._entries.get(key)
        if value is not None:
            self._entries.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        self._entries[key] = value
        self._entries.move_to_end(key)
        if len(self._entries) > self._maxsize:
            self._entries.popitem(last=False)

    def recent(self, limit: int) -> list[K]:
        """Up to ``limit`` keys, the most recently used first (a snapshot: reading does not reorder)."""
        keys: list[K] = []
        for key in reversed(self._entries):
            if len(keys) >= limit:
                break
            keys.append(key)
        return keys

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

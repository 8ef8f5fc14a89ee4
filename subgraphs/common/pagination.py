"""Relay-style cursor pagination shared by every subgraph: one ``PageInfo``, generic connections.

The contract is identical in every subgraph (``PageInfo`` is ``@shareable`` and must not differ):
``first`` defaults to 10, is at most 100, and ``after`` is an opaque cursor. A cursor encodes the
kind of list it belongs to and the sort key of its row, so a cursor of one list is rejected by
another with BAD_USER_INPUT instead of silently returning a wrong page. Lists are keyset-paginated
(``WHERE key > :after ORDER BY key LIMIT first + 1``): stable under inserts, no OFFSET scans.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

import strawberry

from .errors import BadUserInput

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "MAX_PAGE_SIZE",
    "Connection",
    "Edge",
    "PageInfo",
    "check_page_size",
    "connection_from_rows",
    "decode_cursor",
    "encode_cursor",
    "keyset_window",
    "offset_window",
]

DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 100

T = TypeVar("T")
R = TypeVar("R")


@strawberry.federation.type(shareable=True, description="Where a page ends and whether more follow.")
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type(description="One item of a page and the cursor to continue after it.")
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type(description="A page of items in a stable order; continue with `after: pageInfo.endCursor`.")
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo


def check_page_size(first: int) -> int:
    """``first`` within 0..MAX_PAGE_SIZE (0 is allowed, as in the Relay spec), else BAD_USER_INPUT."""
    if first < 0 or first > MAX_PAGE_SIZE:
        raise BadUserInput(f"`first` must be between 0 and {MAX_PAGE_SIZE}, got {first}.", argument="first")
    return first


def keyset_window(kind: str, first: int, after: str | None) -> tuple[int, str | None]:
    """(limit, key after which the page starts) of a keyset-paginated list; the key is None for the
    first page. BAD_USER_INPUT for a page size out of range or a cursor of another list."""
    return check_page_size(first), None if after is None else decode_cursor(kind, after)


def offset_window(kind: str, first: int, after: str | None) -> tuple[int, int]:
    """(limit, offset) of a page of a list paginated by position, where a cursor holds the
    position of the last edge already seen. Used where one query cuts a page for many parents at
    once (reviews of N products, orders of N users), which keyset pagination cannot batch."""
    limit, position = keyset_window(kind, first, after)
    if position is None:
        return limit, 0
    if not position.isdigit():
        raise BadUserInput("`after` is not a valid cursor for this list.", argument="after")
    return limit, int(position) + 1


def encode_cursor(kind: str, key: str) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{key}".encode()).decode().rstrip("=")


def decode_cursor(kind: str, cursor: str) -> str:
    """The sort key inside ``cursor``; BAD_USER_INPUT when it is not a cursor of this list."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raw = ""
    prefix, sep, key = raw.partition(":")
    if not sep or prefix != kind or not key:
        raise BadUserInput("`after` is not a valid cursor for this list.", argument="after")
    return key


def connection_from_rows(
    rows: Sequence[R], *, first: int, kind: str, key: Callable[[R], str], node: Callable[[R], T]
) -> Connection[T]:
    """Build a page from up to ``first + 1`` rows fetched in key order (the extra row only tells
    whether a next page exists)."""
    page = rows[:first]
    edges = [Edge(cursor=encode_cursor(kind, key(row)), node=node(row)) for row in page]
    return Connection(
        edges=edges,
        page_info=PageInfo(has_next_page=len(rows) > first, end_cursor=edges[-1].cursor if edges else None),
    )

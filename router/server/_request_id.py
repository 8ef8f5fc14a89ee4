"""Request ids: accept the client's ``X-Request-ID`` when it is safe to echo and log, else make one.

A client value is accepted only when it is 1-128 characters of ``A-Z a-z 0-9 . _ : -`` (what
UUIDs, ULIDs, trace ids and most proxies' ids use). Anything else could inject into log lines or
response headers, so it is replaced rather than cleaned up.
"""

from __future__ import annotations

import re
import uuid

__all__ = ["MAX_REQUEST_ID_LENGTH", "accept_request_id", "new_request_id"]

MAX_REQUEST_ID_LENGTH = 128
_SAFE = re.compile(rf"[A-Za-z0-9._:\-]{{1,{MAX_REQUEST_ID_LENGTH}}}")


def accept_request_id(value: str | None) -> str | None:
    """``value`` when it is a safe request id, else None."""
    if value is not None and _SAFE.fullmatch(value):
        return value
    return None


def new_request_id() -> str:
    return uuid.uuid4().hex

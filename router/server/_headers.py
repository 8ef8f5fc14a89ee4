"""Which client request headers go on to the subgraphs.

An allow-list from settings, minus the hop-by-hop headers of RFC 9110 section 7.6.1 (they describe
one connection, not the request, so forwarding them is wrong whatever the settings say) and minus
the framing headers the router sets itself for the subgraph request. Headers the client names in its
own ``Connection`` header are hop-by-hop too, so they are dropped per request.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from starlette.datastructures import Headers

__all__ = ["HOP_BY_HOP", "HeaderPropagation"]

log = logging.getLogger("router")

HOP_BY_HOP = frozenset(
    (
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    )
)
# Set by the router for the subgraph request; a client's value would be wrong there.
_FRAMING = frozenset(("host", "content-length", "content-type", "accept", "accept-encoding"))


class HeaderPropagation:
    """The request headers to send with every subgraph fetch of one client request.

    ``x-request-id`` is not taken from the client here: the caller adds the router's own (validated
    or generated) request id.
    """

    def __init__(self, names: Iterable[str]) -> None:
        wanted = {name.strip().lower() for name in names if name.strip()}
        dropped = sorted(wanted & (HOP_BY_HOP | _FRAMING))
        if dropped:
            log.warning("these headers are never propagated to subgraphs: %s", ", ".join(dropped))
        # A tuple, not a set: the per-request loop is over a handful of names.
        self._names = tuple(sorted(wanted - HOP_BY_HOP - _FRAMING - {"x-request-id"}))

    @property
    def names(self) -> tuple[str, ...]:
        return self._names

    def select(self, headers: Headers, request_id: str) -> dict[str, str]:
        """The headers to send to subgraphs for a request with these ``headers``."""
        selected = {"x-request-id": request_id}
        if not self._names:
            return selected
        connection = headers.get("connection")
        named = {token.strip().lower() for token in connection.split(",")} if connection else ()
        for name in self._names:
            value = headers.get(name)
            if value is not None and name not in named:
                selected[name] = value
        return selected

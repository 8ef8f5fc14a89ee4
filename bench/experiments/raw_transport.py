"""The router with a minimal keep-alive HTTP/1.1 transport instead of httpcore's connection pool.

Why: under load the router spends about half of its samples in httpcore's
``AsyncConnectionPool._assign_requests_to_connections``, which walks every pooled connection
(``has_expired`` -> a ``poll()`` per socket, ``is_idle``) and every queued request on each request
and each response close, plus ~15 % in a failed ``import sniffio`` per request (httpcore's
``current_async_library``; sniffio is not installed). This transport keeps idle connections in a
deque per origin (O(1) to take and give back) on asyncio streams, and keeps ``httpx.AsyncClient``
in front, so the router's code is unchanged: ``create_app(http_transport=RawTransport())``.

An experiment, not production code: HTTP/1.1 with Content-Length only (what uvicorn subgraphs
answer), no TLS, no proxy, no per-connection limit, no idle expiry.

    python -m bench.experiments.raw_transport SUPERGRAPH_PATH PORT
"""

from __future__ import annotations

import asyncio
import sys
from collections import defaultdict, deque
from pathlib import Path

import httpx
import uvicorn

__all__ = ["RawTransport"]

_Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]


class RawTransport(httpx.AsyncBaseTransport):
    def __init__(self) -> None:
        self._idle: defaultdict[tuple[str, int], deque[_Connection]] = defaultdict(deque)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        host, port = request.url.host, request.url.port or 80
        body = request.content
        head = [f"{request.method} {request.url.raw_path.decode()} HTTP/1.1", f"Host: {host}:{port}",
                f"Content-Length: {len(body)}"]  # fmt: skip
        head += [f"{k}: {v}" for k, v in request.headers.items() if k not in ("host", "content-length")]
        payload = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body
        idle = self._idle[(host, port)]
        while True:
            reused = bool(idle)
            reader, writer = idle.pop() if reused else await asyncio.open_connection(host, port)
            writer.write(payload)
            status_line = await reader.readline()
            if status_line:
                break
            writer.close()  # the server closed an idle connection: retry once on a new one
            if not reused:
                raise httpx.RemoteProtocolError("the server closed the connection without a response")
        headers: list[tuple[str, str]] = []
        length = 0
        while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers.append((name.strip(), value.strip()))
            if name.strip().lower() == "content-length":
                length = int(value)
        content = await reader.readexactly(length)
        idle.append((reader, writer))
        return httpx.Response(int(status_line.split()[1]), headers=headers, content=content)


def main() -> None:
    from router.server import create_app

    supergraph, port = sys.argv[1], int(sys.argv[2])
    app = create_app(supergraph_path=Path(supergraph), http_transport=RawTransport())
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()

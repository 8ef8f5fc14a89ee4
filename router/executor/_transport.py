"""A keep-alive HTTP/1.1 transport for subgraph fetches: idle connections in a deque per origin.

Why not httpx's default transport: under load, httpcore's pool walks every pooled connection (a
``poll()`` each) and every queued request on each request and each response close, so the router
spent about half of its CPU there and its throughput fell as concurrency rose (``bench/README.md``;
``bench/experiments/raw_transport.py`` measured 6.5x with a deque per origin). Here taking and
giving back a connection is O(1). It is an httpx transport (behind an ``httpx.AsyncClient``, callers
see the usual httpx requests, responses and exceptions), and ``post`` serves the subgraph fetches
themselves without httpx's request and response models (same exchange, same exceptions).

The wire format is RFC 9112 (HTTP/1.1 message syntax): a request with ``Host`` and
``Content-Length``; a response framed by ``Transfer-Encoding: chunked``, ``Content-Length`` or the
end of the connection (section 6.3), read whole before it is returned (subgraphs answer JSON
documents; nothing streams). Timeouts come from the request's ``timeout`` extension, as httpx sets
it (``connect``, ``read``, ``write``, ``pool``), and errors are mapped to httpx's exception tree the
way ``httpx._transports.default`` maps httpcore's. Not supported, as subgraph fetches need none of
it: HTTP/2, proxies (``HTTP_PROXY`` and the like are ignored), ``Expect: 100-continue``, upgrades.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import socket
import ssl
import time
from collections import deque
from typing import TYPE_CHECKING, Final, NamedTuple

import httpx

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

__all__ = ["PooledTransport", "RawResponse"]


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = _Unset()

_DEFAULT_PORTS: Final = {"http": 80, "https": 443}
# Bodies of requests and responses are read whole; the stream's buffer limit also bounds a
# response head, a chunk-size line and a trailer line.
_STREAM_LIMIT: Final = 64 * 1024
_UNTIL_CLOSE_CHUNK: Final = 64 * 1024
# Framing is this transport's job: these request headers give way to the body's Content-Length.
_HOP_HEADERS: Final = frozenset({b"content-length", b"transfer-encoding"})
# RFC 9110 section 5.1 (token) and 5.5 (field values without CR, LF or NUL).
_FIELD_NAME: Final = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_FIELD_VALUE: Final = re.compile(rb"[^\r\n\x00]*")
_CHUNK_SIZE: Final = re.compile(rb"[0-9A-Fa-f]{1,16}")
_NO_BODY_STATUS: Final = frozenset({204, 304})


class RawResponse:
    """A whole response without httpx's model: what ``PooledTransport.post`` returns."""

    __slots__ = ("content", "headers", "reason_phrase", "status_code")

    def __init__(self, status_code: int, reason: bytes, headers: list[tuple[bytes, bytes]], content: bytes):
        self.status_code = status_code
        self.reason_phrase = reason.decode("latin-1")
        self.headers = headers
        self.content = content

    @property
    def is_success(self) -> bool:
        return 200 <= self.status_code < 300


class _Answer(NamedTuple):
    """One response as read off the connection."""

    status_code: int
    http_version: bytes
    reason: bytes
    headers: list[tuple[bytes, bytes]]
    body: bytes


class _StaleConnection(Exception):
    """A reused connection ended before any byte of the response: the server closed it while idle."""


class _Connection:
    """One open connection; ``idle_since`` is the monotonic time it was last given back."""

    __slots__ = ("idle_since", "reader", "writer")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.idle_since = 0.0

    def is_closed_by_peer(self) -> bool:
        return self.reader.at_eof() or self.writer.transport.is_closing()

    def close(self) -> None:
        """Close gracefully (FIN); for a connection in a known state."""
        self.writer.close()

    def abort(self) -> None:
        """Drop at once; for a connection whose state is unknown (an error or a cancellation)."""
        self.writer.transport.abort()


class _Origin:
    """The idle connections (newest on the right) and the open-connection slots of one origin.

    A connection is opened only when no idle one is left, so idle plus in-use connections never
    exceed the slots: the slots bound the open connections, not only the requests in flight.
    """

    __slots__ = ("host", "idle", "port", "slots", "ssl")

    def __init__(self, host: str, port: int, ssl_context: ssl.SSLContext | None, slots: int) -> None:
        self.host = host
        self.port = port
        self.ssl = ssl_context
        self.idle: deque[_Connection] = deque()
        self.slots = asyncio.Semaphore(slots)

    def take(self, now: float, expiry: float) -> _Connection | None:
        """The most recently used idle connection still worth reusing, or None."""
        idle = self.idle
        while idle:
            connection = idle.pop()
            if now - connection.idle_since >= expiry:
                # Last in, first out: every connection still in the deque has idled longer.
                connection.close()
                self.close_idle()
                return None
            if connection.is_closed_by_peer():
                connection.close()
                continue
            return connection
        return None

    def give_back(self, connection: _Connection, now: float, expiry: float) -> None:
        idle = self.idle
        while idle and now - idle[0].idle_since >= expiry:
            idle.popleft().close()
        connection.idle_since = now
        idle.append(connection)

    def drop_idle_since(self, moment: float) -> None:
        """Close the connections idle since ``moment`` or longer (one of that age was found closed)."""
        idle = self.idle
        while idle and idle[0].idle_since <= moment:
            idle.popleft().close()

    def close_idle(self) -> None:
        while self.idle:
            self.idle.popleft().close()


class PooledTransport(httpx.AsyncBaseTransport):
    """HTTP/1.1 with keep-alive over asyncio streams, pooled per origin (scheme, host, port).

    ``max_connections_per_origin`` bounds the connections open to one origin; a request waits for
    a slot at most the ``pool`` timeout (then ``httpx.PoolTimeout``). An idle connection older than
    ``keepalive_expiry`` seconds is closed instead of reused: keep it below the servers' keep-alive
    timeout (uvicorn's is 5 s) so that the client, not the server, ends idle connections.
    ``connect_timeout`` (seconds, None for none) overrides the request's ``connect`` timeout.
    ``ssl_context`` is used for https origins (default: ``ssl.create_default_context()``).

    A request is retried once on a new connection when a reused connection ends before any byte
    of the response: the server closed it while it was idle, every keep-alive client's race (RFC
    9112 section 9.3.1). POSTs are retried too (every subgraph fetch is one): a mutation could run
    twice only if a server read the request and then closed without answering, and keeping
    ``keepalive_expiry`` below the server's keep-alive timeout makes even the idle race rare.
    """

    def __init__(
        self,
        *,
        max_connections_per_origin: int = 64,
        keepalive_expiry: float = 4.0,
        connect_timeout: float | _Unset | None = UNSET,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        if max_connections_per_origin < 1:
            raise ValueError("max_connections_per_origin must be at least 1")
        if keepalive_expiry < 0:
            raise ValueError("keepalive_expiry must not be negative")
        self._max_connections = int(max_connections_per_origin)
        self._expiry = float(keepalive_expiry)
        self._connect_timeout = (
            connect_timeout
            if connect_timeout is None or isinstance(connect_timeout, _Unset)
            else float(connect_timeout)
        )
        self._ssl_context = ssl_context
        self._origins: dict[tuple[str, str, int | None], _Origin] = {}
        self._closed = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        timeouts: Mapping[str, float | None] = request.extensions.get("timeout") or {}
        payload, close = _encode_request(request, await request.aread())
        answer = await self._send(request.url, request.method, payload, close, timeouts, request)
        return httpx.Response(
            answer.status_code,
            headers=answer.headers,
            content=answer.body,
            request=request,
            extensions={"http_version": answer.http_version, "reason_phrase": answer.reason},
        )

    async def post(
        self, url: httpx.URL, headers: Mapping[str, str], body: bytes, *, timeout: float | None
    ) -> RawResponse:
        """POST ``body`` to ``url`` without httpx's ``Request``/``Response`` models: what a subgraph
        fetch needs (status, headers, the whole body, decoded if the server compressed it) for about
        a tenth of the router's CPU less on the deep benchmark query (bench/README.md). Errors are
        the same httpx exceptions as ``handle_async_request`` raises, without a ``request``;
        ``timeout`` bounds each phase (pool, connect, write, read) like an httpx timeout."""
        raw_headers = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()]
        payload, close = _encode(b"POST", url, raw_headers, body, None)
        timeouts = {"connect": timeout, "read": timeout, "write": timeout, "pool": timeout}
        answer = await self._send(url, "POST", payload, close, timeouts, None)
        for name, _value in answer.headers:
            if name.lower() == b"content-encoding":
                # Rare (subgraphs answer small JSON on a local network): httpx knows the codings.
                decoded = httpx.Response(answer.status_code, headers=answer.headers, content=answer.body)
                return RawResponse(answer.status_code, answer.reason, answer.headers, decoded.content)
        return RawResponse(answer.status_code, answer.reason, answer.headers, answer.body)

    async def _send(
        self,
        url: httpx.URL,
        method: str,
        payload: bytes,
        close: bool,
        timeouts: Mapping[str, float | None],
        request: httpx.Request | None,
    ) -> _Answer:
        origin = self._origins.get((url.scheme, url.host, url.port)) or self._add_origin(url, request)
        slots = origin.slots
        if slots.locked():
            try:
                async with asyncio.timeout(timeouts.get("pool")):
                    await slots.acquire()
            except TimeoutError as exc:
                raise httpx.PoolTimeout("Timed out waiting for a connection slot.", request=request) from exc
        else:
            await slots.acquire()
        try:
            connection = origin.take(time.monotonic(), self._expiry)
            if connection is not None:
                try:
                    return await self._exchange(
                        origin, connection, method, request, payload, timeouts, close, reused=True
                    )
                except _StaleConnection:
                    origin.drop_idle_since(connection.idle_since)
            connection = await self._connect(origin, request, timeouts)
            return await self._exchange(
                origin, connection, method, request, payload, timeouts, close, reused=False
            )
        finally:
            slots.release()

    async def aclose(self) -> None:
        """Close every idle connection; connections in use close when their exchange ends."""
        self._closed = True
        for origin in self._origins.values():
            origin.close_idle()

    def _add_origin(self, url: httpx.URL, request: httpx.Request | None) -> _Origin:
        scheme = url.scheme
        if scheme not in _DEFAULT_PORTS:
            raise httpx.UnsupportedProtocol(
                f"Request URL has an unsupported protocol '{scheme}://'.", request=request
            )
        if not url.host:
            raise httpx.UnsupportedProtocol("Request URL is missing a host.", request=request)
        ssl_context: ssl.SSLContext | None = None
        if scheme == "https":
            if self._ssl_context is None:
                self._ssl_context = ssl.create_default_context()
            ssl_context = self._ssl_context
        origin = _Origin(url.host, url.port or _DEFAULT_PORTS[scheme], ssl_context, self._max_connections)
        self._origins[(scheme, url.host, url.port)] = origin
        return origin

    async def _connect(
        self, origin: _Origin, request: httpx.Request | None, timeouts: Mapping[str, float | None]
    ) -> _Connection:
        timeout = (
            timeouts.get("connect") if isinstance(self._connect_timeout, _Unset) else self._connect_timeout
        )
        try:
            async with asyncio.timeout(timeout):
                reader, writer = await asyncio.open_connection(
                    origin.host,
                    origin.port,
                    ssl=origin.ssl,
                    server_hostname=origin.host if origin.ssl is not None else None,
                    limit=_STREAM_LIMIT,
                )
        except TimeoutError as exc:
            raise httpx.ConnectTimeout(
                f"Timed out connecting to {origin.host}:{origin.port}.", request=request
            ) from exc
        except OSError as exc:
            raise httpx.ConnectError(_describe(exc), request=request) from exc
        # asyncio and uvloop set it already for TCP sockets; a request body's last segment must
        # not wait for the ACK of the ones before it (the server may delay that ACK by 40 ms).
        sock = writer.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return _Connection(reader, writer)

    async def _exchange(
        self,
        origin: _Origin,
        connection: _Connection,
        method: str,
        request: httpx.Request | None,
        payload: bytes,
        timeouts: Mapping[str, float | None],
        close: bool,
        *,
        reused: bool,
    ) -> _Answer:
        """Send the request and read the whole response; the connection is closed on any error
        (including cancellation), else given back to the pool unless either side asked to close."""
        try:
            response, reusable = await _round_trip(
                connection, method, request, payload, timeouts, reused=reused
            )
        except BaseException:
            connection.abort()
            raise
        if reusable and not close and not self._closed:
            origin.give_back(connection, time.monotonic(), self._expiry)
        else:
            connection.close()
        return response


def _encode_request(request: httpx.Request, body: bytes) -> tuple[bytes, bool]:
    return _encode(request.method.encode("ascii"), request.url, request.headers.raw, body, request)


def _encode(
    method: bytes,
    url: httpx.URL,
    headers: Iterable[tuple[bytes, bytes]],
    body: bytes,
    request: httpx.Request | None,
) -> tuple[bytes, bool]:
    """The request head and body (RFC 9112 sections 3 and 6.2), the caller's headers in order, and
    whether the request asks to close the connection after the response."""
    lines = [b"%s %s HTTP/1.1\r\n" % (method, url.raw_path)]
    has_host = close = False
    for name, value in headers:
        lower = name.lower()
        if lower in _HOP_HEADERS:
            continue
        if not _FIELD_NAME.fullmatch(name) or not _FIELD_VALUE.fullmatch(value):
            raise httpx.LocalProtocolError(f"Invalid request header {name!r}.", request=request)
        if lower == b"host":
            has_host = True
        elif lower == b"connection":
            close = close or b"close" in value.lower()
        lines.append(b"%s: %s\r\n" % (name, value))
    if not has_host:
        lines.insert(1, b"Host: %s\r\n" % url.netloc)
    if body or method not in (b"GET", b"HEAD", b"OPTIONS", b"DELETE", b"TRACE"):
        lines.append(b"Content-Length: %d\r\n" % len(body))
    lines.append(b"\r\n")
    lines.append(body)
    return b"".join(lines), close


async def _round_trip(
    connection: _Connection,
    method: str,
    request: httpx.Request | None,
    payload: bytes,
    timeouts: Mapping[str, float | None],
    *,
    reused: bool,
) -> tuple[_Answer, bool]:
    writer = connection.writer
    try:
        writer.write(payload)
        # Usually the kernel took it all; drain (and its timeout) only when some of it is buffered.
        if writer.transport.get_write_buffer_size():
            async with asyncio.timeout(timeouts.get("write")):
                await writer.drain()
    except TimeoutError as exc:
        raise httpx.WriteTimeout("Timed out writing the request.", request=request) from exc
    except OSError as exc:
        if reused:
            raise _StaleConnection from exc
        raise httpx.WriteError(_describe(exc), request=request) from exc
    read_timeout = timeouts.get("read")
    try:
        async with asyncio.timeout(read_timeout) as deadline:
            reader = _ResponseReader(connection.reader, method, request, deadline, read_timeout)
            return await reader.response(reused=reused)
    except TimeoutError as exc:
        raise httpx.ReadTimeout("Timed out reading the response.", request=request) from exc


class _ResponseReader:
    """Reads one response (RFC 9112 sections 4-7) under a read timeout that restarts on progress,
    which is httpx's meaning of ``read``: the longest wait for more of the response."""

    __slots__ = ("_deadline", "_method", "_request", "_stream", "_timeout")

    def __init__(
        self,
        stream: asyncio.StreamReader,
        method: str,
        request: httpx.Request | None,
        deadline: asyncio.Timeout,
        timeout: float | None,
    ) -> None:
        self._stream = stream
        self._method = method
        self._request = request
        self._deadline = deadline
        self._timeout = timeout

    async def response(self, *, reused: bool) -> tuple[_Answer, bool]:
        """The response and whether the connection may carry another request."""
        request = self._request
        while True:
            try:
                head = await self._stream.readuntil(b"\r\n\r\n")
            except asyncio.IncompleteReadError as exc:
                if not exc.partial and reused:
                    raise _StaleConnection from exc
                raise self._protocol_error(
                    "Server disconnected without sending a response."
                    if not exc.partial
                    else "Server disconnected in the middle of the response head."
                ) from exc
            except asyncio.LimitOverrunError as exc:
                raise self._protocol_error("Response head too large.") from exc
            except OSError as exc:
                if reused:
                    raise _StaleConnection from exc
                raise httpx.ReadError(_describe(exc), request=request) from exc
            version, status, reason, headers = self._parse_head(head)
            if status >= 200:
                break
            if status == 101:
                raise self._protocol_error("Unexpected 101 Switching Protocols (no upgrade was asked for).")
            # 1xx (100 Continue, 103 Early Hints) precede the final response (RFC 9110 section 15.2).
            self._progress()
        keep_alive = version == b"HTTP/1.1"
        content_length: int | None = None
        transfer_encoding: bytes | None = None
        for name, value in headers:
            lower = name.lower()
            if lower == b"content-length":
                if not value.isdigit() or (content_length is not None and int(value) != content_length):
                    raise self._protocol_error("Invalid Content-Length in the response.")
                content_length = int(value)
            elif lower == b"transfer-encoding":
                transfer_encoding = value.lower()
            elif lower == b"connection":
                tokens = {token.strip() for token in value.lower().split(b",")}
                if b"close" in tokens:
                    keep_alive = False
                elif b"keep-alive" in tokens and version == b"HTTP/1.0":
                    keep_alive = True
        self._progress()
        if self._method == "HEAD" or status in _NO_BODY_STATUS:
            body = b""
        elif transfer_encoding is not None:
            # RFC 9112 section 6.3: Transfer-Encoding wins over Content-Length, and a message with
            # both must not be followed on the connection; chunked only when it is the last coding.
            if content_length is not None:
                keep_alive = False
            if transfer_encoding.rsplit(b",", 1)[-1].strip() == b"chunked":
                body = await self._chunked_body()
            else:
                body = await self._body_until_close()
                keep_alive = False
        elif content_length is not None:
            body = await self._exactly(content_length)
        else:
            body = await self._body_until_close()
            keep_alive = False
        return _Answer(status, version, reason, headers, body), keep_alive

    def _parse_head(self, head: bytes) -> tuple[bytes, int, bytes, list[tuple[bytes, bytes]]]:
        """Status line and header fields (RFC 9112 sections 4 and 5); obsolete line folding and
        bare CR or LF are rejected."""
        lines = head[:-4].split(b"\r\n")
        version, _, rest = lines[0].partition(b" ")
        code = rest[:3]
        if (
            version not in (b"HTTP/1.1", b"HTTP/1.0")
            or len(code) != 3
            or not code.isdigit()
            or rest[3:4] not in (b"", b" ")
        ):
            raise self._protocol_error(f"Malformed status line {lines[0][:100]!r}.")
        headers: list[tuple[bytes, bytes]] = []
        for line in lines[1:]:
            name, colon, value = line.partition(b":")
            value = value.strip(b" \t")
            if not colon or not _FIELD_NAME.fullmatch(name) or not _FIELD_VALUE.fullmatch(value):
                raise self._protocol_error(f"Malformed response header {line[:100]!r}.")
            headers.append((name, value))
        return version, int(code), rest[4:], headers

    async def _chunked_body(self) -> bytes:
        """RFC 9112 section 7.1: chunks until the last (size 0), then trailer fields, discarded."""
        parts: list[bytes] = []
        while True:
            line = await self._line()
            size = line.split(b";", 1)[0].strip(b" \t")
            if not _CHUNK_SIZE.fullmatch(size):
                raise self._protocol_error(f"Malformed chunk size {line[:100]!r}.")
            if not (length := int(size, 16)):
                break
            parts.append(await self._exactly(length))
            if await self._exactly(2) != b"\r\n":
                raise self._protocol_error("Chunk not followed by CRLF.")
        while await self._line():
            pass
        return b"".join(parts)

    async def _line(self) -> bytes:
        """One CRLF-terminated line, without its CRLF."""
        try:
            line = await self._stream.readuntil(b"\r\n")
        except asyncio.IncompleteReadError as exc:
            raise self._protocol_error("Server disconnected in the middle of the response body.") from exc
        except asyncio.LimitOverrunError as exc:
            raise self._protocol_error("Chunk-size or trailer line too long.") from exc
        except OSError as exc:
            raise httpx.ReadError(_describe(exc), request=self._request) from exc
        self._progress()
        return line[:-2]

    async def _exactly(self, length: int) -> bytes:
        parts: list[bytes] = []
        try:
            while length:
                part = await self._stream.read(length)
                if not part:
                    raise self._protocol_error("Server disconnected in the middle of the response body.")
                parts.append(part)
                length -= len(part)
                if length:
                    self._progress()
        except OSError as exc:
            raise httpx.ReadError(_describe(exc), request=self._request) from exc
        return parts[0] if len(parts) == 1 else b"".join(parts)

    async def _body_until_close(self) -> bytes:
        parts: list[bytes] = []
        try:
            while part := await self._stream.read(_UNTIL_CLOSE_CHUNK):
                parts.append(part)
                self._progress()
        except OSError as exc:
            raise httpx.ReadError(_describe(exc), request=self._request) from exc
        return b"".join(parts)

    def _progress(self) -> None:
        """More of the response arrived: the read timeout starts again."""
        if self._timeout is not None:
            self._deadline.reschedule(asyncio.get_running_loop().time() + self._timeout)

    def _protocol_error(self, message: str) -> httpx.RemoteProtocolError:
        return httpx.RemoteProtocolError(message, request=self._request)


def _describe(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__

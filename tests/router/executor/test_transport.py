"""The subgraph HTTP/1.1 transport against real loopback servers.

uvicorn (in-process, on a kernel-chosen port) answers the ordinary exchanges; a few lines of
``asyncio.start_server`` play the servers that misbehave or race (no framing, chunk extensions and
trailers, closing a kept-alive connection, never answering, malformed heads). Server-side
connection counts come from the client port the server saw.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import gzip
import ipaddress
import socket
import ssl
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx
import orjson
import pytest
import uvicorn
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from strawberry.asgi import GraphQL

from router.executor import PooledTransport
from router.server import RouterSettings, create_app

from ...security.tokens_for_tests import TEST_SECRETS
from ..e2e.compose_fixtures import subgraph_schemas
from ..e2e.testkit import supergraph_sdl

if TYPE_CHECKING:
    from pathlib import Path

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


# --- servers --------------------------------------------------------------------------------------


@dataclass
class Seen:
    """What a server saw: the client port of each request (one port per connection)."""

    ports: list[int] = field(default_factory=list)
    in_flight: int = 0
    most_in_flight: int = 0

    @property
    def connections(self) -> int:
        return len(set(self.ports))


def recording_app(seen: Seen) -> Callable[[Scope, Receive, Send], Awaitable[None]]:
    """``/echo`` answers a JSON POST with what it got, ``/slow`` takes 50 ms, ``/chunked`` streams
    (uvicorn frames it chunked), ``/close`` answers with ``Connection: close``."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        assert scope["type"] == "http"
        seen.ports.append(scope["client"][1])
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        path, headers = scope["path"], [(b"content-type", b"application/json")]
        if path == "/echo":
            sent = dict(scope["headers"])
            content = orjson.dumps(
                {"method": scope["method"], "json": orjson.loads(body), "x-trace": sent[b"x-trace"].decode()}
            )
        elif path == "/slow":
            seen.in_flight += 1
            seen.most_in_flight = max(seen.most_in_flight, seen.in_flight)
            await asyncio.sleep(0.05)
            seen.in_flight -= 1
            content = b"{}"
        elif path == "/chunked":
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            for part in (b'{"parts": [', b'"a", ', b'"b"]}'):
                await send({"type": "http.response.body", "body": part, "more_body": True})
            await send({"type": "http.response.body", "body": b""})
            return
        elif path == "/close":
            headers.append((b"connection", b"close"))
            content = b"{}"
        else:
            content = b'{"path": "%s"}' % path.encode()
        headers.append((b"content-length", b"%d" % len(content)))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": content})

    return app


def _listening_socket() -> socket.socket:
    # IPPROTO_TCP spelled out: asyncio sets TCP_NODELAY only on sockets that say so (else each
    # kept-alive exchange waits out a 40 ms delayed ACK).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    return sock


@asynccontextmanager
async def uvicorn_serving(app: Any, **config: Any) -> AsyncIterator[str]:
    """``app`` on uvicorn in this event loop; yields its base URL."""
    sock = _listening_socket()
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off", **config))
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        async with asyncio.timeout(5):
            while not server.started:
                await asyncio.sleep(0.01)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        await serving
        sock.close()


@dataclass
class RawServer:
    url: str
    connections: int = 0
    requests: int = 0


Handler = Callable[[RawServer, asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@asynccontextmanager
async def raw_serving(handle: Handler) -> AsyncIterator[RawServer]:
    """An asyncio server running ``handle`` per connection (closed when it returns)."""
    handlers: set[asyncio.Task[Any]] = set()

    async def on_connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        handlers.add(task)
        raw.connections += 1
        try:
            await handle(raw, reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(on_connection, "127.0.0.1", 0)
    raw = RawServer(f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}")
    try:
        yield raw
    finally:
        server.close()
        for task in handlers:
            task.cancel()
        await asyncio.gather(*handlers, return_exceptions=True)


async def read_request(raw: RawServer, reader: asyncio.StreamReader) -> bytes:
    """Read one request (Content-Length framing); returns its request target."""
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.lower() == b"content-length":
            length = int(value)
    await reader.readexactly(length)
    raw.requests += 1
    return head.split(b" ")[1]


def answer_each_request_with(response: bytes) -> Handler:
    async def handle(raw: RawServer, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            await read_request(raw, reader)
            writer.write(response)
            await writer.drain()

    return handle


def answer_once_then_close(response: bytes) -> Handler:
    async def handle(raw: RawServer, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(raw, reader)
        writer.write(response)
        await writer.drain()

    return handle


OK = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"


@asynccontextmanager
async def client(**options: Any) -> AsyncIterator[httpx.AsyncClient]:
    timeout = options.pop("timeout", 5.0)
    async with httpx.AsyncClient(transport=PooledTransport(**options), timeout=timeout) as http:
        yield http


# --- ordinary exchanges ---------------------------------------------------------------------------


async def test_a_json_post_round_trips_with_its_headers() -> None:
    seen = Seen()
    async with uvicorn_serving(recording_app(seen)) as url, client() as http:
        response = await http.post(
            f"{url}/echo?x=1", json={"query": "{ me { id } }"}, headers={"X-Trace": "t-1"}
        )

    assert response.status_code == 200
    assert response.json() == {"method": "POST", "json": {"query": "{ me { id } }"}, "x-trace": "t-1"}
    assert response.http_version == "HTTP/1.1"
    assert response.reason_phrase == "OK"
    assert response.headers["content-type"] == "application/json"


async def test_sequential_requests_reuse_one_kept_alive_connection() -> None:
    seen = Seen()
    async with uvicorn_serving(recording_app(seen)) as url, client() as http:
        for _ in range(10):
            assert (await http.get(f"{url}/other")).json() == {"path": "/other"}

    assert len(seen.ports) == 10
    assert seen.connections == 1


async def test_concurrent_requests_open_no_more_connections_than_the_per_origin_limit() -> None:
    seen = Seen()
    async with uvicorn_serving(recording_app(seen)) as url, client(max_connections_per_origin=4) as http:
        responses = await asyncio.gather(*(http.get(f"{url}/slow") for _ in range(20)))

    assert [r.status_code for r in responses] == [200] * 20
    assert seen.connections == 4
    assert seen.most_in_flight == 4


async def test_a_chunked_response_is_decoded() -> None:
    seen = Seen()
    async with uvicorn_serving(recording_app(seen)) as url, client() as http:
        first = await http.get(f"{url}/chunked")
        second = await http.get(f"{url}/chunked")

    assert first.headers["transfer-encoding"] == "chunked"
    assert first.json() == second.json() == {"parts": ["a", "b"]}
    assert seen.connections == 1


async def test_chunk_extensions_and_trailers_are_skipped_and_the_connection_is_reused() -> None:
    chunked = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"5;name=value\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\nChecksum: abc\r\n\r\n"
    )
    async with raw_serving(answer_each_request_with(chunked)) as raw, client() as http:
        bodies = [(await http.get(raw.url)).content for _ in range(2)]

    assert bodies == [b"hello world"] * 2
    assert raw.connections == 1


async def test_a_body_without_length_is_read_until_the_server_closes() -> None:
    response = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n" + b"x" * 200_000
    async with raw_serving(answer_once_then_close(response)) as raw, client() as http:
        first = await http.get(raw.url)
        second = await http.get(raw.url)

    assert first.content == second.content == b"x" * 200_000
    assert raw.connections == 2


async def test_head_204_and_304_have_no_body_and_keep_the_connection() -> None:
    async def handle(raw: RawServer, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            target = await read_request(raw, reader)
            status = {b"/204": b"204 No Content", b"/304": b"304 Not Modified"}.get(target, b"200 OK")
            # Content-Length of a HEAD answer or a 304 describes the body that is not sent.
            writer.write(b"HTTP/1.1 %s\r\nContent-Length: 10\r\n\r\n" % status)

    async with raw_serving(handle) as raw, client() as http:
        head = await http.head(raw.url)
        no_content = await http.get(f"{raw.url}/204")
        not_modified = await http.get(f"{raw.url}/304")

    assert (head.status_code, no_content.status_code, not_modified.status_code) == (200, 204, 304)
    assert head.content == no_content.content == not_modified.content == b""
    assert raw.connections == 1


async def test_connection_close_from_the_server_is_honoured() -> None:
    seen = Seen()
    async with uvicorn_serving(recording_app(seen)) as url, client() as http:
        await http.get(f"{url}/close")
        await http.get(f"{url}/close")

    assert seen.connections == 2


# --- idle connections -----------------------------------------------------------------------------


async def test_an_idle_connection_the_server_closed_is_replaced_transparently() -> None:
    seen = Seen()
    async with uvicorn_serving(recording_app(seen), timeout_keep_alive=0.1) as url, client() as http:
        await http.get(f"{url}/other")
        await asyncio.sleep(0.3)
        response = await http.get(f"{url}/other")

    assert response.status_code == 200
    assert seen.connections == 2


async def test_a_reused_connection_that_ends_before_the_response_is_retried_once_on_a_new_one() -> None:
    # The race a pre-check cannot see: the server closes the idle connection just as the next
    # request is sent on it.
    async def handle(raw: RawServer, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(raw, reader)
        writer.write(OK)
        await writer.drain()
        await reader.readuntil(b"\r\n\r\n")

    async with raw_serving(handle) as raw, client() as http:
        first = await http.post(raw.url, content=b"{}")
        second = await http.post(raw.url, content=b"{}")

    assert first.text == second.text == "ok"
    assert raw.connections == 2
    assert raw.requests == 2


async def test_a_new_connection_that_ends_before_the_response_is_not_retried() -> None:
    async def handle(raw: RawServer, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(raw, reader)

    async with raw_serving(handle) as raw, client() as http:
        with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
            await http.get(raw.url)

    assert raw.connections == 1


async def test_an_idle_connection_older_than_keepalive_expiry_is_closed_not_reused() -> None:
    seen = Seen()
    async with uvicorn_serving(recording_app(seen)) as url, client(keepalive_expiry=0.1) as http:
        await http.get(f"{url}/other")
        await http.get(f"{url}/other")
        await asyncio.sleep(0.2)
        await http.get(f"{url}/other")

    assert len(set(seen.ports[:2])) == 1
    assert seen.connections == 2


async def test_aclose_closes_the_idle_connections() -> None:
    closed = asyncio.Event()

    async def handle(raw: RawServer, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(raw, reader)
        writer.write(OK)
        await writer.drain()
        assert await reader.read() == b""
        closed.set()

    async with raw_serving(handle) as raw:
        transport = PooledTransport()
        async with httpx.AsyncClient(transport=transport) as http:
            await http.get(raw.url)
            assert not closed.is_set()
        async with asyncio.timeout(2):
            await closed.wait()


# --- https ----------------------------------------------------------------------------------------


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 signed by its own key: (certificate file, key file)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_file, key_file


async def test_https_verifies_the_server_certificate_and_keeps_the_connection_alive(tmp_path: Path) -> None:
    cert_file, key_file = self_signed_certificate(tmp_path)
    trusting = ssl.create_default_context(cafile=str(cert_file))
    seen = Seen()
    config = {"ssl_certfile": str(cert_file), "ssl_keyfile": str(key_file)}
    async with uvicorn_serving(recording_app(seen), **config) as url:
        url = url.replace("http://", "https://")
        async with client(ssl_context=trusting) as http:
            responses = [
                await http.post(f"{url}/echo", json=[1], headers={"X-Trace": "tls"}) for _ in range(3)
            ]
        async with client() as http:  # the system's CAs do not know this certificate
            with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
                await http.get(f"{url}/other")

    assert [r.json()["json"] for r in responses] == [[1], [1], [1]]
    assert seen.connections == 1


# --- errors and timeouts --------------------------------------------------------------------------


async def test_a_refused_connection_is_a_connect_error() -> None:
    sock = _listening_socket()
    port = sock.getsockname()[1]
    sock.close()
    async with client() as http:
        with pytest.raises(httpx.ConnectError):
            await http.get(f"http://127.0.0.1:{port}/")


async def test_a_server_that_never_answers_is_a_read_timeout_after_the_read_timeout() -> None:
    async def handle(raw: RawServer, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(raw, reader)
        await asyncio.sleep(60)

    async with raw_serving(handle) as raw, client(timeout=0.2) as http:
        started = time.monotonic()
        with pytest.raises(httpx.ReadTimeout):
            await http.get(raw.url)
        elapsed = time.monotonic() - started

    assert 0.2 <= elapsed < 1.0


async def test_the_read_timeout_restarts_while_the_body_keeps_arriving() -> None:
    async def handle(raw: RawServer, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(raw, reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n")
        for byte in b"slow":
            await asyncio.sleep(0.1)
            writer.write(bytes([byte]))

    async with raw_serving(handle) as raw, client(timeout=0.25) as http:
        response = await http.get(raw.url)

    assert response.content == b"slow"


async def test_a_server_that_stops_reading_is_a_write_timeout_after_the_write_timeout() -> None:
    async def handle(raw: RawServer, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        await asyncio.sleep(60)

    # More than the loopback socket buffers of both ends hold.
    body = b"x" * 32 * 1024 * 1024
    async with raw_serving(handle) as raw, client(timeout=httpx.Timeout(5.0, write=0.2)) as http:
        started = time.monotonic()
        with pytest.raises(httpx.WriteTimeout):
            await http.post(raw.url, content=body)

    assert time.monotonic() - started < 2.0


async def test_waiting_for_a_connection_slot_past_the_pool_timeout_is_a_pool_timeout() -> None:
    async def handle(raw: RawServer, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(raw, reader)
        await asyncio.sleep(60)

    async with raw_serving(handle) as raw, client(max_connections_per_origin=1) as http:
        holder = asyncio.create_task(http.get(raw.url))
        await asyncio.sleep(0.05)
        started = time.monotonic()
        with pytest.raises(httpx.PoolTimeout):
            await http.get(raw.url, timeout=httpx.Timeout(5.0, pool=0.1))
        assert time.monotonic() - started < 1.0
        holder.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await holder

    assert raw.connections == 1


async def test_a_cancelled_request_closes_its_connection_and_releases_its_slot() -> None:
    async def handle(raw: RawServer, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            if await read_request(raw, reader) == b"/hang":
                assert await reader.read() == b""  # the client dropped the connection
                return
            writer.write(OK)

    async with raw_serving(handle) as raw, client(max_connections_per_origin=1) as http:
        hanging = asyncio.create_task(http.get(f"{raw.url}/hang"))
        await asyncio.sleep(0.05)
        hanging.cancel()
        with pytest.raises(asyncio.CancelledError):
            await hanging
        async with asyncio.timeout(2):
            response = await http.get(f"{raw.url}/next", timeout=httpx.Timeout(5.0, pool=0.5))

    assert response.text == "ok"
    assert raw.connections == 2


@pytest.mark.parametrize(
    ("response", "message"),
    [
        (b"HTTP/1.1 OK\r\nContent-Length: 0\r\n\r\n", "Malformed status line"),
        (b"ICY 200 OK\r\nContent-Length: 0\r\n\r\n", "Malformed status line"),
        (b"HTTP/1.1 200 OK\r\nNo colon here\r\n\r\n", "Malformed response header"),
        (b"HTTP/1.1 200 OK\r\nX-Folded: a\r\n b\r\n\r\n", "Malformed response header"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: ten\r\n\r\n", "Invalid Content-Length"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "Malformed chunk size"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", "in the middle of the response body"),
    ],
)
async def test_a_malformed_response_is_a_remote_protocol_error(response: bytes, message: str) -> None:
    async with raw_serving(answer_once_then_close(response)) as raw, client() as http:
        with pytest.raises(httpx.RemoteProtocolError, match=message):
            await http.get(raw.url)


async def test_a_header_value_with_a_line_break_is_refused_before_sending() -> None:
    async with raw_serving(answer_each_request_with(OK)) as raw, client() as http:
        request = http.build_request("GET", raw.url)
        request.headers["X-Injected"] = "a\r\nX-Evil: 1"
        with pytest.raises(httpx.LocalProtocolError):
            await http.send(request)

    assert raw.requests == 0


# --- the router -----------------------------------------------------------------------------------


@pytest.mark.parametrize("injected", [False, True], ids=["lifespan-default", "injected"])
async def test_the_router_answers_a_query_over_this_transport_from_real_subgraph_servers(
    injected: bool,
) -> None:
    apps = {f"/{name}/graphql": GraphQL(schema) for name, schema in subgraph_schemas("shop").items()}

    async def subgraphs(scope: Scope, receive: Receive, send: Send) -> None:
        await apps[scope["path"]](scope, receive, send)

    async with uvicorn_serving(subgraphs) as url:
        # Not injected: the lifespan builds its client over a PooledTransport.
        app = create_app(
            supergraph_sdl=supergraph_sdl("shop"),
            settings=RouterSettings(**TEST_SECRETS),
            http_transport=PooledTransport(max_connections_per_origin=4) if injected else None,
            subgraph_urls={name: f"{url}/{name}/graphql" for name in subgraph_schemas("shop")},
        )
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://router") as router,
        ):
            response = await router.post(
                "/graphql", json={"query": "{ topProducts(first: 2) { name reviews { body } } }"}
            )

    assert response.status_code == 200
    assert response.json() == {
        "data": {
            "topProducts": [
                {"name": "Table", "reviews": [{"body": "Love it!"}, {"body": "Too expensive."}]},
                {"name": "Couch", "reviews": [{"body": "Could be better."}]},
            ]
        }
    }


# --- post(): the subgraph fetch path without httpx's models ---------------------------------------


async def test_post_round_trips_json_with_its_headers_over_one_kept_alive_connection() -> None:
    seen = Seen()
    transport = PooledTransport()
    async with uvicorn_serving(recording_app(seen)) as url:
        for _ in range(3):
            response = await transport.post(
                httpx.URL(f"{url}/echo"),
                {"content-type": "application/json", "X-Trace": "t-2"},
                b'{"query": "{ a }"}',
                timeout=5.0,
            )
            assert response.is_success
            assert (response.status_code, response.reason_phrase) == (200, "OK")
            assert orjson.loads(response.content) == {
                "method": "POST",
                "json": {"query": "{ a }"},
                "x-trace": "t-2",
            }
        await transport.aclose()

    assert seen.connections == 1


async def test_post_decodes_a_compressed_answer_and_reports_an_error_status() -> None:
    body = gzip.compress(b'{"data": {"ok": true}}')
    gzipped = b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
    transport = PooledTransport()
    async with raw_serving(answer_each_request_with(gzipped)) as raw:
        response = await transport.post(httpx.URL(raw.url), {}, b"{}", timeout=5.0)
    assert orjson.loads(response.content) == {"data": {"ok": True}}

    unavailable = b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n"
    async with raw_serving(answer_each_request_with(unavailable)) as raw:
        response = await transport.post(httpx.URL(raw.url), {}, b"{}", timeout=5.0)
    assert (response.is_success, response.status_code, response.reason_phrase) == (
        False,
        503,
        "Service Unavailable",
    )
    await transport.aclose()


async def test_post_raises_the_same_httpx_errors_as_the_httpx_path() -> None:
    sock = _listening_socket()
    port = sock.getsockname()[1]
    sock.close()
    transport = PooledTransport()
    with pytest.raises(httpx.ConnectError):
        await transport.post(httpx.URL(f"http://127.0.0.1:{port}/"), {}, b"{}", timeout=5.0)

    async def never_answers(
        raw: RawServer, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await read_request(raw, reader)
        await asyncio.sleep(60)

    async with raw_serving(never_answers) as raw:
        with pytest.raises(httpx.ReadTimeout):
            await transport.post(httpx.URL(raw.url), {}, b"{}", timeout=0.2)
    with pytest.raises(httpx.LocalProtocolError):
        await transport.post(httpx.URL("http://127.0.0.1:1/"), {"x-bad": "a\r\nb"}, b"{}", timeout=1.0)
    await transport.aclose()

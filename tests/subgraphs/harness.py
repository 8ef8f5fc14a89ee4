"""Run subgraph apps in-process for tests: one database each, internal REST routed between them.

Every app is built by its module's ``create_app`` exactly as in production, its lifespan is run,
and internal calls (``http://products/internal/v1/...``) go through an ASGI transport to the other
in-process apps. Nothing is mocked: a subgraph that is not started is simply unreachable.
"""

from __future__ import annotations

import importlib
import uuid
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager, contextmanager
from typing import Any

import asyncpg
import httpx
from fastapi import FastAPI
from sqlalchemy import event

from subgraphs.common import SERVICE_TOKEN_HEADER, SubgraphSettings, TokenService

from ..services import POSTGRES_DSN, unavailable

SERVICE_TOKEN = "test-service-token"


class RoutingTransport(httpx.AsyncBaseTransport):
    """Sends each request to the in-process app named by the URL's host; unknown hosts fail like
    a refused connection."""

    def __init__(self) -> None:
        self.apps: dict[str, httpx.ASGITransport] = {}
        self.requests: list[httpx.Request] = []

    def mount(self, host: str, app: FastAPI) -> None:
        self.apps[host] = httpx.ASGITransport(app=app)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        transport = self.apps.get(request.url.host)
        if transport is None:
            raise httpx.ConnectError(f"connection refused: {request.url.host}", request=request)
        return await transport.handle_async_request(request)


class System:
    """A set of running subgraphs."""

    def __init__(self, settings: SubgraphSettings, transport: RoutingTransport) -> None:
        self.settings = settings
        self.transport = transport
        self.apps: dict[str, FastAPI] = {}
        self.tokens = TokenService(settings)

    def client(self, name: str, **kwargs: Any) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=self.transport, base_url=f"http://{name}", **kwargs)

    def service_headers(self) -> dict[str, str]:
        return {SERVICE_TOKEN_HEADER: SERVICE_TOKEN}

    def token_for(self, user_id: str, role: str = "customer") -> str:
        return self.tokens.issue_access(subject=user_id, role=role)

    async def graphql(
        self,
        name: str,
        query: str,
        variables: Mapping[str, Any] | None = None,
        *,
        user: str | None = None,
        role: str = "customer",
        token: str | None = None,
    ) -> dict[str, Any]:
        """POST a GraphQL operation to subgraph ``name`` and return the JSON body (asserts 200)."""
        headers = {}
        if user is not None:
            token = self.token_for(user, role)
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        async with self.client(name) as client:
            response = await client.post(
                "/graphql", json={"query": query, "variables": dict(variables or {})}, headers=headers
            )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    @contextmanager
    def count_queries(self, name: str) -> Iterator[list[str]]:
        """Collect the SQL statements subgraph ``name`` runs inside the block."""
        statements: list[str] = []
        engine = self.apps[name].state.database.engine.sync_engine

        def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            # The outbox relay polls in the background on the same engine; it is not the request's.
            if "event_outbox" not in statement:
                statements.append(statement)

        event.listen(engine, "before_cursor_execute", before)
        try:
            yield statements
        finally:
            event.remove(engine, "before_cursor_execute", before)


def make_settings(**overrides: Any) -> SubgraphSettings:
    values: dict[str, Any] = {
        "environment": "test",
        "service_token": SERVICE_TOKEN,
        "password_hash_time_cost": 1,
        "password_hash_memory_kib": 1024,
        "service_retries": 1,
        **{
            f"{name}_url": f"http://{name}"
            for name in ("users", "products", "inventory", "orders", "reviews")
        },
    }
    values.update(overrides)
    return SubgraphSettings(**values)


#: Databases of finished tests, emptied and ready for the next test of this session. CREATE and
#: DROP DATABASE take 0.5-1.5 s each (DROP forces a checkpoint); emptying the ``public`` schema takes
#: milliseconds, which keeps the cross-service tests (four databases each) fast.
_IDLE_DATABASES: list[str] = []
_POOLED_DATABASES: set[str] = set()


def _url(name: str) -> str:
    base = POSTGRES_DSN.rsplit("/", 1)[0]
    return f"postgresql+asyncpg://{base.split('://', 1)[1]}/{name}"


async def _empty(name: str) -> None:
    """Drop everything a test created (tables, types, sequences live in ``public``)."""
    conn = await asyncpg.connect(POSTGRES_DSN.rsplit("/", 1)[0] + f"/{name}", timeout=5)
    try:
        await conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    finally:
        await conn.close()


@asynccontextmanager
async def postgres_database() -> AsyncIterator[str]:
    """An empty PostgreSQL database for one test: an idle one of an earlier test, else a new one."""
    if _IDLE_DATABASES:
        name = _IDLE_DATABASES.pop()
    else:
        name = f"sgtest_{uuid.uuid4().hex[:12]}"
        try:
            admin = await asyncpg.connect(POSTGRES_DSN, timeout=5)
        except (OSError, asyncpg.PostgresError) as exc:
            unavailable("PostgreSQL", exc)
            raise
        try:
            await admin.execute(f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()
        _POOLED_DATABASES.add(name)
    try:
        yield _url(name)
    finally:
        try:
            await _empty(name)
        except (OSError, asyncpg.PostgresError):
            await _drop(name)
        else:
            _IDLE_DATABASES.append(name)


async def _drop(name: str) -> None:
    _POOLED_DATABASES.discard(name)
    admin = await asyncpg.connect(POSTGRES_DSN, timeout=5)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


async def drop_pooled_databases() -> None:
    """Drop every database this session created (conftest calls it when the session ends)."""
    _IDLE_DATABASES.clear()
    for name in sorted(_POOLED_DATABASES):
        await _drop(name)


@asynccontextmanager
async def start_system(
    names: list[str], *, backend: str, tmp_path: Any, **setting_overrides: Any
) -> AsyncIterator[System]:
    """Start the subgraphs ``names`` on ``backend`` ("sqlite" or "postgres")."""
    settings = make_settings(**setting_overrides)
    transport = RoutingTransport()
    system = System(settings, transport)
    async with AsyncExitStack() as stack:
        for name in names:
            if backend == "postgres":
                url = await stack.enter_async_context(postgres_database())
            else:
                url = f"sqlite+aiosqlite:///{tmp_path / f'{name}.db'}"
            module = importlib.import_module(f"subgraphs.{name}.app")
            app: FastAPI = module.create_app(settings=settings, database_url=url, http_transport=transport)
            await stack.enter_async_context(app.router.lifespan_context(app))
            transport.mount(name, app)
            system.apps[name] = app
        yield system

"""The router's HTTP edge with auth wired in (see the wiring in the security report): bearer
verification (401 for a bad token), ``@authenticated``/``@requiresScopes`` enforced before any
subgraph is called, the signed claims header replacing anything a client sends, rate limiting with
429 + Retry-After, and security headers.

These tests need ``create_app`` to use ``RouterAuth``, the rate limiter and
``SecurityHeadersMiddleware`` and ``RouterSettings`` to have the auth fields; until that wiring is
in, they fail (everything they rely on is tested on its own in the other files of this folder).
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from jose import jwt

from router.server import RouterSettings, StartupError, create_app
from subgraphs.common import SubgraphSettings, TokenService

from ..router.e2e.testkit import SubgraphTransport
from .authz_subgraphs import FIXTURE, SUBGRAPHS

SECRET = "http-test-jwt-secret-of-at-least-32-chars"
INTERNAL = "http-test-internal-secret-of-32-chars-or-more"
TOKENS = TokenService(
    SubgraphSettings(environment="test", jwt_secret=SECRET, internal_claims_secret=INTERNAL)
)


class HeaderRecorder(httpx.AsyncBaseTransport):
    """The in-process subgraphs, recording the headers of each subgraph request."""

    def __init__(self) -> None:
        self.inner = SubgraphTransport(SUBGRAPHS)
        self.headers: list[httpx.Headers] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.headers.append(request.headers)
        return await self.inner.handle_async_request(request)


@asynccontextmanager
async def router(**settings: Any) -> AsyncIterator[tuple[httpx.AsyncClient, HeaderRecorder]]:
    recorder = HeaderRecorder()
    values = {"jwt_secret": SECRET, "internal_claims_secret": INTERNAL, **settings}
    app = create_app(
        supergraph_sdl=FIXTURE.read_text(),
        settings=RouterSettings(**values),
        http_transport=recorder,
        subgraph_urls={name: f"http://{name}/graphql" for name in SUBGRAPHS},
    )
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://router") as client,
    ):
        yield client, recorder


def bearer(subject: str = "u1", *, scopes: tuple[str, ...] = (), **overrides: Any) -> dict[str, str]:
    token = TOKENS.issue_access(subject=subject, role="customer", scopes=scopes)
    if overrides:
        claims = {**jwt.get_unverified_claims(token), **overrides}
        token = jwt.encode(claims, SECRET, algorithm="HS256")
    return {"Authorization": f"Bearer {token}"}


async def test_a_bad_token_is_401_with_www_authenticate_and_no_subgraph_call() -> None:
    async with router() as (client, recorder):
        tampered = bearer()["Authorization"][:-4] + "AAAA"
        response = await client.post(
            "/graphql", json={"query": "{ users { id } }"}, headers={"Authorization": tampered}
        )
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert SECRET not in response.text
    assert recorder.headers == []


async def test_an_expired_token_says_so() -> None:
    async with router() as (client, _):
        past = int(time.time()) - 3600
        response = await client.post(
            "/graphql", json={"query": "{ users { id } }"}, headers=bearer(iat=past, nbf=past, exp=past + 60)
        )
    assert response.status_code == 401
    assert "expired" in response.json()["errors"][0]["message"]


async def test_anonymous_requests_get_unauthorized_nulls_and_the_rest_of_the_data() -> None:
    async with router() as (client, recorder):
        response = await client.post("/graphql", json={"query": "{ auditLog { message } users { id } }"})
    assert response.status_code == 200
    assert response.json() == {
        "data": {"auditLog": None, "users": [{"id": "u1"}, {"id": "u2"}]},
        "errors": [
            {
                "message": "Unauthorized field or type: sign in to see it.",
                "locations": [{"line": 1, "column": 3}],
                "path": ["auditLog"],
                "extensions": {"code": "UNAUTHORIZED"},
            }
        ],
    }
    assert {h.get("host") for h in recorder.headers} == {"accounts"}  # orders never called


async def test_subgraphs_get_the_signed_claims_and_never_the_clients_own() -> None:
    async with router() as (client, recorder):
        forged = {"X-Supergraph-Claims": "forged", **bearer("u1", scopes=("admin",))}
        response = await client.post("/graphql", json={"query": "{ report me { id } }"}, headers=forged)
    assert response.json() == {"data": {"report": "all good", "me": {"id": "u1"}}}
    for headers in recorder.headers:
        values = headers.get_list("x-supergraph-claims")
        assert len(values) == 1 and values[0] != "forged"
        internal = TOKENS.decode_internal(values[0])
        assert internal.viewer is not None and internal.viewer.user_id == "u1"
        assert internal.viewer.scopes == ("admin",)


async def test_anonymous_requests_are_vouched_for_as_anonymous() -> None:
    async with router() as (client, recorder):
        await client.post(
            "/graphql", json={"query": "{ users { id } }"}, headers={"X-Supergraph-Claims": "x"}
        )
    internal = TOKENS.decode_internal(recorder.headers[0]["x-supergraph-claims"])
    assert internal.viewer is None


async def test_rate_limit_is_per_client_with_429_and_retry_after() -> None:
    async with router(rate_limit_requests=3, rate_limit_window_seconds=60) as (client, _):
        statuses = [
            (await client.post("/graphql", json={"query": "{ users { id } }"})).status_code for _ in range(3)
        ]
        refused = await client.post("/graphql", json={"query": "{ users { id } }"})
        signed_in = await client.post("/graphql", json={"query": "{ users { id } }"}, headers=bearer("u2"))
    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert signed_in.status_code == 200  # a verified subject has its own budget


async def test_responses_carry_security_headers() -> None:
    async with router() as (client, _):
        for response in (
            await client.post("/graphql", json={"query": "{ users { id } }"}),
            await client.get("/health/live"),
        ):
            assert response.headers["x-content-type-options"] == "nosniff"
            assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


async def test_production_mode_refuses_development_secrets_at_start_up() -> None:
    with pytest.raises(StartupError, match="ROUTER_INTERNAL_CLAIMS_SECRET"):
        async with router(
            mode="production", internal_claims_secret="dev-only-internal-claims-secret-0123456789"
        ):
            pass

"""Token verification on both sides (subgraphs' ``TokenService``, router's ``RouterAuth``) against
bad input: tampered, expired, not yet valid, wrong algorithm (``none``, HS/RS confusion), wrong
issuer or audience, missing claims, the wrong kind of token. Each is a clear error; none leaks."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import pytest
from jose import jwt

from router.executor import Claims
from router.server._auth import AuthenticationFailed, RouterAuth
from subgraphs.common import InvalidToken, SubgraphSettings, TokenService

from .keys import ec_pem, public_pem, rsa_pem

SECRET = "test-secret-of-at-least-thirty-two-characters"
INTERNAL = "test-internal-claims-secret-0123456789abcdef"


def settings(**overrides: Any) -> SubgraphSettings:
    values: dict[str, Any] = {"environment": "test", "jwt_secret": SECRET, "internal_claims_secret": INTERNAL}
    return SubgraphSettings(**{**values, **overrides})


def router_auth(**overrides: Any) -> RouterAuth:
    return RouterAuth(**{"secret": SECRET, "internal_secret": INTERNAL, **overrides})


def payload(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "sub": "user-2",
        "typ": "access",
        "role": "customer",
        "scope": "",
        "iss": "supergraph-users",
        "aud": "supergraph",
        "iat": now,
        "nbf": now,
        "exp": now + 300,
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def hs(claims: dict[str, Any], secret: str = SECRET, **kwargs: Any) -> str:
    return str(jwt.encode(claims, secret, algorithm="HS256", **kwargs))


def b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def tampered(token: str) -> str:
    header, body, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    claims["role"] = "admin"
    return f"{header}.{b64(claims)}.{signature}"


def bad_tokens() -> dict[str, str]:
    good = hs(payload())
    return {
        "tampered payload": tampered(good),
        "signed with another secret": hs(payload(), "another-secret-of-at-least-thirty-two-chars"),
        "alg none": f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(payload())}.",
        "alg none with a signature": f"{b64({'alg': 'none'})}.{b64(payload())}.{good.split('.')[2]}",
        "HS512 instead of HS256": str(jwt.encode(payload(), SECRET, algorithm="HS512")),
        "expired beyond the leeway": hs(payload(iat=int(time.time()) - 3600, exp=int(time.time()) - 120)),
        "not valid before a future time": hs(payload(nbf=int(time.time()) + 600)),
        "wrong issuer": hs(payload(iss="someone-else")),
        "wrong audience": hs(payload(aud="another-api")),
        "no expiry": hs(payload(exp=None)),
        "no issued-at": hs(payload(iat=None)),
        "no subject": hs(payload(sub=None)),
        "no audience": hs(payload(aud=None)),
        "a refresh token": hs(payload(typ="refresh", jti="j", fam="f")),
        "not a JWT": "not.a.jwt",
        "garbage": "x" * 40,
    }


@pytest.mark.parametrize("case", sorted(bad_tokens()))
def test_subgraphs_reject_bad_access_tokens(case: str) -> None:
    with pytest.raises(InvalidToken) as info:
        TokenService(settings()).decode(bad_tokens()[case], expected="access")
    assert SECRET not in str(info.value)


@pytest.mark.parametrize("case", sorted(bad_tokens()))
async def test_router_rejects_bad_access_tokens_with_a_clear_message(case: str) -> None:
    with pytest.raises(AuthenticationFailed) as info:
        await router_auth().verify(bad_tokens()[case])
    message = info.value.message
    assert message.startswith("The access token") or message.startswith("Only an access token")
    assert SECRET not in message and bad_tokens()[case] not in message


async def test_router_and_subgraphs_accept_a_token_the_users_subgraph_issued() -> None:
    tokens = TokenService(settings())
    token = tokens.issue_access(subject="user-1", role="admin", scopes=("admin",))
    claims = await router_auth().verify(token)
    assert claims == Claims(subject="user-1", scopes=frozenset({"admin"}), extra=claims.extra)
    assert claims.extra["role"] == "admin"
    assert tokens.decode(token, expected="access").role == "admin"


async def test_expired_token_within_the_bounded_leeway_still_verifies() -> None:
    now = int(time.time())
    token = hs(payload(iat=now - 400, nbf=now - 400, exp=now - 10))  # 10 s late, leeway 30 s
    assert (await router_auth().verify(token)).subject == "user-2"
    with pytest.raises(AuthenticationFailed, match="expired"):
        await router_auth(leeway_seconds=5).verify(token)
    with pytest.raises(ValueError, match="leeway"):
        router_auth(leeway_seconds=3600)


async def test_authorization_header_must_be_a_bearer_token() -> None:
    auth = router_auth()
    assert await auth.verify_header(None) is None
    for header in ("Basic dXNlcjpwYXNz", "Bearer", "Bearer   ", "token abc"):
        with pytest.raises(AuthenticationFailed, match="Bearer"):
            await auth.verify_header(header)


def test_algorithm_confusion_rs256_public_key_used_as_hmac_secret_is_rejected() -> None:
    """The classic attack: the verifier holds an RSA public key; the attacker signs HS256 with it."""
    private = rsa_pem("confusion")
    public = public_pem(private)
    forged = _hmac_with_key(payload(role="admin"), public)
    tokens = TokenService(settings(jwt_algorithm="RS256", jwt_public_keys=(public,)))
    with pytest.raises(InvalidToken, match="algorithm"):
        tokens.decode(forged, expected="access")


def _hmac_with_key(claims: dict[str, Any], key: str) -> str:
    """HS256 by hand (python-jose refuses PEM keys as HMAC secrets, an attacker's code does not)."""
    import hashlib
    import hmac

    signing_input = f"{b64({'alg': 'HS256', 'typ': 'JWT'})}.{b64(claims)}"
    signature = hmac.new(key.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"


async def test_router_rejects_an_hs256_token_when_it_expects_rs256() -> None:
    public = public_pem(rsa_pem("router-confusion"))
    auth = RouterAuth(algorithm="RS256", public_keys=(public,), internal_secret=INTERNAL)
    with pytest.raises(AuthenticationFailed, match="algorithm"):
        await auth.verify(_hmac_with_key(payload(), public))


@pytest.mark.parametrize(("algorithm", "pem"), [("RS256", rsa_pem("a")), ("ES256", ec_pem("a"))])
async def test_asymmetric_tokens_carry_a_kid_and_verify_with_the_published_key(
    algorithm: str, pem: str
) -> None:
    users = TokenService(settings(jwt_algorithm=algorithm, jwt_private_keys=(pem,)))
    token = users.issue_access(subject="user-2", role="customer")
    jwks = users.jwks()
    assert [key["kid"] for key in jwks["keys"]] == [jwt.get_unverified_header(token)["kid"]]
    assert all("d" not in key for key in jwks["keys"])  # public parts only
    verifier = TokenService(settings(jwt_algorithm=algorithm, jwt_public_keys=(public_pem(pem),)))
    assert verifier.decode(token, expected="access").subject == "user-2"
    router = RouterAuth(algorithm=algorithm, public_keys=(public_pem(pem),), internal_secret=INTERNAL)  # type: ignore[arg-type]
    assert (await router.verify(token)).subject == "user-2"
    with pytest.raises(AuthenticationFailed):
        await router.verify(tampered(token))


def test_key_rotation_old_key_verifies_while_published_then_stops() -> None:
    key_a, key_b = rsa_pem("rotation-a"), rsa_pem("rotation-b")
    before = TokenService(settings(jwt_algorithm="RS256", jwt_private_keys=(key_a,)))
    token_a = before.issue_access(subject="user-2", role="customer")

    during = TokenService(settings(jwt_algorithm="RS256", jwt_private_keys=(key_b, key_a)))
    token_b = during.issue_access(subject="user-3", role="customer")
    assert len(during.jwks()["keys"]) == 2
    assert during.decode(token_a, expected="access").subject == "user-2"
    assert during.decode(token_b, expected="access").subject == "user-3"

    after = TokenService(settings(jwt_algorithm="RS256", jwt_private_keys=(key_b,)))
    assert after.decode(token_b, expected="access").subject == "user-3"
    with pytest.raises(InvalidToken, match="unknown key"):
        after.decode(token_a, expected="access")


def test_asymmetric_algorithm_without_keys_fails_at_start_up() -> None:
    with pytest.raises(RuntimeError, match="JWT_PRIVATE_KEYS"):
        TokenService(settings(jwt_algorithm="ES256"))
    with pytest.raises(ValueError, match="ROUTER_JWKS_URL"):
        RouterAuth(algorithm="ES256", internal_secret=INTERNAL)


def test_production_refuses_development_secrets_on_both_sides() -> None:
    with pytest.raises(RuntimeError, match="INTERNAL_CLAIMS_SECRET"):
        SubgraphSettings(
            environment="production", jwt_secret=SECRET, service_token="s" * 30
        ).check_production()
    with pytest.raises(RuntimeError, match="JWT_SECRET"):
        SubgraphSettings(
            environment="production", internal_claims_secret=INTERNAL, service_token="s" * 30
        ).check_production()
    with pytest.raises(ValueError, match="ROUTER_INTERNAL_CLAIMS_SECRET"):
        RouterAuth(secret=SECRET, production=True)
    with pytest.raises(ValueError, match="ROUTER_JWT_SECRET"):
        RouterAuth(
            secret="dev-only-jwt-secret-change-me-0123456789abcdef", internal_secret=INTERNAL, production=True
        )
    RouterAuth(secret=SECRET, internal_secret=INTERNAL, production=True)  # real secrets: fine


# -- the internal claims header ---------------------------------------------------------------


def test_subgraphs_accept_the_routers_signed_claims() -> None:
    header = router_auth().sign_internal_claims(
        Claims(subject="user-1", scopes=frozenset({"admin"}), extra={"role": "admin"}),
        client_ip="203.0.113.9",
    )
    internal = TokenService(settings()).decode_internal(header)
    assert internal.viewer is not None
    assert (internal.viewer.user_id, internal.viewer.role, internal.viewer.scopes) == (
        "user-1",
        "admin",
        ("admin",),
    )
    assert internal.client_ip == "203.0.113.9"


def test_anonymous_internal_claims_carry_no_viewer() -> None:
    internal = TokenService(settings()).decode_internal(
        router_auth().sign_internal_claims(None, client_ip="1.2.3.4")
    )
    assert internal.viewer is None and internal.client_ip == "1.2.3.4"


def forged_internal_headers() -> dict[str, str]:
    now = int(time.time())
    good = {
        "iss": "supergraph-router",
        "aud": "subgraphs",
        "iat": now,
        "exp": now + 60,
        "sub": "user-1",
        "role": "admin",
    }
    return {
        "unsigned (alg none)": f"{b64({'alg': 'none'})}.{b64(good)}.",
        "signed with the JWT secret": hs(good, SECRET),
        "signed with a guessed secret": hs(good, "guessed-secret-guessed-secret-guessed-secret"),
        "an access token": hs(payload()),
        "expired": hs({**good, "iat": now - 600, "exp": now - 60}, INTERNAL),
        "wrong audience": hs({**good, "aud": "supergraph"}, INTERNAL),
        "wrong issuer": hs({**good, "iss": "supergraph-users"}, INTERNAL),
        "plain JSON": json.dumps(good),
    }


@pytest.mark.parametrize("case", sorted(forged_internal_headers()))
def test_subgraphs_reject_forged_internal_claims(case: str) -> None:
    with pytest.raises(InvalidToken):
        TokenService(settings()).decode_internal(forged_internal_headers()[case])


def test_internal_claims_expire_quickly() -> None:
    clock = [time.time() - 120]
    header = router_auth(clock=lambda: clock[0]).sign_internal_claims(Claims(subject="user-1"))
    with pytest.raises(InvalidToken, match="expired"):
        TokenService(settings()).decode_internal(header)


# -- the router's JWKS cache --------------------------------------------------------------------


class JwksServer:
    """The users subgraph's JWKS endpoint over ``httpx.MockTransport``, with a request count."""

    def __init__(self, *private_keys: str) -> None:
        self.publish(*private_keys)
        self.requests = 0
        self.status = 200

    def publish(self, *private_keys: str) -> None:
        self.service = TokenService(settings(jwt_algorithm="RS256", jwt_private_keys=private_keys))

    def handler(self, request: Any) -> Any:
        import httpx

        self.requests += 1
        return httpx.Response(self.status, json=self.service.jwks())


async def test_router_verifies_through_the_jwks_and_follows_a_key_rotation() -> None:
    import httpx

    key_a, key_b = rsa_pem("jwks-a"), rsa_pem("jwks-b")
    server = JwksServer(key_a)
    now = [1000.0]
    async with httpx.AsyncClient(transport=httpx.MockTransport(server.handler)) as http:
        auth = RouterAuth(
            algorithm="RS256",
            jwks_url="http://users/.well-known/jwks.json",
            http=http,
            internal_secret=INTERNAL,
            jwks_clock=lambda: now[0],
        )
        token_a = server.service.issue_access(subject="user-2", role="customer")
        assert (await auth.verify(token_a)).subject == "user-2"
        assert (await auth.verify(token_a)).subject == "user-2"
        assert server.requests == 1  # cached

        server.publish(key_b, key_a)  # rotation: B signs, A still published
        token_b = server.service.issue_access(subject="user-3", role="customer")
        now[0] += 31  # past the refetch interval: the unknown kid triggers one refetch
        assert (await auth.verify(token_b)).subject == "user-3"
        assert (await auth.verify(token_a)).subject == "user-2"
        assert server.requests == 2

        server.publish(key_b)  # A retired
        now[0] += 301  # the cached JWKS is too old: refetched, and A is gone
        with pytest.raises(AuthenticationFailed, match="unknown key"):
            await auth.verify(token_a)
        assert (await auth.verify(token_b)).subject == "user-3"


async def test_unknown_kids_cannot_make_the_router_hammer_the_jwks() -> None:
    import httpx

    server = JwksServer(rsa_pem("hammer"))
    async with httpx.AsyncClient(transport=httpx.MockTransport(server.handler)) as http:
        auth = RouterAuth(
            algorithm="RS256", jwks_url="http://users/jwks", http=http, internal_secret=INTERNAL
        )
        stranger = TokenService(settings(jwt_algorithm="RS256", jwt_private_keys=(rsa_pem("stranger"),)))
        token = stranger.issue_access(subject="user-2", role="customer")
        for _ in range(20):
            with pytest.raises(AuthenticationFailed, match="unknown key"):
                await auth.verify(token)
        assert server.requests == 1


async def test_a_failing_jwks_keeps_the_keys_already_known() -> None:
    import httpx

    server = JwksServer(rsa_pem("outage"))
    now = [0.0]
    async with httpx.AsyncClient(transport=httpx.MockTransport(server.handler)) as http:
        auth = RouterAuth(
            algorithm="RS256",
            jwks_url="http://users/jwks",
            http=http,
            internal_secret=INTERNAL,
            jwks_clock=lambda: now[0],
        )
        token = server.service.issue_access(subject="user-2", role="customer")
        assert (await auth.verify(token)).subject == "user-2"
        server.status = 503
        now[0] += 1000
        assert (await auth.verify(token)).subject == "user-2"

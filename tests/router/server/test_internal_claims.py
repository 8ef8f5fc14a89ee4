"""The internal claims header the router signs for subgraphs: verifiable by python-jose (the
subgraphs' verifier), and signed once per second per caller (bench/README.md: signing was ~5 % of
a one-fetch request)."""

from __future__ import annotations

from jose import jwt

from router.executor import Claims
from router.server._auth import RouterAuth

SECRET = "test-internal-claims-secret-0123456789abcdef"
ADMIN = Claims(subject="user-1", scopes=frozenset({"admin", "orders"}), extra={"role": "admin"})


def _auth(now: list[float]) -> RouterAuth:
    return RouterAuth(secret="s" * 32, internal_secret=SECRET, clock=lambda: now[0])


def test_the_signed_header_is_an_hs256_jwt_with_the_callers_claims() -> None:
    header = _auth([1_800_000_000.4]).sign_internal_claims(ADMIN, client_ip="203.0.113.9")
    assert jwt.get_unverified_header(header) == {"alg": "HS256", "typ": "JWT"}
    claims = jwt.decode(header, SECRET, algorithms=["HS256"], audience="subgraphs")
    assert claims == {
        "iss": "supergraph-router",
        "aud": "subgraphs",
        "iat": 1_800_000_000,
        "exp": 1_800_000_060,
        "sub": "user-1",
        "role": "admin",
        "scope": "admin orders",
        "cip": "203.0.113.9",
    }


def test_the_same_caller_within_one_second_gets_the_same_header_and_a_new_one_after() -> None:
    now = [1_800_000_000.1]
    auth = _auth(now)
    first = auth.sign_internal_claims(None, client_ip="1.2.3.4")
    now[0] = 1_800_000_000.9
    assert auth.sign_internal_claims(None, client_ip="1.2.3.4") == first
    assert auth.sign_internal_claims(None, client_ip="5.6.7.8") != first
    assert auth.sign_internal_claims(ADMIN, client_ip="1.2.3.4") != first
    now[0] = 1_800_000_001.0
    later = auth.sign_internal_claims(None, client_ip="1.2.3.4")
    assert later != first
    assert jwt.decode(later, SECRET, algorithms=["HS256"], audience="subgraphs")["iat"] == 1_800_000_001

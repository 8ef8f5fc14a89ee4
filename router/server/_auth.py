"""Authentication at the router's edge: verify the client's access token once, vouch for it inward.

The router and the subgraphs are two deployables that never import each other (``router`` must not
import ``subgraphs``), so each has exactly one module touching python-jose: this one for the router,
``subgraphs/common/auth.py`` for the subgraphs. They agree by configuration only: algorithm, issuer,
audience, keys, and the internal-claims secret.

Per request::

    Authorization: Bearer <access token>
      -> alg pinned (header compared first: ``none`` and RS/HS confusion rejected), signature,
         exp/nbf/iat with bounded leeway, iss, aud, typ=access, sub       (RFC 8725, JWT BCP)
      -> Claims (router.executor: @authenticated/@requiresScopes are enforced on them)
      -> X-Supergraph-Claims: compact JWS (HS256, INTERNAL_CLAIMS_SECRET, aud "subgraphs", 60 s)

No header is anonymous (None); a header that does not verify is an error (401), never anonymous, so
a client with a stale token learns it at once instead of seeing nulls. The internal header is signed
for every request, anonymous ones too, because it also carries the client's IP (the users subgraph
throttles logins per IP); a subgraph trusts that header only when its signature verifies.

HS256 verifies with the shared secret (the development default). RS256/ES256 verify with static
public keys and/or the users subgraph's JWKS (``/.well-known/jwks.json``), fetched on first use,
cached, and refetched when a token names an unknown ``kid`` (at most once per ``refresh_seconds``,
so garbage ``kid`` values cannot make the router hammer users). Keys removed from the JWKS stop
verifying after the next refetch: that is how a rotation retires an old key.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Literal, Protocol

import httpx
import orjson
from starlette.responses import Response

from router.executor import Claims

if TYPE_CHECKING:
    from starlette.requests import Request

__all__ = [
    "DEV_INTERNAL_CLAIMS_SECRET",
    "DEV_JWT_SECRET",
    "INTERNAL_CLAIMS_HEADER",
    "AuthSettings",
    "AuthenticationFailed",
    "JwksKeys",
    "RouterAuth",
    "unauthenticated_response",
]

log = logging.getLogger("router")

Algorithm = Literal["HS256", "RS256", "ES256"]

#: The same development values as the subgraphs' settings, so a local run works with no setup;
#: both are refused in production mode.
DEV_JWT_SECRET: Final = "dev-only-jwt-secret-change-me-0123456789abcdef"
DEV_INTERNAL_CLAIMS_SECRET: Final = "dev-only-internal-claims-secret-0123456789"

INTERNAL_CLAIMS_HEADER: Final = "X-Supergraph-Claims"
_INTERNAL_HEADER_LOWER: Final = INTERNAL_CLAIMS_HEADER.lower()
_INTERNAL_ISSUER: Final = "supergraph-router"
_INTERNAL_AUDIENCE: Final = "subgraphs"
_MAX_JWKS_KEYS: Final = 20
_MAX_JWKS_BYTES: Final = 64_000


class AuthenticationFailed(Exception):
    """The request's credentials are present but not acceptable; the message is safe for clients."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class AuthSettings(Protocol):
    """The settings ``RouterAuth.from_settings`` reads (``RouterSettings`` once wired)."""

    @property
    def mode(self) -> Literal["development", "production"]: ...
    @property
    def jwt_algorithm(self) -> Algorithm: ...
    @property
    def jwt_secret(self) -> str: ...
    @property
    def jwt_public_keys(self) -> tuple[str, ...]: ...
    @property
    def jwks_url(self) -> str | None: ...
    @property
    def jwt_issuer(self) -> str: ...
    @property
    def jwt_audience(self) -> str: ...
    @property
    def jwt_leeway_seconds(self) -> int: ...
    @property
    def internal_claims_secret(self) -> str: ...
    @property
    def internal_claims_ttl_seconds(self) -> int: ...


class JwksKeys:
    """Public keys by ``kid`` from a JWKS URL: fetched lazily, refetched when older than
    ``max_age_seconds`` (so a key removed from the JWKS stops verifying) and on an unknown ``kid``
    (at most once per ``refresh_seconds``); at most ``_MAX_JWKS_KEYS`` kept."""

    def __init__(
        self,
        url: str,
        *,
        http: httpx.AsyncClient,
        algorithm: Algorithm,
        refresh_seconds: float = 30.0,
        max_age_seconds: float = 300.0,
        timeout_seconds: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._url = url
        self._http = http
        self._algorithm = algorithm
        self._refresh_seconds = refresh_seconds
        self._max_age = max_age_seconds
        self._timeout = timeout_seconds
        self._clock = clock
        self._keys: dict[str, dict[str, Any]] = {}
        self._fetched_at: float | None = None
        self._lock = asyncio.Lock()

    async def key(self, kid: str) -> dict[str, Any] | None:
        key = self._keys.get(kid)
        if key is not None and not self._stale():
            return key
        async with self._lock:  # one refetch for a burst of requests with a new kid
            if self._stale() or (kid not in self._keys and self._may_refresh()):
                await self._refresh()
            return self._keys.get(kid)

    def _stale(self) -> bool:
        return self._fetched_at is not None and self._clock() - self._fetched_at >= self._max_age

    def _may_refresh(self) -> bool:
        return self._fetched_at is None or self._clock() - self._fetched_at >= self._refresh_seconds

    async def _refresh(self) -> None:
        self._fetched_at = self._clock()
        try:
            response = await self._http.get(self._url, timeout=self._timeout)
            if response.status_code != 200 or len(response.content) > _MAX_JWKS_BYTES:
                raise ValueError(f"answered {response.status_code} ({len(response.content)} bytes)")
            body = orjson.loads(response.content)
            entries = body["keys"] if isinstance(body, dict) else None
            if not isinstance(entries, list):
                raise ValueError("no 'keys' list")
        except (httpx.HTTPError, ValueError, KeyError) as exc:
            # Keep the keys we had: a users outage must not sign everyone out.
            log.warning("cannot refresh the JWKS from %s: %s", self._url, exc)
            return
        keys: dict[str, dict[str, Any]] = {}
        for entry in entries[:_MAX_JWKS_KEYS]:
            if (
                isinstance(entry, dict)
                and isinstance(entry.get("kid"), str)
                and entry.get("alg", self._algorithm) == self._algorithm
                and entry.get("use", "sig") == "sig"
                and "d" not in entry  # never accept a private key from the network
            ):
                keys[entry["kid"]] = entry
        self._keys = keys


@dataclass(frozen=True, slots=True, kw_only=True)
class _StaticKey:
    jwk: dict[str, Any]


class RouterAuth:
    """Verifies access tokens and signs the internal claims header (see the module docstring)."""

    def __init__(
        self,
        *,
        algorithm: Algorithm = "HS256",
        secret: str | None = None,
        public_keys: tuple[str, ...] = (),
        jwks_url: str | None = None,
        http: httpx.AsyncClient | None = None,
        issuer: str = "supergraph-users",
        audience: str = "supergraph",
        leeway_seconds: int = 30,
        internal_secret: str = DEV_INTERNAL_CLAIMS_SECRET,
        internal_ttl_seconds: int = 60,
        production: bool = False,
        clock: Callable[[], float] = time.time,
        jwks_clock: Callable[[], float] = time.monotonic,
    ) -> None:
        problems = []
        if algorithm not in ("HS256", "RS256", "ES256"):
            problems.append(f"JWT algorithm {algorithm!r} is not supported (HS256, RS256 or ES256)")
        if algorithm == "HS256":
            if not secret:
                problems.append("set ROUTER_JWT_SECRET (HS256 verifies with the users subgraph's JWT_SECRET)")
            elif production and (secret == DEV_JWT_SECRET or len(secret) < 32):
                problems.append("set ROUTER_JWT_SECRET to the users subgraph's production JWT_SECRET")
        elif not public_keys and not jwks_url:
            problems.append(
                f"{algorithm} needs ROUTER_JWKS_URL (users' /.well-known/jwks.json) or ROUTER_JWT_PUBLIC_KEYS"
            )
        elif jwks_url and http is None:
            problems.append("a JWKS URL needs the router's HTTP client")
        if production and (internal_secret == DEV_INTERNAL_CLAIMS_SECRET or len(internal_secret) < 32):
            problems.append(
                "set ROUTER_INTERNAL_CLAIMS_SECRET (and the subgraphs' INTERNAL_CLAIMS_SECRET) "
                "to 32+ random characters"
            )
        if not 0 <= leeway_seconds <= 120:
            problems.append("the JWT leeway must be 0 to 120 seconds")
        if problems:
            raise ValueError("; ".join(problems))
        self._algorithm: Algorithm = algorithm
        self._secret = secret
        self._static: dict[str | None, _StaticKey] = {}
        for pem in public_keys:
            try:
                public = _jose().jwk.construct(pem, algorithm).to_dict()
            except Exception as exc:  # jose raises several types for a bad key; all mean the same
                raise ValueError(
                    f"a ROUTER_JWT_PUBLIC_KEYS entry is not a valid {algorithm} PEM key"
                ) from exc
            self._static[_thumbprint(public)] = _StaticKey(jwk=public)
        self._jwks = (
            JwksKeys(jwks_url, http=http, algorithm=algorithm, clock=jwks_clock)
            if jwks_url is not None and http is not None
            else None
        )
        self._issuer = issuer
        self._audience = audience
        self._leeway = leeway_seconds
        self._internal_secret = internal_secret
        self._internal_ttl = internal_ttl_seconds
        self._clock = clock
        # Signed claims headers of the current second (``iat`` has whole seconds, so a header
        # signed again within it would be the same bytes): signing every request was ~5 % of a
        # one-fetch request (bench/README.md). The key must hold everything the payload does.
        self._signed_second = -1
        self._signed: dict[tuple[str | None, str | None, str | None, str | None], str] = {}

    @classmethod
    def from_settings(cls, settings: AuthSettings, *, http: httpx.AsyncClient | None = None) -> RouterAuth:
        return cls(
            algorithm=settings.jwt_algorithm,
            secret=settings.jwt_secret,
            public_keys=settings.jwt_public_keys,
            jwks_url=settings.jwks_url,
            http=http,
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            leeway_seconds=settings.jwt_leeway_seconds,
            internal_secret=settings.internal_claims_secret,
            internal_ttl_seconds=settings.internal_claims_ttl_seconds,
            production=settings.mode == "production",
        )

    async def authenticate(self, request: Request) -> Claims | None:
        """The verified claims of the request's bearer token; None without an Authorization header."""
        return await self.verify_header(request.headers.get("authorization"))

    async def verify_header(self, header: str | None) -> Claims | None:
        if header is None:
            return None
        scheme, _, token = header.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise AuthenticationFailed("The Authorization header must be 'Bearer <access token>'.")
        return await self.verify(token)

    async def verify(self, token: str) -> Claims:
        """Verify one access token (messages say what is wrong, never show the token or keys)."""
        jose = _jose()
        try:
            header = jose.jwt.get_unverified_header(token)
        except jose.exceptions.JWTError:
            raise AuthenticationFailed("The access token is malformed.") from None
        if header.get("alg") != self._algorithm:
            raise AuthenticationFailed("The access token's algorithm is not accepted.")
        key = await self._key(header)
        try:
            payload: dict[str, Any] = jose.jwt.decode(
                token,
                key,
                algorithms=[self._algorithm],
                audience=self._audience,
                issuer=self._issuer,
                options={
                    "require_exp": True,
                    "require_iat": True,
                    "require_sub": True,
                    "require_aud": True,
                    "require_iss": True,
                    "leeway": self._leeway,
                },
            )
        except jose.exceptions.ExpiredSignatureError:
            raise AuthenticationFailed("The access token has expired; refresh it or sign in again.") from None
        except jose.exceptions.JWTError:
            raise AuthenticationFailed("The access token is not valid.") from None
        subject = payload.get("sub")
        if not isinstance(subject, str) or not subject:
            raise AuthenticationFailed("The access token has no subject.")
        if payload.get("typ") != "access":
            raise AuthenticationFailed("Only an access token is accepted here.")
        scope = payload.get("scope")
        scopes = frozenset(scope.split()) if isinstance(scope, str) else frozenset()
        role = payload.get("role")
        return Claims(
            subject=subject,
            scopes=scopes,
            # Every verified claim, for the @policy rules (router/executor/_policies.py).
            extra={**payload, "role": role if isinstance(role, str) else "customer"},
        )

    def sign_internal_claims(self, claims: Claims | None, *, client_ip: str | None = None) -> str:
        """The ``X-Supergraph-Claims`` value: what the router verified, signed for the subgraphs."""
        now = int(self._clock())
        if now != self._signed_second:
            self._signed_second, self._signed = now, {}
        if claims is None:
            key: tuple[str | None, str | None, str | None, str | None] = (None, None, None, client_ip)
        else:
            role = claims.extra.get("role", "customer")
            key = (claims.subject, str(role), " ".join(sorted(claims.scopes)), client_ip)
        signed = self._signed.get(key)
        if signed is not None:
            return signed
        payload: dict[str, Any] = {
            "iss": _INTERNAL_ISSUER,
            "aud": _INTERNAL_AUDIENCE,
            "iat": now,
            "exp": now + self._internal_ttl,
        }
        if claims is not None:
            payload["sub"] = claims.subject
            payload["role"] = role
            payload["scope"] = key[2]
        if client_ip:
            payload["cip"] = client_ip
        signed = _sign_hs256(payload, self._internal_secret)
        if len(self._signed) < 1024:  # bounded: a second with more distinct callers signs the rest
            self._signed[key] = signed
        return signed

    def internal_headers(self, claims: Claims | None, *, client_ip: str | None = None) -> dict[str, str]:
        """Headers to add to every subgraph request (after header propagation, so they win)."""
        return {INTERNAL_CLAIMS_HEADER: self.sign_internal_claims(claims, client_ip=client_ip)}

    def with_internal_claims(
        self, headers: Mapping[str, str], claims: Claims | None, *, client_ip: str | None = None
    ) -> dict[str, str]:
        """``headers`` (the propagated ones) with any client-sent claims header, in any spelling,
        replaced by the router's signed one: a client can never speak for the router."""
        kept = {name: value for name, value in headers.items() if name.lower() != _INTERNAL_HEADER_LOWER}
        kept.update(self.internal_headers(claims, client_ip=client_ip))
        return kept

    async def _key(self, header: Mapping[str, Any]) -> Any:
        if self._algorithm == "HS256":
            return self._secret
        kid = header.get("kid")
        if kid is not None and not isinstance(kid, str):
            raise AuthenticationFailed("The access token is not valid.")
        static = self._static.get(kid)
        if static is None and kid is None and len(self._static) == 1:
            static = next(iter(self._static.values()))
        if static is not None:
            return static.jwk
        if kid is not None and self._jwks is not None:
            key = await self._jwks.key(kid)
            if key is not None:
                return key
        raise AuthenticationFailed("The access token was signed by an unknown key.")


def _jose() -> Any:
    """python-jose, imported on first use: with its cryptography backend it is ~20 ms of the
    router's start (bench/README.md), and a request without a token never needs it."""
    import jose.exceptions
    import jose.jwk
    import jose.jwt

    return jose


def _b64url(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


_HS256_HEADER: Final = _b64url(b'{"alg":"HS256","typ":"JWT"}')


def _sign_hs256(payload: Mapping[str, Any], secret: str) -> str:
    """A compact JWS (RFC 7515 section 7.1) signed with HMAC SHA-256: header, payload, signature.
    Written out because it is three lines of the standard library, and python-jose need not load
    for anonymous traffic; subgraphs verify it with python-jose like any HS256 JWT."""
    signing_input = _HS256_HEADER + b"." + _b64url(orjson.dumps(payload))
    signature = hmac.new(secret.encode(), signing_input, hashlib.sha256).digest()
    return (signing_input + b"." + _b64url(signature)).decode("ascii")


def _thumbprint(public_jwk: Mapping[str, Any]) -> str:
    """RFC 7638 thumbprint (the ``kid`` the users subgraph gives its keys)."""
    members = ("e", "kty", "n") if public_jwk["kty"] == "RSA" else ("crv", "kty", "x", "y")
    canonical = json.dumps({m: public_jwk[m] for m in members}, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b"=").decode()


def unauthenticated_response(exc: AuthenticationFailed, *, media_type: str = "application/json") -> Response:
    """401 with a GraphQL error body and ``WWW-Authenticate`` (RFC 6750 section 3)."""
    body = {"errors": [{"message": exc.message, "extensions": {"code": "UNAUTHENTICATED"}}]}
    return Response(
        orjson.dumps(body),
        status_code=401,
        media_type=media_type,
        headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
    )

"""Tokens: the subgraphs' one module that touches JWT (python-jose), with the algorithm always pinned.

The router and the subgraphs are two deployables that never import each other, so each has exactly
one JWT module: this one for every subgraph, ``router/server/_auth.py`` for the router. Both pin the
algorithm and check the same claims; they share only configuration (issuer, audience, keys, the
internal-claims secret).

Access tokens are short-lived and carry the subject, role and scopes; refresh tokens carry a token
id (``jti``) and a family id so the users subgraph can rotate them and revoke a family on reuse.
Decoding pins the algorithm list to the configured one and compares the header's ``alg`` first, so
``alg: none`` and algorithm confusion (an RS/HS swap: an RS256 public key used as an HMAC secret)
are rejected; it checks expiry, not-before, issuer and audience with bounded skew (RFC 8725, JWT BCP).

HS256 (one shared secret) is the development default. RS256/ES256 sign with the first configured
private key, name it by its RFC 7638 thumbprint in the ``kid`` header, and publish every configured
key's public part as a JWKS (RFC 7517) at ``/.well-known/jwks.json``: rotating means putting the new
key first and removing the old one once its last tokens have expired.

The router verifies the client's token once and forwards the verified claims in
``X-Supergraph-Claims``, a compact JWS (HS256 under ``INTERNAL_CLAIMS_SECRET``, audience
``subgraphs``, a minute of life). :meth:`TokenService.decode_internal` is the only way a subgraph
accepts it: an unsigned, forged or expired one is rejected, never trusted.

python-jose (with the cryptography it loads) is imported inside the functions that sign and
verify: importing a subgraph's schema (``supergraph compose``) reaches this module for
``InvalidToken`` and ``Viewer`` only.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from .settings import SubgraphSettings

__all__ = [
    "INTERNAL_AUDIENCE",
    "INTERNAL_CLAIMS_HEADER",
    "INTERNAL_ISSUER",
    "Claims",
    "InvalidToken",
    "TokenService",
    "Viewer",
]

TokenType = Literal["access", "refresh"]

#: The header the router puts its signed, verified claims in (never taken from a client as is).
INTERNAL_CLAIMS_HEADER = "X-Supergraph-Claims"
INTERNAL_ISSUER = "supergraph-router"
INTERNAL_AUDIENCE = "subgraphs"
_INTERNAL_ALGORITHM = "HS256"
#: The router's header lives for 60 s; skew between router and subgraph is bounded more tightly
#: than for client tokens because both run in one deployment.
_INTERNAL_LEEWAY_SECONDS = 5


class InvalidToken(Exception):
    """A token that is malformed, tampered with, expired or of the wrong kind."""

    def __init__(self, message: str, *, expired: bool = False) -> None:
        super().__init__(message)
        self.expired = expired


@dataclass(frozen=True, slots=True, kw_only=True)
class Claims:
    subject: str
    token_type: TokenType
    role: str = "customer"
    scopes: tuple[str, ...] = ()
    token_id: str = ""
    family: str = ""
    expires_at: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class Viewer:
    """The signed-in user of a request."""

    user_id: str
    role: str = "customer"
    scopes: tuple[str, ...] = ()

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True, slots=True, kw_only=True)
class InternalClaims:
    """What the router vouches for: the viewer (None when anonymous) and the client's IP."""

    viewer: Viewer | None
    client_ip: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class _Key:
    kid: str
    private_pem: str | None
    public_jwk: dict[str, Any]


class TokenService:
    """Issues and verifies the users subgraph's tokens; verifies the router's internal claims."""

    def __init__(self, settings: SubgraphSettings) -> None:
        self._algorithm = settings.jwt_algorithm
        self._issuer = settings.jwt_issuer
        self._audience = settings.jwt_audience
        self._leeway = settings.jwt_leeway_seconds
        self._access_ttl = settings.access_token_ttl_seconds
        self._refresh_ttl = settings.refresh_token_ttl_seconds
        self._internal_secret = settings.internal_claims_secret
        self._secret = settings.jwt_secret
        self._keys: dict[str, _Key] = {}
        self._signing: _Key | None = None
        if self._algorithm != "HS256":
            for pem in settings.jwt_private_keys:
                key = _key(pem, self._algorithm, private=True)
                self._keys.setdefault(key.kid, key)
                self._signing = self._signing or key
            for pem in settings.jwt_public_keys:
                key = _key(pem, self._algorithm, private=False)
                self._keys.setdefault(key.kid, key)
            if not self._keys:
                raise RuntimeError(
                    f"JWT_ALGORITHM={self._algorithm} needs keys: set JWT_PRIVATE_KEYS (the users "
                    "subgraph, which signs) or JWT_PUBLIC_KEYS (subgraphs that only verify)"
                )

    @property
    def access_ttl(self) -> int:
        return self._access_ttl

    def jwks(self) -> dict[str, Any]:
        """The public keys as a JWK Set (RFC 7517); empty for HS256, whose secret is never published."""
        return {"keys": [dict(key.public_jwk) for key in self._keys.values()]}

    def issue_access(self, *, subject: str, role: str, scopes: tuple[str, ...] = ()) -> str:
        return self._encode(
            {"sub": subject, "typ": "access", "role": role, "scope": " ".join(scopes)}, self._access_ttl
        )

    def issue_refresh(self, *, subject: str, family: str) -> tuple[str, Claims]:
        """A new refresh token of ``family`` (rotation keeps the family, reuse revokes it)."""
        token_id = uuid.uuid4().hex
        token = self._encode(
            {"sub": subject, "typ": "refresh", "jti": token_id, "fam": family}, self._refresh_ttl
        )
        claims = Claims(
            subject=subject,
            token_type="refresh",
            token_id=token_id,
            family=family,
            expires_at=int(time.time()) + self._refresh_ttl,
        )
        return token, claims

    def decode(self, token: str, *, expected: TokenType) -> Claims:
        from jose import JWTError, jwt

        try:
            header = jwt.get_unverified_header(token)
        except JWTError as exc:
            raise InvalidToken("malformed token") from exc
        if header.get("alg") != self._algorithm:
            raise InvalidToken("token algorithm not accepted")
        payload = self._verified(
            token, self._verification_key(header), self._algorithm, self._audience, self._issuer
        )
        for claim in ("exp", "iat", "sub"):
            if claim not in payload:
                raise InvalidToken(f"token has no '{claim}' claim")
        if payload.get("typ") != expected:
            raise InvalidToken(f"expected a {expected} token")
        scope = payload.get("scope") or ""
        return Claims(
            subject=str(payload["sub"]),
            token_type=expected,
            role=str(payload.get("role", "customer")),
            scopes=tuple(scope.split()) if isinstance(scope, str) else (),
            token_id=str(payload.get("jti", "")),
            family=str(payload.get("fam", "")),
            expires_at=int(payload["exp"]),
        )

    def decode_internal(self, value: str) -> InternalClaims:
        """The router's ``X-Supergraph-Claims``: verified with the internal secret, HS256 only."""
        from jose import JWTError, jwt

        try:
            header = jwt.get_unverified_header(value)
        except JWTError as exc:
            raise InvalidToken("malformed internal claims") from exc
        if header.get("alg") != _INTERNAL_ALGORITHM:
            raise InvalidToken("internal claims algorithm not accepted")
        payload = self._verified(
            value,
            self._internal_secret,
            _INTERNAL_ALGORITHM,
            INTERNAL_AUDIENCE,
            INTERNAL_ISSUER,
            leeway=_INTERNAL_LEEWAY_SECONDS,
        )
        if "exp" not in payload:
            raise InvalidToken("internal claims have no 'exp' claim")
        subject = payload.get("sub")
        scope = payload.get("scope") or ""
        viewer = (
            Viewer(
                user_id=subject,
                role=str(payload.get("role") or "customer"),
                scopes=tuple(scope.split()) if isinstance(scope, str) else (),
            )
            if isinstance(subject, str) and subject
            else None
        )
        client_ip = payload.get("cip")
        return InternalClaims(viewer=viewer, client_ip=client_ip if isinstance(client_ip, str) else None)

    def _verification_key(self, header: dict[str, Any]) -> Any:
        if self._algorithm == "HS256":
            return self._secret
        kid = header.get("kid")
        if kid is None and len(self._keys) == 1:
            return next(iter(self._keys.values())).public_jwk
        key = self._keys.get(kid) if isinstance(kid, str) else None
        if key is None:
            raise InvalidToken("token signed by an unknown key")
        return key.public_jwk

    def _verified(
        self, token: str, key: Any, algorithm: str, audience: str, issuer: str, *, leeway: int | None = None
    ) -> dict[str, Any]:
        from jose import ExpiredSignatureError, JWTError, jwt

        try:
            payload: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=[algorithm],
                audience=audience,
                issuer=issuer,
                options={
                    "require_exp": True,
                    "require_iat": True,
                    "require_aud": True,
                    "require_iss": True,
                    "leeway": self._leeway if leeway is None else leeway,
                },
            )
        except ExpiredSignatureError as exc:
            raise InvalidToken("token expired", expired=True) from exc
        except JWTError as exc:
            raise InvalidToken("invalid token") from exc
        return payload

    def _encode(self, claims: dict[str, Any], ttl: int) -> str:
        from jose import jwt

        now = int(time.time())
        payload = {
            **claims,
            "iss": self._issuer,
            "aud": self._audience,
            "iat": now,
            "nbf": now,
            "exp": now + ttl,
        }
        if self._algorithm == "HS256":
            return str(jwt.encode(payload, self._secret, algorithm=self._algorithm))
        if self._signing is None or self._signing.private_pem is None:
            raise RuntimeError("this service has no JWT_PRIVATE_KEYS, so it cannot issue tokens")
        return str(
            jwt.encode(
                payload,
                self._signing.private_pem,
                algorithm=self._algorithm,
                headers={"kid": self._signing.kid},
            )
        )


def _key(pem: str, algorithm: str, *, private: bool) -> _Key:
    """A configured PEM as a key: its public JWK and RFC 7638 thumbprint as ``kid``."""
    from jose import jwk

    try:
        constructed = jwk.construct(pem, algorithm)
        public = constructed.public_key() if private else constructed
        public_jwk: dict[str, Any] = {k: v for k, v in public.to_dict().items() if k not in ("d",)}
    except Exception as exc:  # jose raises several types for a bad key; all mean the same here
        raise RuntimeError(f"a configured {algorithm} key is not a valid PEM key for that algorithm") from exc
    kid = _thumbprint(public_jwk)
    return _Key(
        kid=kid,
        private_pem=pem if private else None,
        public_jwk={**public_jwk, "kid": kid, "use": "sig", "alg": algorithm},
    )


def _thumbprint(public_jwk: dict[str, Any]) -> str:
    """RFC 7638: SHA-256 over the required members in lexicographic order, base64url."""
    members = ("e", "kty", "n") if public_jwk["kty"] == "RSA" else ("crv", "kty", "x", "y")
    canonical = json.dumps({m: public_jwk[m] for m in members}, separators=(",", ":"), sort_keys=True)
    digest = hashlib.sha256(canonical.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

"""Tokens: the one module that touches JWT (python-jose), with the algorithm always pinned.

Access tokens are short-lived and carry the subject, role and scopes; refresh tokens carry a token
id (``jti``) and a family id so the users subgraph can rotate them and revoke a family on reuse.
Decoding pins the algorithm list to the configured one, so ``alg: none`` and algorithm confusion
(an RS/HS swap) are rejected, and checks expiry, not-before, issuer and audience with bounded skew.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any, Literal

from jose import ExpiredSignatureError, JWTError, jwt

from .settings import SubgraphSettings

__all__ = ["Claims", "InvalidToken", "TokenService", "Viewer"]

TokenType = Literal["access", "refresh"]

#: Clock skew tolerated between services when checking exp/nbf/iat.
LEEWAY_SECONDS = 30


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


class TokenService:
    def __init__(self, settings: SubgraphSettings) -> None:
        self._secret = settings.jwt_secret
        self._algorithm = settings.jwt_algorithm
        self._issuer = settings.jwt_issuer
        self._audience = settings.jwt_audience
        self._access_ttl = settings.access_token_ttl_seconds
        self._refresh_ttl = settings.refresh_token_ttl_seconds

    @property
    def access_ttl(self) -> int:
        return self._access_ttl

    def issue_access(self, *, subject: str, role: str, scopes: tuple[str, ...] = ()) -> str:
        return self._encode(
            {"sub": subject, "typ": "access", "role": role, "scope": " ".join(scopes)}, self._access_ttl
        )

    def issue_refresh(self, *, subject: str, family: str) -> tuple[str, Claims]:
        """A new refresh token of ``family`` (rotation keeps the family, reuse revokes it)."""
        token_id = uuid.uuid4().hex
        token = self._encode({"sub": subject, "typ": "refresh", "jti": token_id, "fam": family}, self._refresh_ttl)
        claims = Claims(
            subject=subject,
            token_type="refresh",
            token_id=token_id,
            family=family,
            expires_at=int(time.time()) + self._refresh_ttl,
        )
        return token, claims

    def decode(self, token: str, *, expected: TokenType) -> Claims:
        try:
            header = jwt.get_unverified_header(token)
        except JWTError as exc:
            raise InvalidToken("malformed token") from exc
        if header.get("alg") != self._algorithm:
            raise InvalidToken("token algorithm not accepted")
        try:
            payload = jwt.decode(
                token,
                self._secret,
                algorithms=[self._algorithm],
                audience=self._audience,
                issuer=self._issuer,
                options={"require_exp": True, "require_sub": True, "require_iat": True, "leeway": LEEWAY_SECONDS},
            )
        except ExpiredSignatureError as exc:
            raise InvalidToken("token expired", expired=True) from exc
        except JWTError as exc:
            raise InvalidToken("invalid token") from exc
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

    def _encode(self, claims: dict[str, Any], ttl: int) -> str:
        now = int(time.time())
        payload = {
            **claims,
            "iss": self._issuer,
            "aud": self._audience,
            "iat": now,
            "nbf": now,
            "exp": now + ttl,
        }
        return str(jwt.encode(payload, self._secret, algorithm=self._algorithm))

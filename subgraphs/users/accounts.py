"""Accounts: registration rules, password hashing, and sign-in sessions with rotating refresh tokens.

A sign-in starts a refresh-token *family*. Each ``refreshToken`` call revokes the presented token and
issues a new pair in the same family (rotation). A refresh token that is presented again after it
was rotated can only be a stolen copy or a replay, so the whole family is revoked and the caller must
sign in again (reuse detection, OAuth 2.0 Security BCP RFC 9700 section 4.14.2). ``logout`` revokes
the family. Only token ids are stored, never the tokens themselves.

Logins are throttled per email and per client IP, registrations per client IP (sliding windows,
see throttle.py): past the limit an attempt is refused with TOO_MANY_ATTEMPTS and a retry-after hint
*before* the password is hashed or checked, so guessing costs the attacker time, not us hashing
work. With Redis configured the windows are shared by every users replica.

Argon2 hashing is CPU-bound for tens of milliseconds by design, so it runs in a worker thread and
never blocks the event loop.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from subgraphs.common import (
    BadUserInput,
    Conflict,
    InvalidToken,
    Unauthenticated,
)

from . import events
from .models import (
    EmailTaken,
    Role,
    UserRow,
    create_user,
    find_refresh_token,
    find_user_by_email,
    insert_refresh_token,
    revoke_family,
    revoke_refresh_token,
    set_password_hash,
    users_by_ids,
)
from .throttle import LoginThrottle, RegistrationThrottle, TooManyAttempts

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from subgraphs.common import SubgraphSettings, TokenService

__all__ = [
    "MAX_PASSWORD_LENGTH",
    "MIN_PASSWORD_LENGTH",
    "ROLE_SCOPES",
    "LoginThrottle",
    "Passwords",
    "RegistrationThrottle",
    "SignIn",
    "TooManyAttempts",
    "login",
    "logout",
    "normalize_email",
    "register",
    "rotate",
]

MIN_PASSWORD_LENGTH = 10
#: Long enough for any passphrase, short enough that hashing a hostile input stays cheap.
MAX_PASSWORD_LENGTH = 256
MAX_NAME_LENGTH = 200
MAX_EMAIL_LENGTH = 254  # RFC 5321 path limit

# Deliberately simple: one "@", no spaces, a dot in the domain. Deliverability is proven by mail,
# not by a regular expression.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")

#: The one message for every failed login, so it never tells which of email or password was wrong.
BAD_CREDENTIALS = "Invalid email or password."
INVALID_REFRESH = "The refresh token is not valid; sign in again."
REUSED_REFRESH = (
    "The refresh token was already used, so this sign-in has been ended everywhere; sign in again."
)


#: Scopes an access token carries per role, for ``@requiresScopes`` checks in the router.
ROLE_SCOPES: dict[str, tuple[str, ...]] = {Role.CUSTOMER.value: (), Role.ADMIN.value: ("admin",)}

#: Common passwords are refused outright (a tiny list on purpose: the length rule does the heavy
#: lifting; a breached-password service would be the production-grade addition).
_COMMON_PASSWORDS = frozenset(
    {"password123", "password1234", "qwertyuiop", "1234567890", "12345678910", "iloveyou123", "letmein123"}
)


class Passwords:
    """Argon2id hashing with the configured cost, off the event loop."""

    def __init__(self, *, time_cost: int, memory_cost_kib: int = 65536) -> None:
        self._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost_kib)
        self._decoy: str | None = None

    @classmethod
    def from_settings(cls, settings: SubgraphSettings) -> Passwords:
        return cls(
            time_cost=settings.password_hash_time_cost, memory_cost_kib=settings.password_hash_memory_kib
        )

    async def hash(self, password: str) -> str:
        return await asyncio.to_thread(self._hasher.hash, password)

    async def verify(self, password_hash: str, password: str) -> bool:
        return await asyncio.to_thread(self._verify, password_hash, password)

    async def verify_decoy(self, password: str) -> None:
        """Spend the time of a real verification when the email is unknown, so response time does
        not reveal which emails have accounts."""
        if self._decoy is None:
            self._decoy = await self.hash(uuid.uuid4().hex)
        await self.verify(self._decoy, password)

    def needs_rehash(self, password_hash: str) -> bool:
        return self._hasher.check_needs_rehash(password_hash)

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False


@dataclass(frozen=True, slots=True, kw_only=True)
class SignIn:
    """A fresh token pair for ``user``; ``expires_in`` is the access token's lifetime in seconds."""

    access_token: str
    refresh_token: str
    expires_in: int
    user: UserRow


def normalize_email(raw: str) -> str:
    """Trimmed and lower-cased, or BAD_USER_INPUT when it does not look like an address."""
    email = raw.strip().lower()
    if len(email) > MAX_EMAIL_LENGTH or not _EMAIL.match(email):
        raise BadUserInput("Enter a valid email address.", argument="email")
    return email


def _check_name(raw: str) -> str:
    name = " ".join(raw.split())
    if not name or len(name) > MAX_NAME_LENGTH:
        raise BadUserInput(f"Enter a name of 1 to {MAX_NAME_LENGTH} characters.", argument="name")
    return name


def _check_password(password: str, email: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise BadUserInput(
            f"The password must have at least {MIN_PASSWORD_LENGTH} characters.", argument="password"
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise BadUserInput(
            f"The password must have at most {MAX_PASSWORD_LENGTH} characters.", argument="password"
        )
    if password.strip().lower() == email or password.strip().lower() == email.split("@")[0]:
        raise BadUserInput("The password must not be your email address.", argument="password")
    if password.lower() in _COMMON_PASSWORDS or len(set(password)) < 4:
        raise BadUserInput("The password is too easy to guess; choose another one.", argument="password")


async def register(
    session: AsyncSession,
    passwords: Passwords,
    tokens: TokenService,
    *,
    email: str,
    name: str,
    password: str,
    throttle: RegistrationThrottle | None = None,
    client_ip: str | None = None,
) -> SignIn:
    """Create a customer account and sign it in. Taken email -> CONFLICT; bad input -> BAD_USER_INPUT;
    too many registrations from the client's address -> TOO_MANY_ATTEMPTS (checked first)."""
    if throttle is not None:
        await throttle.begin(client_ip)
    email = normalize_email(email)
    name = _check_name(name)
    _check_password(password, email)
    # Cheap pre-check so a taken email does not cost a hash; the unique index still decides races.
    if await find_user_by_email(session, email) is not None:
        raise Conflict("An account with this email already exists.", argument="email")
    password_hash = await passwords.hash(password)
    try:
        user = await create_user(
            session,
            user_id=f"user-{uuid.uuid4().hex[:12]}",
            email=email,
            name=name,
            password_hash=password_hash,
            role=Role.CUSTOMER,
        )
    except EmailTaken:
        raise Conflict("An account with this email already exists.", argument="email") from None
    # Committed together with the account by _start_session (transactional outbox).
    await events.user_registered(session, user_id=user.id, name=user.name)
    return await _start_session(session, tokens, user, family=uuid.uuid4().hex)


async def login(
    session: AsyncSession,
    passwords: Passwords,
    tokens: TokenService,
    *,
    email: str,
    password: str,
    throttle: LoginThrottle | None = None,
    client_ip: str | None = None,
) -> SignIn:
    """Check the credentials and start a new refresh-token family; any failure is UNAUTHENTICATED
    with the same message, and too many failures are TOO_MANY_ATTEMPTS (checked first)."""
    email = email.strip().lower()[: MAX_EMAIL_LENGTH + 1]
    if len(password) > MAX_PASSWORD_LENGTH:
        # No account has a longer one; refusing it early keeps a hostile input from costing a hash.
        raise Unauthenticated(BAD_CREDENTIALS)
    # Counted as a failure from here on (so concurrent guesses count at once) until it succeeds.
    attempt = await throttle.begin(email, client_ip) if throttle is not None else None
    user = await find_user_by_email(session, email)
    if user is None:
        await passwords.verify_decoy(password)
        raise Unauthenticated(BAD_CREDENTIALS)
    if not await passwords.verify(user.password_hash, password):
        raise Unauthenticated(BAD_CREDENTIALS)
    if throttle is not None and attempt is not None:
        await throttle.succeeded(attempt)
    if passwords.needs_rehash(user.password_hash):
        # The configured cost changed since this hash was made: upgrade it while we know the password.
        await set_password_hash(session, user.id, await passwords.hash(password))
    return await _start_session(session, tokens, user, family=uuid.uuid4().hex)


async def rotate(session: AsyncSession, tokens: TokenService, refresh_token: str) -> SignIn:
    """Exchange a refresh token for a new pair in the same family, or detect its reuse."""
    token = await _known_refresh_token(session, tokens, refresh_token)
    now = datetime.now(UTC)
    if token.revoked_at is not None or not await revoke_refresh_token(session, token.jti, now=now):
        # Already rotated (or rotated concurrently by someone else holding the same token).
        await revoke_family(session, token.family, now=now)
        await session.commit()
        raise Unauthenticated(REUSED_REFRESH)
    users = await users_by_ids(session, [token.user_id])
    user = users.get(token.user_id)
    if user is None:
        await session.rollback()
        raise Unauthenticated(INVALID_REFRESH)
    return await _start_session(session, tokens, user, family=token.family)


async def logout(session: AsyncSession, tokens: TokenService, refresh_token: str) -> None:
    """End the sign-in the refresh token belongs to (idempotent for an already-ended one)."""
    token = await _known_refresh_token(session, tokens, refresh_token)
    await revoke_family(session, token.family, now=datetime.now(UTC))
    await session.commit()


async def _known_refresh_token(session: AsyncSession, tokens: TokenService, refresh_token: str) -> _Stored:
    try:
        claims = tokens.decode(refresh_token, expected="refresh")
    except InvalidToken:
        raise Unauthenticated(INVALID_REFRESH) from None
    row = await find_refresh_token(session, claims.token_id)
    # A validly signed token we never issued, or one whose claims disagree with our record, is
    # treated exactly like garbage.
    if row is None or row.family != claims.family or row.user_id != claims.subject:
        raise Unauthenticated(INVALID_REFRESH)
    return _Stored(jti=row.jti, family=row.family, user_id=row.user_id, revoked_at=row.revoked_at)


@dataclass(frozen=True, slots=True, kw_only=True)
class _Stored:
    """A snapshot of a refresh-token row (detached from the session, so later UPDATEs do not
    change what was read)."""

    jti: str
    family: str
    user_id: str
    revoked_at: datetime | None


async def _start_session(
    session: AsyncSession, tokens: TokenService, user: UserRow, *, family: str
) -> SignIn:
    refresh_token, claims = tokens.issue_refresh(subject=user.id, family=family)
    await insert_refresh_token(
        session,
        jti=claims.token_id,
        family=family,
        user_id=user.id,
        expires_at=datetime.fromtimestamp(claims.expires_at, UTC),
    )
    await session.commit()
    return SignIn(
        access_token=tokens.issue_access(
            subject=user.id, role=user.role, scopes=ROLE_SCOPES.get(str(user.role), ())
        ),
        refresh_token=refresh_token,
        expires_in=tokens.access_ttl,
        user=user,
    )

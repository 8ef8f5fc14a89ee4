"""Settings shared by every subgraph (pydantic-settings: each has an environment variable).

Every setting has a sane embedded default for development. Secrets have development defaults that
are refused at start-up when ``ENVIRONMENT=production``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = [
    "DEV_INTERNAL_CLAIMS_SECRET",
    "DEV_JWT_SECRET",
    "DEV_SERVICE_TOKEN",
    "SubgraphSettings",
    "database_url_for",
]

DEV_JWT_SECRET = "dev-only-jwt-secret-change-me-0123456789abcdef"
DEV_SERVICE_TOKEN = "dev-only-service-token"
#: Shared by the router (``ROUTER_INTERNAL_CLAIMS_SECRET``) and subgraphs (``INTERNAL_CLAIMS_SECRET``).
DEV_INTERNAL_CLAIMS_SECRET = "dev-only-internal-claims-secret-0123456789"

#: Default port of each subgraph on 127.0.0.1 (the router listens on 4000).
DEFAULT_PORTS = {
    "users": 4001,
    "products": 4002,
    "inventory": 4003,
    "orders": 4004,
    "reviews": 4005,
    "notifications": 4006,
}


class SubgraphSettings(BaseSettings):
    """Settings of one subgraph process. Read from the environment (no prefix)."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore", frozen=True)

    environment: Literal["development", "test", "production"] = "development"
    data_dir: Path = Path("data")
    database_url: str | None = None

    # --- security: tokens (see subgraphs/common/auth.py) ---------------------------------------
    #: HS256 signs with ``jwt_secret`` (development default); RS256/ES256 sign with the first of
    #: ``jwt_private_keys`` and publish all of them at ``/.well-known/jwks.json`` (key rotation).
    jwt_algorithm: Literal["HS256", "RS256", "ES256"] = "HS256"
    jwt_secret: str = DEV_JWT_SECRET
    #: PEM private keys (JSON list in the environment), newest first: the first signs, every one
    #: still verifies and is published, so tokens signed before a rotation stay valid until they expire.
    jwt_private_keys: tuple[str, ...] = ()
    #: PEM public keys a subgraph that does not sign (all but users) verifies direct tokens with.
    jwt_public_keys: tuple[str, ...] = ()
    jwt_issuer: str = "supergraph-users"
    jwt_audience: str = "supergraph"
    #: Clock skew tolerated on exp/nbf/iat; bounded so an expired token cannot live on for long.
    jwt_leeway_seconds: int = Field(default=30, ge=0, le=120)
    access_token_ttl_seconds: int = Field(default=900, gt=0, le=3600)
    refresh_token_ttl_seconds: int = Field(default=14 * 24 * 3600, gt=0)
    #: Verifies the router's signed ``X-Supergraph-Claims`` header (the router signs with the same).
    internal_claims_secret: str = DEV_INTERNAL_CLAIMS_SECRET
    #: Failed logins per email (and, x4, per client IP) within the window before TOO_MANY_ATTEMPTS.
    login_max_failures: int = Field(default=5, ge=1)
    login_failure_window_seconds: int = Field(default=900, gt=0)
    #: Registrations per client IP within the window before TOO_MANY_ATTEMPTS.
    register_max_per_ip: int = Field(default=20, ge=1)
    register_window_seconds: int = Field(default=3600, gt=0)
    #: Where the sign-in throttles keep their windows so every users replica shares them
    #: (subgraphs/users/throttle.py): unset = ``cache_redis_url``; neither = in process.
    throttle_redis_url: str | None = None
    #: Prepended to the throttles' keys; unset = ``cache_key_prefix`` + ``throttle:``.
    throttle_key_prefix: str | None = None

    service_token: str = DEV_SERVICE_TOKEN
    service_timeout_seconds: float = Field(default=5.0, gt=0)
    service_retries: int = Field(default=2, ge=0, le=5)

    users_url: str = f"http://127.0.0.1:{DEFAULT_PORTS['users']}"
    products_url: str = f"http://127.0.0.1:{DEFAULT_PORTS['products']}"
    inventory_url: str = f"http://127.0.0.1:{DEFAULT_PORTS['inventory']}"
    orders_url: str = f"http://127.0.0.1:{DEFAULT_PORTS['orders']}"
    reviews_url: str = f"http://127.0.0.1:{DEFAULT_PORTS['reviews']}"

    #: Argon2 cost; lower it only in tests (``PASSWORD_HASH_TIME_COST=1``).
    password_hash_time_cost: int = Field(default=3, ge=1)
    #: Argon2 memory in KiB (RFC 9106's second recommended option uses 64 MiB); tests lower it.
    password_hash_memory_kib: int = Field(default=65536, ge=8)
    low_stock_threshold: int = Field(default=5, ge=0)

    #: Where events go: unset (or ``memory://``) = the in-process bus of the embedded default;
    #: ``amqp://user:password@host:5672/`` = RabbitMQ. See subgraphs/common/bus.py.
    event_bus_url: str | None = None
    #: Run this subgraph's outbox relay and event consumers inside the API process (the default).
    #: Off on API replicas when a ``supergraph worker`` process runs them instead (docker-compose's
    #: ``worker`` service): they then scale apart, and an API restart never interrupts a consumer.
    background_tasks: bool = True
    #: The topic exchange; consumer queues, retry queues and the DLX are named after it.
    event_exchange: str = "supergraph.events"
    #: How often a relay looks for events other processes recorded (its own commits wake it at once).
    event_relay_interval_seconds: float = Field(default=1.0, gt=0)
    event_relay_batch_size: int = Field(default=100, ge=1, le=1000)
    #: Unacknowledged messages a consumer holds at most (and handles concurrently).
    event_prefetch: int = Field(default=16, ge=1, le=1000)
    #: Deliveries of a failing message before it is dead-lettered; the back-off starts at the
    #: retry delay and doubles per attempt (capped at 60 s).
    event_max_attempts: int = Field(default=5, ge=1, le=20)
    event_retry_delay_seconds: float = Field(default=1.0, gt=0)
    #: Who is notified of StockLow events (JSON list in the environment).
    low_stock_recipients: tuple[str, ...] = ("user-1",)

    #: Entity cache of hot reads (see subgraphs/common/cache.py): unset = off (the embedded
    #: default); ``redis://host:6379/0`` = entities cached in Redis for ``cache_ttl_seconds``.
    cache_redis_url: str | None = None
    #: Also the longest a concurrent read can keep an entry stale after a write.
    cache_ttl_seconds: int = Field(default=60, gt=0)
    #: How long an invalidated key refuses a reader's store (the reader race, see cache.py).
    cache_invalidation_hold_seconds: float = Field(default=2.0, gt=0, le=60)
    #: Prepended to every key, so environments sharing one Redis keep apart.
    cache_key_prefix: str = "entity:"

    #: Log lines as JSON objects (the default, for log shippers) or text; see logs.py.
    log_format: Literal["json", "text"] = "json"

    #: OpenTelemetry spans (requests, SQL statements, events) exported over OTLP/HTTP; see tracing.py.
    tracing: bool = False
    #: The OTLP collector's base URL (traces go to ``<url>/v1/traces``); setting it turns tracing on.
    otel_exporter_otlp_endpoint: str | None = None

    def check_production(self) -> None:
        """Refuse development secrets in production: fail at start-up with what to change."""
        if self.environment != "production":
            return
        problems = []
        if self.jwt_algorithm == "HS256" and (self.jwt_secret == DEV_JWT_SECRET or len(self.jwt_secret) < 32):
            problems.append("set JWT_SECRET to a random value of at least 32 characters")
        if self.internal_claims_secret == DEV_INTERNAL_CLAIMS_SECRET or len(self.internal_claims_secret) < 32:
            problems.append(
                "set INTERNAL_CLAIMS_SECRET (same as ROUTER_INTERNAL_CLAIMS_SECRET) to 32+ random characters"
            )
        if self.service_token == DEV_SERVICE_TOKEN or len(self.service_token) < 24:
            problems.append("set SERVICE_TOKEN to a random value of at least 24 characters")
        if problems:
            raise RuntimeError("ENVIRONMENT=production but: " + "; ".join(problems))

    def service_url(self, service: str) -> str:
        return str(getattr(self, f"{service}_url")).rstrip("/")


def database_url_for(name: str, settings: SubgraphSettings) -> str:
    """The database of subgraph ``name``: ``<NAME>_DATABASE_URL``, else ``DATABASE_URL``, else a
    SQLite file ``<data_dir>/<name>.db`` (the embedded default)."""
    specific = os.environ.get(f"{name.upper()}_DATABASE_URL")
    if specific:
        return normalize_database_url(specific)
    if settings.database_url:
        return normalize_database_url(settings.database_url)
    path = settings.data_dir / f"{name}.db"
    return f"sqlite+aiosqlite:///{path}"


def normalize_database_url(url: str) -> str:
    """Accept the usual ``postgresql://`` / ``sqlite:///`` spellings and pick the async drivers."""
    for prefix, async_prefix in (
        ("postgresql://", "postgresql+asyncpg://"),
        ("postgres://", "postgresql+asyncpg://"),
        ("sqlite:///", "sqlite+aiosqlite:///"),
    ):
        if url.startswith(prefix):
            return async_prefix + url[len(prefix) :]
    return url

"""Router settings (pydantic-settings; environment variables prefixed ``ROUTER_``).

Mappings and lists are JSON in the environment, e.g.
``ROUTER_PROPAGATE_HEADERS='["authorization","x-tenant"]'`` or
``ROUTER_SUBGRAPH_TIMEOUTS='{"reviews": 2.5}'``. A limit set to ``null`` (or left unset where the
default is None) is off.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["RouterSettings"]


class RouterSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ROUTER_", extra="ignore", frozen=True)

    mode: Literal["development", "production"] = "development"

    # --- the supergraph and its hot reload -----------------------------------------------------
    supergraph_path: Path = Path("schema/supergraph.graphql")
    #: Load the supergraph from this URL instead of ``supergraph_path`` (e.g. a schema registry).
    supergraph_url: str | None = None
    #: Poll the supergraph file (mtime, then content hash) or URL this often and swap in a new valid
    #: one; 0 turns hot reload off.
    supergraph_poll_seconds: float = Field(default=0.0, ge=0)
    #: Subgraph URLs that replace the supergraph's routing URLs (JSON in ``ROUTER_SUBGRAPH_URLS``),
    #: for deployments where services reach each other under other names.
    subgraph_urls: dict[str, str] = Field(default_factory=dict)

    # --- browser-facing ------------------------------------------------------------------------
    #: Origins allowed to call the router from a browser (CORS); empty: same origin only.
    cors_origins: tuple[str, ...] = ()
    cors_allow_credentials: bool = False
    csrf_prevention: bool = True
    #: GraphiQL on ``/`` and on ``GET /graphql`` for browsers; None: on only in development mode
    #: (in production introspection is off by default, so GraphiQL would have no schema to show).
    graphiql: bool | None = None

    # --- subgraph fetches ----------------------------------------------------------------------
    subgraph_timeout_seconds: float = Field(default=10.0, gt=0)
    #: Per-subgraph timeouts in seconds by subgraph name (JSON object); others use the default.
    subgraph_timeouts: dict[str, float] = Field(default_factory=dict)
    #: Client request headers passed on to every subgraph (lower-case names). Hop-by-hop headers
    #: are never passed, whatever this says; ``x-request-id`` is always sent (the router's id).
    propagate_headers: tuple[str, ...] = ("authorization",)
    #: Extra attempts of a failed idempotent fetch (queries only; connection errors, 502/503/504).
    retry_attempts: int = Field(default=2, ge=0)
    retry_backoff_seconds: float = Field(default=0.05, ge=0)
    retry_max_backoff_seconds: float = Field(default=1.0, ge=0)
    circuit_breaker: bool = True
    #: Consecutive failures (unreachable, timeout, 5xx) that open a subgraph's circuit.
    breaker_failure_threshold: int = Field(default=5, ge=1)
    #: How long an open circuit fails fast before one trial request is let through.
    breaker_cool_down_seconds: float = Field(default=10.0, ge=0)
    max_connections: int = Field(default=200, gt=0)

    # --- limits (checked once per distinct document, the verdict cached with it) -----------------
    max_body_bytes: int = Field(default=1_000_000, gt=0)
    max_document_bytes: int | None = Field(default=100_000, gt=0)
    #: Nesting of selection sets (``{ a { b } }`` is 2), fragments expanded. The standard
    #: introspection query (graphql-core, GraphiQL) is about 15 deep.
    max_depth: int | None = Field(default=20, gt=0)
    #: Aliased fields in an operation, fragments expanded (an alias repeats a field's work).
    max_aliases: int | None = Field(default=30, gt=0)
    #: Fields in an operation's root selection set, fragments expanded (each may be a fetch).
    max_root_fields: int | None = Field(default=20, gt=0)
    #: ``__schema``/``__type``; None: on in development mode, off in production mode.
    introspection: bool | None = None

    # --- demand control (router/executor/_cost.py: @cost/@listSize, Apollo Router's defaults) ----
    #: ``measure`` estimates every operation's cost and records it (``router_operation_estimated_cost``,
    #: ``extensions.cost`` with the query plan in development); ``enforce`` also rejects an operation
    #: over ``demand_control_max_cost`` with COST_ESTIMATED_TOO_EXPENSIVE before any subgraph call.
    demand_control_mode: Literal["off", "measure", "enforce"] = "measure"
    #: Required in enforce mode; in measure mode it only tells which operations enforce would reject.
    demand_control_max_cost: int | None = Field(default=None, ge=0)
    #: The size assumed for a list field without ``@listSize`` (or without its slicing argument).
    demand_control_list_size: int = Field(default=10, ge=0)

    # --- subscriptions over WebSocket (graphql-transport-ws on /graphql, see _websocket.py) ------
    #: Seconds a client has after the upgrade to send ``connection_init`` (then close 4408).
    websocket_init_timeout_seconds: float = Field(default=10.0, gt=0)
    #: Operations (subscriptions) one connection may run at once; more get MAX_SUBSCRIPTIONS_EXCEEDED.
    websocket_max_operations: int = Field(default=100, gt=0)

    # --- automatic persisted queries (Apollo APQ) ----------------------------------------------
    apq: bool = True
    apq_cache_size: int = Field(default=1000, gt=0)
    #: Share persisted queries between router instances through Redis (e.g. redis://host:6379/0).
    apq_redis_url: str | None = None
    apq_ttl_seconds: int = Field(default=86_400, gt=0)

    # --- trusted documents (Apollo persisted query manifest; see _persisted.py) ------------------
    #: An Apollo-format manifest (``apollo-persisted-query-manifest``, version 1): its operations
    #: can be sent by id alone; re-read when the file changes (with ``supergraph_poll_seconds``).
    persisted_queries_manifest: Path | None = None
    #: What happens to a document sent as text that the manifest lacks (exact text match): ``off``
    #: runs it, ``log`` runs it and logs/counts it (``router_unknown_operations_total``), ``enforce``
    #: refuses it with QUERY_NOT_IN_SAFELIST. Needs the manifest.
    persisted_queries_safelist: Literal["off", "log", "enforce"] = "off"
    #: Refuse every document sent as text, listed or not (PERSISTED_QUERY_ID_REQUIRED).
    persisted_queries_require_id: bool = False

    # --- plan cache warm-up on supergraph reload --------------------------------------------------
    #: The most recently used operations of the old plan cache re-planned on the new supergraph
    #: before it is swapped in (manifest operations too); 0 turns warming from traffic off.
    plan_warmup_count: int = Field(default=100, ge=0)
    #: Upper bound on warm-up time (0: no warm-up); what is not planned by then is planned by its
    #: first request. Manifest operations are also warmed at start-up, within the same bound.
    plan_warmup_seconds: float = Field(default=10.0, ge=0)

    # --- caches, health, observability ---------------------------------------------------------
    plan_cache_size: int = Field(default=1000, gt=0)
    #: Cache whole responses of public queries (anonymous, no errors; see _response_cache.py);
    #: a mutation through the router clears it.
    response_cache: bool = False
    #: Share the response cache between router instances (else an in-memory LRU per instance).
    response_cache_redis_url: str | None = None
    #: Short: writes that do not pass through this router are seen when entries expire.
    response_cache_ttl_seconds: int = Field(default=5, gt=0)
    #: Responses the in-memory cache holds at most.
    response_cache_size: int = Field(default=1000, gt=0)
    #: How long a readiness verdict (a probe of every subgraph) is reused.
    ready_cache_seconds: float = Field(default=5.0, ge=0)
    ready_probe_timeout_seconds: float = Field(default=1.0, gt=0)
    metrics: bool = True
    #: Distinct operation names kept as metric labels; later ones are counted as "(other)".
    metrics_max_operation_names: int = Field(default=500, gt=0)
    log_format: Literal["json", "text"] = "json"
    #: OpenTelemetry spans (request, subgraph fetches) exported over OTLP/HTTP; see ``_tracing.py``.
    tracing: bool = False
    #: The OTLP collector's base URL (traces go to ``<url>/v1/traces``); setting it turns tracing on.
    otlp_endpoint: str | None = Field(
        default=None,
        validation_alias=AliasChoices("otlp_endpoint", "ROUTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT"),
    )

    # --- auth and abuse protection (_auth.py, _rate_limit.py, _security_headers.py) ------------
    #: HS256 verifies with ``jwt_secret`` (= the users subgraph's JWT_SECRET); RS256/ES256 with
    #: ``jwks_url`` (users' /.well-known/jwks.json) and/or static ``jwt_public_keys`` (PEM, JSON list).
    jwt_algorithm: Literal["HS256", "RS256", "ES256"] = "HS256"
    #: The development value the subgraphs also default to; refused in production mode.
    jwt_secret: str = "dev-only-jwt-secret-change-me-0123456789abcdef"
    jwt_public_keys: tuple[str, ...] = ()
    jwks_url: str | None = None
    jwt_issuer: str = "supergraph-users"
    jwt_audience: str = "supergraph"
    jwt_leeway_seconds: int = Field(default=30, ge=0, le=120)
    #: Signs X-Supergraph-Claims (= the subgraphs' INTERNAL_CLAIMS_SECRET); dev value refused in production.
    internal_claims_secret: str = "dev-only-internal-claims-secret-0123456789"
    internal_claims_ttl_seconds: int = Field(default=60, gt=0, le=300)
    #: Requests per client (verified token subject, else IP) per window; None turns limiting off.
    rate_limit_requests: int | None = Field(default=600, gt=0)
    rate_limit_window_seconds: float = Field(default=60.0, gt=0)
    #: Share the rate-limit windows between router instances (else each instance counts in memory).
    rate_limit_redis_url: str | None = None
    #: Reverse proxies in front of the router whose X-Forwarded-For is trusted (0: use the peer).
    trusted_proxy_hops: int = Field(default=0, ge=0)
    #: Rules of the supergraph's ``@policy`` names over the verified token's claims (JSON object,
    #: e.g. ``{"admin": {"claim": "role", "equals": "admin"}}``; see router/executor/_policies.py).
    #: A name the supergraph uses but this does not define denies everything it protects.
    policies: dict[str, Any] = Field(default_factory=dict)
    security_headers: bool = True
    #: Strict-Transport-Security; turn on when the router is only reached over HTTPS.
    hsts: bool = False

    @property
    def introspection_enabled(self) -> bool:
        return self.mode == "development" if self.introspection is None else self.introspection

    @property
    def graphiql_enabled(self) -> bool:
        return self.mode == "development" if self.graphiql is None else self.graphiql

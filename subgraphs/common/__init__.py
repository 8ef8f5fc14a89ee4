"""Code shared by every subgraph: settings, database, tokens, context, errors, service calls, app.

Names resolve on first use (PEP 562): importing a subgraph's schema, as ``supergraph compose`` does,
loads only the modules that schema needs (Strawberry, SQLAlchemy models, errors, pagination), not
FastAPI, Redis, RabbitMQ or the tracing SDK that only a running app needs. Type checkers see the
imports below as usual.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import SubgraphSpec, create_subgraph_app
    from .auth import Claims, InvalidToken, TokenService, Viewer
    from .bus import (
        Delivery,
        DeliveryObserver,
        EventBus,
        InProcessBus,
        Outcome,
        OutgoingMessage,
        PoisonMessage,
        PublishFailed,
        RabbitMQBus,
        RetryPolicy,
        Subscription,
        open_event_bus,
    )
    from .cache import (
        CacheStats,
        CacheUnavailable,
        EntityCache,
        InvalidationStats,
        NoCache,
        RedisCache,
        invalidation_consumer,
        read_through,
        schema_version,
    )
    from .context import SubgraphContext
    from .database import Database, UTCDateTime, seed_database, session_lock
    from .dependencies import get_session, require_service_token
    from .errors import (
        BadUserInput,
        ClientError,
        Conflict,
        Forbidden,
        NotFound,
        ServiceUnavailable,
        Unauthenticated,
    )
    from .events import (
        EVENT_TYPES,
        Event,
        EventPayload,
        InvalidEvent,
        MoneyAmount,
        OrderCancelled,
        OrderPlaced,
        OrderStatusChanged,
        ProductChanged,
        ReviewAdded,
        StockChanged,
        StockLow,
        UserRegistered,
        new_event,
        parse_event,
    )
    from .logs import REQUEST_ID_HEADER, configure_logging, current_request_id
    from .metrics import SubgraphMetrics, combined_exposition
    from .money import Money
    from .outbox import (
        OutboxBacklog,
        OutboxRelay,
        outbox_relay,
        outbox_table,
        read_backlog,
        record_event,
        run_relay,
    )
    from .pagination import (
        DEFAULT_PAGE_SIZE,
        MAX_PAGE_SIZE,
        Connection,
        Edge,
        PageInfo,
        check_page_size,
        connection_from_rows,
        decode_cursor,
        encode_cursor,
        keyset_window,
        offset_window,
    )
    from .schema import federated_schema
    from .service import SERVICE_TOKEN_HEADER, ServiceCallFailed, ServiceClient
    from .settings import DEFAULT_PORTS, SubgraphSettings, database_url_for
    from .tracing import subgraph_tracer, traced
    from .worker import create_worker_app

#: module -> the names it contributes to this package's API.
_EXPORTS: dict[str, tuple[str, ...]] = {
    "app": ("SubgraphSpec", "create_subgraph_app"),
    "auth": ("Claims", "InvalidToken", "TokenService", "Viewer"),
    "bus": (
        "Delivery",
        "DeliveryObserver",
        "EventBus",
        "InProcessBus",
        "Outcome",
        "OutgoingMessage",
        "PoisonMessage",
        "PublishFailed",
        "RabbitMQBus",
        "RetryPolicy",
        "Subscription",
        "open_event_bus",
    ),
    "cache": (
        "CacheStats",
        "CacheUnavailable",
        "EntityCache",
        "InvalidationStats",
        "NoCache",
        "RedisCache",
        "invalidation_consumer",
        "read_through",
        "schema_version",
    ),
    "context": ("SubgraphContext",),
    "database": ("Database", "UTCDateTime", "seed_database", "session_lock"),
    "dependencies": ("get_session", "require_service_token"),
    "errors": (
        "BadUserInput",
        "ClientError",
        "Conflict",
        "Forbidden",
        "NotFound",
        "ServiceUnavailable",
        "Unauthenticated",
    ),
    "events": (
        "EVENT_TYPES",
        "Event",
        "EventPayload",
        "InvalidEvent",
        "MoneyAmount",
        "OrderCancelled",
        "OrderPlaced",
        "OrderStatusChanged",
        "ProductChanged",
        "ReviewAdded",
        "StockChanged",
        "StockLow",
        "UserRegistered",
        "new_event",
        "parse_event",
    ),
    "logs": ("REQUEST_ID_HEADER", "configure_logging", "current_request_id"),
    "metrics": ("SubgraphMetrics", "combined_exposition"),
    "money": ("Money",),
    "outbox": (
        "OutboxBacklog",
        "OutboxRelay",
        "outbox_relay",
        "outbox_table",
        "read_backlog",
        "record_event",
        "run_relay",
    ),
    "pagination": (
        "Connection",
        "DEFAULT_PAGE_SIZE",
        "Edge",
        "MAX_PAGE_SIZE",
        "PageInfo",
        "check_page_size",
        "connection_from_rows",
        "decode_cursor",
        "encode_cursor",
        "keyset_window",
        "offset_window",
    ),
    "schema": ("federated_schema",),
    "service": ("SERVICE_TOKEN_HEADER", "ServiceCallFailed", "ServiceClient"),
    "settings": ("DEFAULT_PORTS", "SubgraphSettings", "database_url_for"),
    "tracing": ("subgraph_tracer", "traced"),
    "worker": ("create_worker_app",),
}
_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "DEFAULT_PORTS",
    "EVENT_TYPES",
    "MAX_PAGE_SIZE",
    "REQUEST_ID_HEADER",
    "SERVICE_TOKEN_HEADER",
    "BadUserInput",
    "CacheStats",
    "CacheUnavailable",
    "Claims",
    "ClientError",
    "Conflict",
    "Connection",
    "Database",
    "Delivery",
    "DeliveryObserver",
    "Edge",
    "EntityCache",
    "Event",
    "EventBus",
    "EventPayload",
    "Forbidden",
    "InProcessBus",
    "InvalidEvent",
    "InvalidToken",
    "InvalidationStats",
    "Money",
    "MoneyAmount",
    "NoCache",
    "NotFound",
    "OrderCancelled",
    "OrderPlaced",
    "OrderStatusChanged",
    "OutboxBacklog",
    "OutboxRelay",
    "Outcome",
    "OutgoingMessage",
    "PageInfo",
    "PoisonMessage",
    "ProductChanged",
    "PublishFailed",
    "RabbitMQBus",
    "RedisCache",
    "RetryPolicy",
    "ReviewAdded",
    "ServiceCallFailed",
    "ServiceClient",
    "ServiceUnavailable",
    "StockChanged",
    "StockLow",
    "SubgraphContext",
    "SubgraphMetrics",
    "SubgraphSettings",
    "SubgraphSpec",
    "Subscription",
    "TokenService",
    "UTCDateTime",
    "Unauthenticated",
    "UserRegistered",
    "Viewer",
    "check_page_size",
    "combined_exposition",
    "configure_logging",
    "connection_from_rows",
    "create_subgraph_app",
    "create_worker_app",
    "current_request_id",
    "database_url_for",
    "decode_cursor",
    "encode_cursor",
    "federated_schema",
    "get_session",
    "invalidation_consumer",
    "keyset_window",
    "new_event",
    "offset_window",
    "open_event_bus",
    "outbox_relay",
    "outbox_table",
    "parse_event",
    "read_backlog",
    "read_through",
    "record_event",
    "require_service_token",
    "run_relay",
    "schema_version",
    "seed_database",
    "session_lock",
    "subgraph_tracer",
    "traced",
]


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})

"""Every domain event of the system, in one place: the envelope, each payload, and how to parse one.

Events are facts a subgraph publishes after a change commits (through its outbox, see
:mod:`subgraphs.common.outbox`); other subgraphs react to them (notifications). The wire format is
one JSON object per message, camelCase keys::

    {
      "id": "0b9f3c...",                     # event id: unique, also the AMQP message id
      "type": "OrderPlaced",                 # also the routing key on the topic exchange
      "schemaVersion": 1,                    # version of this type's ``data`` shape
      "occurredAt": "2026-01-01T12:00:00Z",  # when the change happened (UTC, producer's clock)
      "source": "orders",                    # the subgraph that recorded it
      "traceparent": "00-4bf9...-00f0...-01", # optional: W3C trace context of the recording request
      "data": {...}                          # the payload of this type and version
    }

``traceparent`` is present only when the producer traces (``TRACING=true``); older messages lack it.

Catalogue (type, version: data fields). Ids are the public GraphQL ids; money is integer minor units.

=====================  ==  =================================================================================
OrderPlaced             1  orderId, userId, itemCount (>= 1), total {amount (>= 0), currency}
OrderStatusChanged      1  orderId, userId, fromStatus, toStatus (the orders subgraph's status values)
OrderCancelled          1  orderId, userId, reason (optional text)
StockLow                1  productId, quantity (units left, >= 0), threshold (``LOW_STOCK_THRESHOLD``)
ReviewAdded             1  reviewId, productId, authorId, rating (1..5)
UserRegistered          1  userId, name
ProductChanged          1  productId, sku, previousSku (set when the sku changed), change ("created" |
                           "updated"), changedFields (public field names: sku, name, price, ...)
StockChanged            1  productId, quantity (units now in stock, >= 0), reason ("reserved" |
                           "released" | "set")
=====================  ==  =================================================================================

``ProductChanged`` and ``StockChanged`` are recorded with every write of a product or a stock level;
their producers consume them themselves to invalidate their entity caches (subgraphs/common/cache.py).

Versioning rule: adding an optional field keeps the version; renaming, removing or changing the meaning
of a field is a new version (a new payload class with ``VERSION = 2`` registered beside version 1), so
consumers can keep reading messages already queued in the old shape. A consumer that meets a type or
version it does not know treats the message as poison (:class:`InvalidEvent`): dead-lettered, never
silently dropped, so an unsupported producer shows up in the dead-letter queue.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, SerializeAsAny, ValidationError
from pydantic.alias_generators import to_camel

__all__ = [
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
]

_WIRE = ConfigDict(
    frozen=True, extra="forbid", alias_generator=to_camel, validate_by_name=True, validate_by_alias=True
)

Id = Annotated[str, Field(min_length=1, max_length=64)]


class InvalidEvent(ValueError):
    """A message that is not a valid event of a known type and version (poison: dead-letter it)."""


class EventPayload(BaseModel):
    """The ``data`` of one event type and version; subclasses set ``TYPE`` and ``VERSION``."""

    model_config = _WIRE

    TYPE: ClassVar[str]
    VERSION: ClassVar[int]


class MoneyAmount(BaseModel):
    """An amount in the currency's minor unit, the same shape as the GraphQL ``Money`` type."""

    model_config = _WIRE

    amount: int = Field(ge=0)
    currency: str = Field(min_length=3, max_length=3)


class OrderPlaced(EventPayload):
    """A customer placed an order (its stock is reserved and its total fixed)."""

    TYPE = "OrderPlaced"
    VERSION = 1

    order_id: Id
    user_id: Id
    item_count: int = Field(ge=1)
    total: MoneyAmount


class OrderStatusChanged(EventPayload):
    """An order moved from one status to another (e.g. PLACED -> SHIPPED)."""

    TYPE = "OrderStatusChanged"
    VERSION = 1

    order_id: Id
    user_id: Id
    from_status: str = Field(min_length=1, max_length=32)
    to_status: str = Field(min_length=1, max_length=32)


class OrderCancelled(EventPayload):
    """An order was cancelled and its stock released."""

    TYPE = "OrderCancelled"
    VERSION = 1

    order_id: Id
    user_id: Id
    reason: str | None = Field(default=None, max_length=500)


class StockLow(EventPayload):
    """A product's stock fell below the low-stock threshold (recorded when it crosses it)."""

    TYPE = "StockLow"
    VERSION = 1

    product_id: Id
    quantity: int = Field(ge=0)
    threshold: int = Field(ge=0)


class ReviewAdded(EventPayload):
    """A user reviewed a product."""

    TYPE = "ReviewAdded"
    VERSION = 1

    review_id: Id
    product_id: Id
    author_id: Id
    rating: int = Field(ge=1, le=5)


class UserRegistered(EventPayload):
    """A new customer account was created."""

    TYPE = "UserRegistered"
    VERSION = 1

    user_id: Id
    name: str = Field(min_length=1, max_length=200)


class ProductChanged(EventPayload):
    """A product was created or changed (any of its fields, by any write path)."""

    TYPE = "ProductChanged"
    VERSION = 1

    product_id: Id
    sku: Id
    #: The sku before this change, when the change renamed it (its old entries must go too).
    previous_sku: Id | None = None
    change: Literal["created", "updated"]
    changed_fields: tuple[str, ...] = ()


class StockChanged(EventPayload):
    """A product's stock level changed: a reservation took units, a release returned them, or an
    admin set the count (restock, correction)."""

    TYPE = "StockChanged"
    VERSION = 1

    product_id: Id
    quantity: int = Field(ge=0)
    reason: Literal["reserved", "released", "set"]


#: (type, version) -> payload class: the registry :func:`parse_event` reads messages with.
_PAYLOADS: dict[tuple[str, int], type[EventPayload]] = {
    (cls.TYPE, cls.VERSION): cls
    for cls in (
        OrderPlaced,
        OrderStatusChanged,
        OrderCancelled,
        StockLow,
        ReviewAdded,
        UserRegistered,
        ProductChanged,
        StockChanged,
    )
}

#: Every event type, sorted (also the routing keys a consumer of everything binds).
EVENT_TYPES: tuple[str, ...] = tuple(sorted({event_type for event_type, _ in _PAYLOADS}))


class Event(BaseModel):
    """An event as it travels: the envelope around one payload (see the module docstring).

    ``data`` is the concrete payload class (``isinstance(event.data, OrderPlaced)``); it is
    serialised as that class, not as the empty base.
    """

    model_config = _WIRE

    id: Id
    type: str
    schema_version: int = Field(ge=1)
    occurred_at: AwareDatetime
    source: str = Field(default="", max_length=64)
    traceparent: str | None = Field(default=None, max_length=128)
    data: SerializeAsAny[EventPayload]

    def to_json(self) -> bytes:
        """The message body: compact UTF-8 JSON with camelCase keys (no ``traceparent`` when unset,
        so bodies without tracing stay exactly as before)."""
        exclude = {"traceparent"} if self.traceparent is None else None
        return self.model_dump_json(by_alias=True, exclude=exclude).encode()


class _RawEvent(BaseModel):
    """The envelope with ``data`` still unparsed: step one of reading a message."""

    model_config = _WIRE

    id: Id
    type: str = Field(min_length=1, max_length=64)
    schema_version: int = Field(ge=1)
    occurred_at: AwareDatetime
    source: str = Field(default="", max_length=64)
    traceparent: str | None = Field(default=None, max_length=128)
    data: dict[str, Any]


def new_event(
    payload: EventPayload,
    *,
    source: str = "",
    event_id: str | None = None,
    occurred_at: datetime | None = None,
) -> Event:
    """Wrap ``payload`` in a fresh envelope: a random id and the current UTC time unless given."""
    return Event(
        id=event_id or uuid.uuid4().hex,
        type=payload.TYPE,
        schema_version=payload.VERSION,
        occurred_at=occurred_at or datetime.now(UTC),
        source=source,
        data=payload,
    )


def parse_event(body: bytes | str) -> Event:
    """Read a message body into a typed event; :class:`InvalidEvent` says why it is not one.

    Two steps, so the error names the real problem: first the envelope (is this an event at all?),
    then the payload class registered for its type and version.
    """
    try:
        raw = _RawEvent.model_validate_json(body)
    except ValidationError as exc:
        raise InvalidEvent(f"not an event envelope: {_first_error(exc)}") from exc
    payload_class = _PAYLOADS.get((raw.type, raw.schema_version))
    if payload_class is None:
        known = ", ".join(f"{t} v{v}" for t, v in sorted(_PAYLOADS))
        raise InvalidEvent(f"unknown event {raw.type} v{raw.schema_version} (known: {known})")
    try:
        payload = payload_class.model_validate(raw.data)
    except ValidationError as exc:
        raise InvalidEvent(f"invalid {raw.type} v{raw.schema_version} data: {_first_error(exc)}") from exc
    return Event(
        id=raw.id,
        type=raw.type,
        schema_version=raw.schema_version,
        occurred_at=raw.occurred_at,
        source=raw.source,
        traceparent=raw.traceparent,
        data=payload,
    )


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    location = ".".join(str(part) for part in error.get("loc", ())) or "body"
    more = f" (+{exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"{location}: {error.get('msg', 'invalid')}{more}"

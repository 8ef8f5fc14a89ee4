"""Event envelopes and payloads: the wire format every producer and consumer agrees on."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from subgraphs.common import (
    EVENT_TYPES,
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
from subgraphs.common import events as events_module

ONE_OF_EACH = [
    OrderPlaced(
        order_id="order-1", user_id="user-2", item_count=2, total=MoneyAmount(amount=1250, currency="USD")
    ),
    OrderStatusChanged(order_id="order-1", user_id="user-2", from_status="PLACED", to_status="SHIPPED"),
    OrderCancelled(order_id="order-1", user_id="user-2", reason="changed my mind"),
    StockLow(product_id="product-11", quantity=3, threshold=5),
    ReviewAdded(review_id="review-1", product_id="product-1", author_id="user-3", rating=5),
    UserRegistered(user_id="user-9", name="Zoe"),
    ProductChanged(
        product_id="product-2",
        sku="DDIA-2",
        previous_sku="SKU-0002",
        change="updated",
        changed_fields=("price", "sku"),
    ),
    StockChanged(product_id="product-1", quantity=7, reason="reserved"),
]


def test_one_of_each_covers_every_event_type() -> None:
    assert sorted(payload.TYPE for payload in ONE_OF_EACH) == list(EVENT_TYPES)


@pytest.mark.parametrize("payload", ONE_OF_EACH, ids=lambda payload: payload.TYPE)
def test_every_event_round_trips_through_its_json_body(payload) -> None:
    event = new_event(payload, source="test")
    parsed = parse_event(event.to_json())
    assert parsed == event
    assert type(parsed.data) is type(payload)


def test_the_wire_format_is_a_camel_case_envelope_with_id_type_version_and_time() -> None:
    occurred = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    event = new_event(ONE_OF_EACH[0], source="orders", event_id="evt-1", occurred_at=occurred)
    assert json.loads(event.to_json()) == {
        "id": "evt-1",
        "type": "OrderPlaced",
        "schemaVersion": 1,
        "occurredAt": "2026-01-02T03:04:05Z",
        "source": "orders",
        "data": {
            "orderId": "order-1",
            "userId": "user-2",
            "itemCount": 2,
            "total": {"amount": 1250, "currency": "USD"},
        },
    }


def test_fresh_events_get_distinct_ids_and_an_aware_utc_time() -> None:
    first, second = new_event(ONE_OF_EACH[5]), new_event(ONE_OF_EACH[5])
    assert first.id != second.id
    assert first.occurred_at.tzinfo is not None


def test_every_event_type_is_documented_in_the_catalogue() -> None:
    catalogue = events_module.__doc__ or ""
    for event_type in EVENT_TYPES:
        assert f"\n{event_type} " in catalogue, f"{event_type} is missing from the catalogue in events.py"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"not json", "not an event envelope"),
        (b"{}", "not an event envelope"),
        (
            b'{"id": "e", "type": "OrderShipped", "schemaVersion": 1,'
            b' "occurredAt": "2026-01-01T00:00:00Z", "data": {}}',
            "unknown event OrderShipped v1",
        ),
        (
            b'{"id": "e", "type": "OrderPlaced", "schemaVersion": 7,'
            b' "occurredAt": "2026-01-01T00:00:00Z", "data": {}}',
            "unknown event OrderPlaced v7",
        ),
        (
            b'{"id": "e", "type": "UserRegistered", "schemaVersion": 1, "occurredAt": "2026-01-01T00:00:00",'
            b' "data": {"userId": "u", "name": "N"}}',
            "occurredAt",
        ),
        (
            b'{"id": "e", "type": "ReviewAdded", "schemaVersion": 1, "occurredAt": "2026-01-01T00:00:00Z",'
            b' "data": {"reviewId": "r", "productId": "p", "authorId": "u", "rating": 6}}',
            "invalid ReviewAdded v1 data: rating",
        ),
    ],
    ids=["not-json", "empty", "unknown-type", "unknown-version", "naive-time", "bad-payload"],
)
def test_a_body_that_is_not_a_known_event_is_invalid_and_says_why(body: bytes, reason: str) -> None:
    with pytest.raises(InvalidEvent, match=reason):
        parse_event(body)


def test_unknown_payload_fields_are_rejected_so_typos_do_not_pass_silently() -> None:
    with pytest.raises(ValueError, match="Extra inputs"):
        UserRegistered.model_validate({"userId": "u", "name": "N", "nmae": "typo"})

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from subgraphs.common import Event, EventPayload, InProcessBus, OutgoingMessage, new_event

from ...events.testkit import eventually
from ..harness import System


async def deliver(
    system: System, *events: EventPayload | Event | bytes, expect: int | None = None
) -> list[Event]:
    """Publish events on the loop's in-process bus (where the notifications app consumes) and wait
    until the consumer has settled ``expect`` more of them (default: all valid ones)."""
    app = system.apps["notifications"]
    stats = app.state.notification_stats
    before = stats.processed + stats.duplicates
    bus = InProcessBus.for_running_loop(exchange=system.settings.event_exchange)
    sent: list[Event] = []
    for item in events:
        if isinstance(item, bytes):
            await bus.publish(OutgoingMessage(event_id="", event_type="OrderPlaced", body=item))
            continue
        event = item if isinstance(item, Event) else new_event(item, source="test")
        sent.append(event)
        await bus.publish(OutgoingMessage(event_id=event.id, event_type=event.type, body=event.to_json()))
    target = before + (len(sent) if expect is None else expect)
    await eventually(lambda: stats.processed + stats.duplicates >= target, what=f"{target} settled events")
    return sent


@pytest.fixture
def deliver_events() -> Callable[..., Any]:
    return deliver

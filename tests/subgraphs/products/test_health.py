"""Health endpoints: liveness always, readiness when the database answers."""

from __future__ import annotations


async def test_health_live_and_ready_answer_ok(system_factory) -> None:
    async with system_factory("products") as system, system.client("products") as client:
        live = await client.get("/health/live")
        ready = await client.get("/health/ready")
    assert (live.status_code, live.json()) == (200, {"status": "ok"})
    assert (ready.status_code, ready.json()) == (200, {"status": "ok", "database": True})

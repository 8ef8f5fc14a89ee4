"""Health endpoints of the reviews subgraph."""

from __future__ import annotations


async def test_liveness_and_readiness_report_ok(system_factory) -> None:
    async with system_factory("reviews") as system, system.client("reviews") as client:
        live = await client.get("/health/live")
        ready = await client.get("/health/ready")
    assert (live.status_code, live.json()) == (200, {"status": "ok"})
    assert (ready.status_code, ready.json()) == (200, {"status": "ok", "database": True})

"""Health endpoints of the inventory subgraph."""

from __future__ import annotations


async def test_liveness_and_readiness_report_ok(system_factory) -> None:
    async with system_factory("inventory") as system, system.client("inventory") as client:
        live = await client.get("/health/live")
        ready = await client.get("/health/ready")
    assert (live.status_code, live.json()) == (200, {"status": "ok"})
    assert (ready.status_code, ready.json()) == (200, {"status": "ok", "database": True})

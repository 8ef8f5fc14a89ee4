"""Every subgraph's /metrics counts and times its requests by route template."""

from __future__ import annotations

from pathlib import Path

from httpx import ASGITransport, AsyncClient
from prometheus_client.parser import text_string_to_metric_families

from .conftest import running_platform


async def test_a_subgraph_counts_its_graphql_requests_by_route_and_status(tmp_path: Path) -> None:
    async with running_platform(tmp_path, tracing=False) as platform:
        await platform.graphql("query Me { me { name } }", user="user-1")
        async with AsyncClient(transport=ASGITransport(app=platform.system.apps["users"])) as client:
            text = (await client.get("http://users/metrics")).text

    samples = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }
    key = (
        "subgraph_requests_total",
        (("method", "POST"), ("route", "/graphql"), ("status", "200"), ("subgraph", "users")),
    )
    assert samples[key] >= 1
    assert (
        samples["subgraph_request_duration_seconds_count", (("route", "/graphql"), ("subgraph", "users"))]
        >= 1
    )
    assert not any(
        name == "subgraph_requests_total" and ("route", "/metrics") in labels for name, labels in samples
    )

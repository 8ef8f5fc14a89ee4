"""Trusted documents: an Apollo persisted query manifest, operations sent by id (APQ extension or
``documentId``), and the safelist modes (off, log, enforce, require_id)."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any

import pytest

from router.server import ReloadOutcome, RouterSettings, StartupError, create_app

from ..e2e.testkit import supergraph_sdl

TOP = "query TopProducts { topProducts(first: 2) { name } }"
TOP_ID = hashlib.sha256(TOP.encode()).hexdigest()
ME = "query Me { me { name } }"
ME_ID = "me-v1"  # ids are whatever the clients' build chose
UNKNOWN = "{ topProducts(first: 1) { name } }"
UNKNOWN_ID = hashlib.sha256(UNKNOWN.encode()).hexdigest()
TOP_DATA = {"data": {"topProducts": [{"name": "Table"}, {"name": "Couch"}]}}
LEGACY = {"accept": "application/json"}
STRICT = {"accept": "application/graphql-response+json"}


def _manifest(*operations: dict[str, Any], fmt: str = "apollo-persisted-query-manifest") -> str:
    return json.dumps({"format": fmt, "version": 1, "operations": list(operations)})


def _op(document_id: str, body: str, name: str | None = None, kind: str = "query") -> dict[str, Any]:
    return {"id": document_id, "name": name, "type": kind, "body": body}


MANIFEST = _manifest(_op(TOP_ID, TOP, "TopProducts"), _op(ME_ID, ME, "Me"))


@pytest.fixture
def manifest(tmp_path: Path) -> Path:
    path = tmp_path / "manifest.json"
    path.write_text(MANIFEST)
    return path


def _apq(sha256_hash: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha256_hash}}


def _code(body: dict[str, Any]) -> str | None:
    errors = body.get("errors")
    return errors[0]["extensions"]["code"] if errors else None


def _sample(metrics: str, name: str, **labels: str) -> float | None:
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    for line in metrics.splitlines():
        if line.startswith(f"{name}{{{wanted}}}" if labels else f"{name} "):
            return float(line.rsplit(" ", 1)[1])
    return None


async def test_an_operation_of_the_manifest_runs_by_its_id_in_the_apq_extension(router, manifest) -> None:
    async with router(persisted_queries_manifest=manifest, apq=False) as (client, subgraphs):
        response = await client.post("/graphql", json={"extensions": _apq(TOP_ID)}, headers=LEGACY)
    assert response.json() == TOP_DATA
    assert subgraphs.counts() == {"products": 1}


async def test_an_operation_runs_by_its_document_id_over_post_and_get(router, manifest) -> None:
    async with router(persisted_queries_manifest=manifest, persisted_queries_safelist="enforce") as (
        client,
        _,
    ):
        post = await client.post("/graphql", json={"documentId": f"sha256:{TOP_ID}"}, headers=STRICT)
        get = await client.get(
            "/graphql", params={"documentId": TOP_ID}, headers={"graphql-require-preflight": "1", **STRICT}
        )
        get_by_apq = await client.get(
            "/graphql",
            params={"extensions": json.dumps(_apq(TOP_ID))},
            headers={"graphql-require-preflight": "1", **STRICT},
        )
    assert (post.status_code, post.json()) == (200, TOP_DATA)
    assert (get.status_code, get.json()) == (200, TOP_DATA)
    assert (get_by_apq.status_code, get_by_apq.json()) == (200, TOP_DATA)


async def test_ids_that_are_not_sha256_hashes_work_too(router, manifest) -> None:
    async with router(persisted_queries_manifest=manifest) as (client, _):
        by_extension = await client.post("/graphql", json={"extensions": _apq(ME_ID)}, headers=LEGACY)
        by_document_id = await client.post("/graphql", json={"documentId": ME_ID}, headers=LEGACY)
    # The operation ran (anonymous: `me` is null), it was not refused as a malformed hash.
    assert "data" in by_extension.json()
    assert by_extension.json() == by_document_id.json()


async def test_an_unknown_id_is_persisted_query_not_found_as_with_apq(router, manifest) -> None:
    async with router(persisted_queries_manifest=manifest, persisted_queries_safelist="enforce") as (
        client,
        subgraphs,
    ):
        by_extension = await client.post("/graphql", json={"extensions": _apq(UNKNOWN_ID)}, headers=STRICT)
        by_document_id = await client.post("/graphql", json={"documentId": "nope"}, headers=LEGACY)
    assert by_extension.status_code == 400
    assert _code(by_extension.json()) == "PERSISTED_QUERY_NOT_FOUND"
    assert by_document_id.status_code == 200
    assert by_document_id.json() == {
        "errors": [{"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}]
    }
    assert subgraphs.counts() == {}


async def test_a_document_id_without_a_manifest_is_not_supported(router) -> None:
    async with router() as (client, _):
        response = await client.post("/graphql", json={"documentId": TOP_ID}, headers=LEGACY)
    assert _code(response.json()) == "PERSISTED_QUERY_NOT_SUPPORTED"


async def test_a_document_id_and_a_query_together_are_a_bad_request(router, manifest) -> None:
    async with router(persisted_queries_manifest=manifest) as (client, _):
        response = await client.post("/graphql", json={"documentId": TOP_ID, "query": TOP}, headers=LEGACY)
    assert _code(response.json()) == "BAD_REQUEST"


async def test_safelist_off_runs_any_text_and_counts_nothing(router, manifest) -> None:
    async with router(persisted_queries_manifest=manifest) as (client, _):
        response = await client.post("/graphql", json={"query": UNKNOWN}, headers=LEGACY)
        metrics = (await client.get("/metrics")).text
    assert _code(response.json()) is None
    assert _sample(metrics, "router_unknown_operations_total", outcome="ran") is None


async def test_safelist_enforce_refuses_text_not_in_the_manifest_before_any_subgraph_call(
    router, manifest
) -> None:
    async with router(persisted_queries_manifest=manifest, persisted_queries_safelist="enforce") as (
        client,
        subgraphs,
    ):
        unknown = await client.post("/graphql", json={"query": UNKNOWN}, headers=STRICT)
        unknown_legacy = await client.post("/graphql", json={"query": UNKNOWN}, headers=LEGACY)
        listed = await client.post("/graphql", json={"query": TOP}, headers=STRICT)
        metrics = (await client.get("/metrics")).text
    assert unknown.status_code == 400
    assert unknown.json() == {
        "errors": [
            {
                "message": "The operation is not in the safelist.",
                "extensions": {"code": "QUERY_NOT_IN_SAFELIST"},
            }
        ]
    }
    assert unknown_legacy.status_code == 200
    assert _code(unknown_legacy.json()) == "QUERY_NOT_IN_SAFELIST"
    assert listed.json() == TOP_DATA
    assert subgraphs.counts() == {"products": 1}
    assert _sample(metrics, "router_unknown_operations_total", outcome="rejected") == 2


async def test_the_safelist_matches_the_exact_text_whitespace_included(router, manifest) -> None:
    async with router(persisted_queries_manifest=manifest, persisted_queries_safelist="enforce") as (
        client,
        _,
    ):
        reformatted = await client.post("/graphql", json={"query": TOP.replace(" {", "{")}, headers=LEGACY)
    assert _code(reformatted.json()) == "QUERY_NOT_IN_SAFELIST"


async def test_safelist_log_runs_unknown_text_logs_it_once_and_counts_every_time(
    router, manifest, caplog: Any
) -> None:
    with caplog.at_level(logging.WARNING, logger="router"):
        async with router(persisted_queries_manifest=manifest, persisted_queries_safelist="log") as (
            client,
            subgraphs,
        ):
            first = await client.post("/graphql", json={"query": UNKNOWN}, headers=LEGACY)
            second = await client.post("/graphql", json={"query": UNKNOWN}, headers=LEGACY)
            listed = await client.post("/graphql", json={"query": TOP}, headers=LEGACY)
            metrics = (await client.get("/metrics")).text
    assert _code(first.json()) is None
    assert _code(second.json()) is None
    assert listed.json() == TOP_DATA
    assert subgraphs.counts() == {"products": 3}
    assert _sample(metrics, "router_unknown_operations_total", outcome="ran") == 2
    logged = [r for r in caplog.records if r.getMessage().startswith("operation not in the persisted query")]
    assert len(logged) == 1
    assert logged[0].body == UNKNOWN
    assert logged[0].sha256 == UNKNOWN_ID


async def test_require_id_refuses_text_even_when_it_is_in_the_manifest(router, manifest) -> None:
    async with router(persisted_queries_manifest=manifest, persisted_queries_require_id=True) as (
        client,
        subgraphs,
    ):
        listed = await client.post("/graphql", json={"query": TOP}, headers=STRICT)
        by_id = await client.post("/graphql", json={"documentId": TOP_ID}, headers=STRICT)
    assert listed.status_code == 400
    assert _code(listed.json()) == "PERSISTED_QUERY_ID_REQUIRED"
    assert by_id.json() == TOP_DATA
    assert subgraphs.counts() == {"products": 1}


async def test_apq_registration_of_an_unknown_body_is_refused_under_an_enforced_safelist(
    router, manifest
) -> None:
    async with router(persisted_queries_manifest=manifest, persisted_queries_safelist="enforce") as (
        client,
        subgraphs,
    ):
        register = await client.post(
            "/graphql", json={"query": UNKNOWN, "extensions": _apq(UNKNOWN_ID)}, headers=LEGACY
        )
        lookup = await client.post("/graphql", json={"extensions": _apq(UNKNOWN_ID)}, headers=LEGACY)
        # A listed body registers through APQ as before (its APQ hash is the body's SHA-256).
        listed = "query TopProducts { topProducts(first: 2) { name } }"
        registered = await client.post(
            "/graphql",
            json={"query": listed, "extensions": _apq(hashlib.sha256(listed.encode()).hexdigest())},
            headers=LEGACY,
        )
    assert _code(register.json()) == "QUERY_NOT_IN_SAFELIST"
    assert _code(lookup.json()) == "PERSISTED_QUERY_NOT_FOUND"  # nothing was stored
    assert registered.json() == TOP_DATA
    assert subgraphs.counts() == {"products": 1}


async def test_a_body_from_the_shared_apq_store_is_checked_against_the_safelist(app, manifest) -> None:
    async with app(persisted_queries_manifest=manifest, persisted_queries_safelist="enforce") as running:
        # As if another router instance (safelist off, same Redis) had registered it.
        await running.app.state.persisted._store.put(UNKNOWN_ID, UNKNOWN)
        lookup = await running.client.post("/graphql", json={"extensions": _apq(UNKNOWN_ID)}, headers=LEGACY)
    assert _code(lookup.json()) == "QUERY_NOT_IN_SAFELIST"
    assert running.subgraphs.counts() == {}


async def test_apq_registration_is_refused_when_ids_are_required(router, manifest) -> None:
    async with router(persisted_queries_manifest=manifest, persisted_queries_require_id=True) as (client, _):
        register = await client.post(
            "/graphql", json={"query": TOP, "extensions": _apq(TOP_ID)}, headers=LEGACY
        )
    assert _code(register.json()) == "PERSISTED_QUERY_ID_REQUIRED"


async def test_a_listed_introspection_query_is_still_refused_in_production(router, tmp_path: Path) -> None:
    introspection = "{ __schema { queryType { name } } }"
    path = tmp_path / "manifest.json"
    path.write_text(_manifest(_op("schema", introspection)))
    async with router(
        mode="production", persisted_queries_manifest=path, persisted_queries_safelist="enforce"
    ) as (client, _):
        response = await client.post("/graphql", json={"documentId": "schema"}, headers=LEGACY)
    assert _code(response.json()) == "INTROSPECTION_DISABLED"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read the persisted query manifest"),
        ("{not json", "is not valid JSON"),
        (json.dumps({"format": "relay", "version": 1, "operations": []}), '"format" must be'),
        (_manifest(_op("a", TOP), _op("a", ME)), "id 'a' is listed twice with different bodies"),
        (_manifest({"id": "a", "body": ""}), 'needs a non-empty string "body"'),
        (_manifest(_op("a", TOP, kind="select")), '"type" must be one of'),
    ],
)
def test_a_broken_manifest_stops_the_router_at_start_up(
    tmp_path: Path, content: str | None, message: str
) -> None:
    path = tmp_path / "manifest.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(StartupError, match="ROUTER_PERSISTED_QUERIES_MANIFEST") as raised:
        create_app(
            supergraph_sdl=supergraph_sdl("shop"), settings=RouterSettings(persisted_queries_manifest=path)
        )
    assert message in str(raised.value)
    assert str(path) in str(raised.value)


def test_the_same_id_twice_with_the_same_body_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "manifest.json"
    path.write_text(_manifest(_op("a", TOP), _op("a", TOP)))
    create_app(
        supergraph_sdl=supergraph_sdl("shop"), settings=RouterSettings(persisted_queries_manifest=path)
    )


@pytest.mark.parametrize(
    "settings", [{"persisted_queries_safelist": "enforce"}, {"persisted_queries_require_id": True}]
)
def test_a_safelist_without_a_manifest_stops_the_router_at_start_up(settings: dict[str, Any]) -> None:
    with pytest.raises(StartupError, match="need ROUTER_PERSISTED_QUERIES_MANIFEST"):
        create_app(supergraph_sdl=supergraph_sdl("shop"), settings=RouterSettings(**settings))


async def test_a_changed_manifest_is_reloaded_and_a_broken_one_is_ignored(app, manifest: Path) -> None:
    async with app(persisted_queries_manifest=manifest, persisted_queries_safelist="enforce") as running:
        reloader = running.app.state.manifest_reloader
        assert await reloader.check() is ReloadOutcome.UNCHANGED
        _write(manifest, _manifest(_op(UNKNOWN_ID, UNKNOWN)))
        assert await reloader.check() is ReloadOutcome.RELOADED
        now_listed = await running.client.post("/graphql", json={"query": UNKNOWN}, headers=LEGACY)
        dropped = await running.client.post("/graphql", json={"query": TOP}, headers=LEGACY)
        _write(manifest, "{broken")
        assert await reloader.check() is ReloadOutcome.REJECTED
        still = await running.client.post("/graphql", json={"query": UNKNOWN}, headers=LEGACY)
    assert _code(now_listed.json()) is None
    assert _code(dropped.json()) == "QUERY_NOT_IN_SAFELIST"
    assert _code(still.json()) is None


def _write(path: Path, text: str) -> None:
    path.write_text(text)
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))

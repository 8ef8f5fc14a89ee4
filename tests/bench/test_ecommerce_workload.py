"""The e-commerce workload's pieces: the hand-written backend answers each page exactly as the router
does, over the real subgraphs in-process (no servers, no timing; ``python -m bench`` runs the rest)."""

from __future__ import annotations

from pathlib import Path

import httpx
import orjson

from bench._wrk import lua_script
from bench.handwritten import Backend
from bench.workloads import WORKLOADS, ecommerce
from tests.e2e.conftest import running_shop


async def test_the_hand_written_backend_answers_both_pages_like_the_router(tmp_path: Path) -> None:
    async with running_shop(tmp_path) as shop:
        authorization = f"Bearer {shop.system.token_for('user-2', 'customer')}"
        async with httpx.AsyncClient(transport=shop.system.transport) as http:
            backend = Backend(
                urls={name: f"http://{name}/graphql" for name in ecommerce.SUBGRAPHS}, http=http
            )
            for page, body in ecommerce.PAGES.items():
                request = orjson.loads(body)
                routed = await shop.gateway.execute(
                    request["query"],
                    request.get("variables"),
                    request["operationName"],
                    headers={"authorization": authorization},
                )
                assert "errors" not in routed, page
                assert await backend.answer(request, authorization) == routed, page


async def test_the_product_page_has_reviews_with_authors_and_my_orders_has_order_lines(
    tmp_path: Path,
) -> None:
    async with running_shop(tmp_path) as shop:
        authorization = f"Bearer {shop.system.token_for('user-2', 'customer')}"
        async with httpx.AsyncClient(transport=shop.system.transport) as http:
            backend = Backend(
                urls={name: f"http://{name}/graphql" for name in ecommerce.SUBGRAPHS}, http=http
            )
            product = (await backend.answer(orjson.loads(ecommerce.PAGES["product page"]), None))["data"]
            orders = (await backend.answer(orjson.loads(ecommerce.PAGES["my orders"]), authorization))["data"]
    assert product["product"]["reviews"]["edges"][0]["node"]["author"]["name"]
    assert product["product"]["shippingEstimate"] is not None
    assert orders["me"]["id"] == "user-2"
    assert orders["me"]["orders"]["edges"][0]["node"]["items"][0]["product"]["name"]


async def test_an_unknown_operation_is_an_error_not_an_exception() -> None:
    async with httpx.AsyncClient() as http:
        backend = Backend(urls={}, http=http)
        answer = await backend.answer({"operationName": "Nope"}, None)
    assert answer["data"] is None
    assert "Nope" in answer["errors"][0]["message"]


def test_the_ecommerce_workload_is_part_of_a_full_run_and_sends_the_bearer_token() -> None:
    assert WORKLOADS["ecommerce"] is ecommerce
    script = lua_script(ecommerce.PAGES["my orders"], {"authorization": "Bearer abc"})
    assert 'wrk.headers["authorization"] = "Bearer abc"' in script


def test_the_ecommerce_table_has_a_row_per_page_load_and_target_with_ratios_to_hand_written() -> None:
    def summary(p50: float, rps: float) -> dict[str, object]:
        cpu = {"target": 8.0, "subgraphs": 100.0, "wrk": 0.0}
        return {"requests_per_s": rps, "p50_ms": p50, "p99_ms": 2 * p50, "errors": 0, "cpu_percent": cpu}

    load = {"targets": {"router": summary(26.0, 36.0), "hand-written": summary(25.0, 40.0)}}
    result = {
        "pages": {
            page: {"answers": {"router": "ok", "hand-written": "ok"}, "loads": {"1": load, "4": load}}
            for page in ecommerce.PAGES
        }
    }
    rows = ecommerce.rows(result)
    assert len(rows) == 1 + len(ecommerce.PAGES) * 2 * 2
    assert rows[1][0] == "product page, c=1: router"
    assert rows[1][5:7] == ["1.04x", "0.90x"]

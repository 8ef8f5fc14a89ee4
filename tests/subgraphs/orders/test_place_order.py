"""``placeOrder``: validate, check the user, price from products, reserve in inventory, store.

These run the real users, products and inventory subgraphs in-process; a subgraph that is left out
is unreachable, exactly like a service that is down.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from .testkit import PLACE_ORDER, code, error, items, order_count, require_subgraphs, reservation, stock

ALL = ("orders", "users", "products", "inventory")


@pytest.fixture(autouse=True)
def _needs_the_other_subgraphs() -> None:
    require_subgraphs("users", "products", "inventory")


async def test_placing_an_order_prices_items_reserves_stock_and_stores_it_pending(system_factory) -> None:
    async with system_factory(*ALL) as system:
        body = await system.graphql(
            "orders", PLACE_ORDER, items(("product-1", 2), ("product-7", 1)), user="user-4"
        )
        assert "errors" not in body, body
        order = body["data"]["placeOrder"]
        assert order["id"].startswith("order-") and len(order["id"]) == len("order-") + 12
        assert order["status"] == "PENDING"
        assert order["user"] == {"id": "user-4"}
        assert order["items"] == [
            {"product": {"id": "product-1"}, "quantity": 2, "unitPrice": {"amount": 4299, "currency": "USD"}},
            {"product": {"id": "product-7"}, "quantity": 1, "unitPrice": {"amount": 3999, "currency": "USD"}},
        ]
        assert order["total"] == {"amount": 2 * 4299 + 3999, "currency": "USD"}
        assert await stock(system, "product-1") == 8
        assert await stock(system, "product-7") == 69
        assert await reservation(system, order["id"]) == {
            "order_id": order["id"],
            "items": [{"product_id": "product-1", "quantity": 2}, {"product_id": "product-7", "quantity": 1}],
            "status": "reserved",
        }
        again = await system.graphql(
            "orders", "query($id: ID!) { order(id: $id) { id status } }", {"id": order["id"]}, user="user-4"
        )
        assert again["data"]["order"] == {"id": order["id"], "status": "PENDING"}


@pytest.mark.parametrize(
    ("order_items", "fragment"),
    [
        (items(), "at least one item"),
        (items(("product-1", 0)), "between 1 and 100, got 0"),
        (items(("product-1", 101)), "between 1 and 100, got 101"),
        (items(("product-1", -3)), "got -3"),
        (items(("product-1", 1), ("product-2", 1), ("product-1", 2)), "product-1 appears more than once"),
    ],
)
async def test_invalid_items_are_bad_user_input_and_call_no_service(
    system_factory, order_items: dict[str, object], fragment: str
) -> None:
    async with system_factory("orders") as system:  # nothing else running: validation comes first
        body = await system.graphql("orders", PLACE_ORDER, order_items, user="user-2")
    assert code(body) == "BAD_USER_INPUT"
    assert fragment in error(body)["message"]
    assert [r for r in system.transport.requests if r.url.path.startswith("/internal/")] == []


async def test_placing_an_order_requires_signing_in(system_factory) -> None:
    async with system_factory("orders") as system:
        body = await system.graphql("orders", PLACE_ORDER, items(("product-1", 1)))
    assert code(body) == "UNAUTHENTICATED"


async def test_a_user_the_users_service_does_not_know_cannot_order(system_factory) -> None:
    async with system_factory(*ALL) as system:
        body = await system.graphql("orders", PLACE_ORDER, items(("product-1", 1)), user="user-404")
        assert code(body) == "UNAUTHENTICATED"
        assert "user-404" in error(body)["message"]
        assert await stock(system, "product-1") == 10


async def test_a_missing_product_is_not_found_naming_it_and_nothing_is_reserved(system_factory) -> None:
    async with system_factory(*ALL) as system:
        body = await system.graphql(
            "orders", PLACE_ORDER, items(("product-1", 1), ("product-404", 1)), user="user-2"
        )
        assert code(body) == "NOT_FOUND"
        assert error(body)["message"] == "Product product-404 not found."
        assert await stock(system, "product-1") == 10
        assert await order_count(system) == 3


async def test_mixed_currencies_are_bad_user_input(system_factory) -> None:
    async with system_factory(*ALL) as system:
        # The products API only sells in USD today; a catalogue row in another currency (a future
        # or migrated product) is written straight into its database.
        async with system.apps["products"].state.database.engine.begin() as conn:
            await conn.execute(text("UPDATE products SET currency = 'EUR' WHERE id = 'product-2'"))
        body = await system.graphql(
            "orders", PLACE_ORDER, items(("product-1", 1), ("product-2", 1)), user="user-2"
        )
        assert code(body) == "BAD_USER_INPUT"
        assert "EUR, USD" in error(body)["message"]
        assert await stock(system, "product-1") == 10
        assert await order_count(system) == 3


async def test_not_enough_stock_is_a_conflict_and_nothing_is_stored_or_reserved(system_factory) -> None:
    async with system_factory(*ALL) as system:
        body = await system.graphql(
            "orders", PLACE_ORDER, items(("product-1", 1), ("product-11", 4)), user="user-2"
        )
        assert code(body) == "CONFLICT"
        assert error(body)["message"] == (
            "Cannot place the order: not enough stock for product product-11: requested 4, available 3."
        )
        assert await stock(system, "product-1") == 10
        assert await stock(system, "product-11") == 3
        assert await order_count(system) == 3


async def test_a_sold_out_product_cannot_be_ordered(system_factory) -> None:
    async with system_factory(*ALL) as system:
        body = await system.graphql("orders", PLACE_ORDER, items(("product-12", 1)), user="user-2")
    assert code(body) == "CONFLICT"
    assert "not enough stock for product product-12" in error(body)["message"]


@pytest.mark.parametrize("down", ["inventory", "products", "users"])
async def test_a_downstream_service_that_is_down_is_service_unavailable_and_nothing_is_stored(
    system_factory, down: str
) -> None:
    running = [name for name in ALL if name != down]
    async with system_factory(*running) as system:
        body = await system.graphql("orders", PLACE_ORDER, items(("product-1", 1)), user="user-2")
        assert body["data"] is None
        assert code(body) == "SERVICE_UNAVAILABLE"
        assert down in error(body)["message"]
        assert await order_count(system) == 3
        if down != "inventory":
            assert await stock(system, "product-1") == 10


async def test_an_order_that_cannot_be_stored_releases_its_reservation(system_factory) -> None:
    async with system_factory(*ALL) as system:
        # Break the orders database under the running app: storing the items fails after the
        # reservation succeeded, and the compensation must give the stock back.
        async with system.apps["orders"].state.database.engine.begin() as conn:
            await conn.execute(text("DROP TABLE order_items"))
        body = await system.graphql("orders", PLACE_ORDER, items(("product-2", 3)), user="user-2")
        assert body["data"] is None
        assert error(body)["message"] == "Unexpected error."  # masked: no internals leak
        assert error(body)["extensions"] == {"code": "INTERNAL_SERVER_ERROR"}
        assert await stock(system, "product-2") == 20
        released = [
            request
            for request in system.transport.requests
            if request.method == "DELETE" and request.url.path.startswith("/internal/v1/reservations/order-")
        ]
        assert len(released) == 1
        order_id = released[0].url.path.rsplit("/", 1)[1]
        assert (await reservation(system, order_id) or {}).get("status") == "released"

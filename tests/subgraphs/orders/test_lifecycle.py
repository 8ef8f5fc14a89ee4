"""``cancelOrder`` and ``setOrderStatus``: who may, which transitions, and stock coming back."""

from __future__ import annotations

import pytest

from .testkit import (
    CANCEL_ORDER,
    PLACE_ORDER,
    SET_ORDER_STATUS,
    code,
    error,
    items,
    require_subgraphs,
    reservation,
    stock,
)

ADMIN = {"user": "user-1", "role": "admin"}


async def test_the_owner_cancels_a_pending_order_and_its_stock_returns(system_factory) -> None:
    async with system_factory("orders", "inventory") as system:
        body = await system.graphql("orders", CANCEL_ORDER, {"id": "order-3"}, user="user-2")
        assert "errors" not in body, body
        assert body["data"]["cancelOrder"] == {"id": "order-3", "status": "CANCELLED"}
        assert await stock(system, "product-5") == 51
        assert (await reservation(system, "order-3") or {}).get("status") == "released"


async def test_an_admin_cancels_a_confirmed_order(system_factory) -> None:
    async with system_factory("orders", "inventory") as system:
        await system.graphql("orders", SET_ORDER_STATUS, {"id": "order-3", "status": "CONFIRMED"}, **ADMIN)
        body = await system.graphql("orders", CANCEL_ORDER, {"id": "order-3"}, **ADMIN)
        assert body["data"]["cancelOrder"]["status"] == "CANCELLED"
        assert await stock(system, "product-5") == 51


@pytest.mark.parametrize(("order_id", "status"), [("order-1", "DELIVERED"), ("order-2", "SHIPPED")])
async def test_shipped_or_delivered_orders_cannot_be_cancelled(
    system_factory, order_id: str, status: str
) -> None:
    async with system_factory("orders", "inventory") as system:
        body = await system.graphql("orders", CANCEL_ORDER, {"id": order_id}, **ADMIN)
    assert code(body) == "CONFLICT"
    assert error(body)["message"] == (
        f"Order {order_id} is {status}: only PENDING or CONFIRMED orders can be cancelled."
    )


async def test_cancelling_twice_is_a_conflict_and_returns_stock_once(system_factory) -> None:
    async with system_factory("orders", "inventory") as system:
        await system.graphql("orders", CANCEL_ORDER, {"id": "order-3"}, user="user-2")
        again = await system.graphql("orders", CANCEL_ORDER, {"id": "order-3"}, user="user-2")
        assert code(again) == "CONFLICT"
        assert await stock(system, "product-5") == 51


async def test_someone_elses_order_cannot_be_cancelled_and_stays_hidden(system_factory) -> None:
    async with system_factory("orders", "inventory") as system:
        body = await system.graphql("orders", CANCEL_ORDER, {"id": "order-3"}, user="user-3")
        assert code(body) == "NOT_FOUND"
        assert error(body)["message"] == "Order order-3 not found."
        assert await stock(system, "product-5") == 50


async def test_cancelling_requires_signing_in(system_factory) -> None:
    async with system_factory("orders") as system:
        body = await system.graphql("orders", CANCEL_ORDER, {"id": "order-3"})
    assert code(body) == "UNAUTHENTICATED"


async def test_cancelling_while_inventory_is_down_is_service_unavailable_and_keeps_the_order(
    system_factory,
) -> None:
    async with system_factory("orders") as system:
        body = await system.graphql("orders", CANCEL_ORDER, {"id": "order-3"}, user="user-2")
        assert code(body) == "SERVICE_UNAVAILABLE"
        assert "inventory" in error(body)["message"]
        after = await system.graphql("orders", '{ order(id: "order-3") { status } }', user="user-2")
    assert after["data"]["order"] == {"status": "PENDING"}


async def test_an_admin_walks_an_order_through_its_whole_lifecycle(system_factory) -> None:
    async with system_factory("orders", "inventory") as system:
        for status in ("CONFIRMED", "SHIPPED", "DELIVERED"):
            body = await system.graphql(
                "orders", SET_ORDER_STATUS, {"id": "order-3", "status": status}, **ADMIN
            )
            assert body["data"]["setOrderStatus"] == {"id": "order-3", "status": status}
        # Shipping consumes the reservation: nothing is returned to stock.
        assert await stock(system, "product-5") == 50


@pytest.mark.parametrize(
    ("order_id", "status", "current"),
    [
        ("order-3", "SHIPPED", "PENDING"),
        ("order-3", "DELIVERED", "PENDING"),
        ("order-3", "PENDING", "PENDING"),
        ("order-2", "CANCELLED", "SHIPPED"),
        ("order-2", "CONFIRMED", "SHIPPED"),
        ("order-1", "SHIPPED", "DELIVERED"),
        ("order-1", "CANCELLED", "DELIVERED"),
    ],
)
async def test_transitions_outside_the_lifecycle_are_conflicts_naming_from_and_to(
    system_factory, order_id: str, status: str, current: str
) -> None:
    async with system_factory("orders", "inventory") as system:
        body = await system.graphql("orders", SET_ORDER_STATUS, {"id": order_id, "status": status}, **ADMIN)
    assert code(body) == "CONFLICT"
    assert error(body)["message"] == f"Order {order_id} cannot change from {current} to {status}."
    assert error(body)["extensions"] == {"code": "CONFLICT", "fromStatus": current, "toStatus": status}


async def test_cancelling_through_set_order_status_returns_the_stock(system_factory) -> None:
    async with system_factory("orders", "inventory") as system:
        body = await system.graphql(
            "orders", SET_ORDER_STATUS, {"id": "order-3", "status": "CANCELLED"}, **ADMIN
        )
        assert body["data"]["setOrderStatus"]["status"] == "CANCELLED"
        assert await stock(system, "product-5") == 51


async def test_only_admins_set_order_status(system_factory) -> None:
    async with system_factory("orders") as system:
        customer = await system.graphql(
            "orders", SET_ORDER_STATUS, {"id": "order-3", "status": "CONFIRMED"}, user="user-2"
        )
        anonymous = await system.graphql("orders", SET_ORDER_STATUS, {"id": "order-3", "status": "CONFIRMED"})
    assert code(customer) == "FORBIDDEN"
    assert code(anonymous) == "UNAUTHENTICATED"


async def test_setting_the_status_of_an_unknown_order_is_not_found(system_factory) -> None:
    async with system_factory("orders") as system:
        body = await system.graphql(
            "orders", SET_ORDER_STATUS, {"id": "order-77", "status": "CONFIRMED"}, **ADMIN
        )
    assert code(body) == "NOT_FOUND"


async def test_a_placed_order_cancelled_by_its_owner_gives_all_items_back(system_factory) -> None:
    require_subgraphs("users", "products")
    async with system_factory("orders", "users", "products", "inventory") as system:
        placed = await system.graphql(
            "orders", PLACE_ORDER, items(("product-4", 3), ("product-6", 2)), user="user-3"
        )
        order_id = placed["data"]["placeOrder"]["id"]
        assert (await stock(system, "product-4"), await stock(system, "product-6")) == (37, 58)
        body = await system.graphql("orders", CANCEL_ORDER, {"id": order_id}, user="user-3")
        assert body["data"]["cancelOrder"]["status"] == "CANCELLED"
        assert (await stock(system, "product-4"), await stock(system, "product-6")) == (40, 60)

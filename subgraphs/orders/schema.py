"""The orders subgraph's schema: ``order``, ``placeOrder``, ``cancelOrder``, ``setOrderStatus``.

Placing an order is a small saga over three services, in this order: validate the input, check the
user (users), price the items (products), reserve stock (inventory), store the order. Nothing is
stored unless the reservation succeeded, and a reservation whose order could not be stored is
released again (the compensation), so stock is never held for an order that does not exist.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import strawberry

from subgraphs.common import (
    BadUserInput,
    Conflict,
    Money,
    NotFound,
    PageInfo,
    ServiceCallFailed,
    ServiceUnavailable,
    Unauthenticated,
    federated_schema,
)

from . import events, models
from .loaders import OrderLoader
from .models import TRANSITIONS, create_order, new_order_id, set_status
from .types import (
    Info,
    Order,
    OrderItemInput,
    OrderStatus,
    Product,
    User,
    can_see,
)

if TYPE_CHECKING:
    import httpx

__all__ = ["Mutation", "Query", "schema"]

log = logging.getLogger("subgraphs.orders")

MAX_ITEM_QUANTITY = 100
MAX_ORDER_LINES = 100
CANCELLABLE = frozenset({models.OrderStatus.PENDING, models.OrderStatus.CONFIRMED})


@strawberry.type
class Query:
    @strawberry.federation.field(
        description="An order by id: only its owner or an admin (NOT_FOUND for anyone else).",
        authenticated=True,
    )
    async def order(self, info: Info, id: strawberry.ID) -> Order | None:
        return Order.from_row(await _visible_order(info, str(id)))


@strawberry.type
class Mutation:
    @strawberry.federation.mutation(
        authenticated=True,
        description=(
            "Place an order for the signed-in user: prices come from the catalogue, stock is "
            "reserved, and the order starts PENDING."
        ),
    )
    async def place_order(self, info: Info, items: list[OrderItemInput]) -> Order:
        viewer = info.context.require_viewer()
        wanted = _validated_lines(items)
        await _require_user(info, viewer.user_id)
        prices = await _prices(info, [product_id for product_id, _ in wanted])
        currencies = sorted({currency for _, currency in prices.values()})
        if len(currencies) > 1:
            raise BadUserInput(
                f"All items of an order must be priced in one currency, got {', '.join(currencies)}."
            )
        order_id = new_order_id()
        await _reserve(info, order_id, wanted)
        try:
            row = await create_order(
                info.context.session,
                order_id=order_id,
                user_id=viewer.user_id,
                currency=currencies[0],
                lines=[(pid, quantity, prices[pid][0]) for pid, quantity in wanted],
            )
        except Exception:
            log.exception("storing order %s failed after reserving its stock; releasing it", order_id)
            await _release_quietly(info, order_id)
            raise
        return Order.from_row(row)

    @strawberry.federation.mutation(
        authenticated=True,
        description="Cancel a PENDING or CONFIRMED order (its owner or an admin); its stock is returned.",
    )
    async def cancel_order(self, info: Info, id: strawberry.ID) -> Order:
        order = await _visible_order(info, str(id))
        if order.status not in CANCELLABLE:
            raise Conflict(
                f"Order {order.id} is {order.status.value}: "
                "only PENDING or CONFIRMED orders can be cancelled."
            )
        return await _change_status(info, order, models.OrderStatus.CANCELLED)

    @strawberry.mutation(
        description=(
            "Admin only: move an order along its lifecycle (PENDING -> CONFIRMED|CANCELLED, "
            "CONFIRMED -> SHIPPED|CANCELLED, SHIPPED -> DELIVERED)."
        )
    )
    async def set_order_status(self, info: Info, id: strawberry.ID, status: OrderStatus) -> Order:
        info.context.require_admin()
        order = await _visible_order(info, str(id))
        new = models.OrderStatus(status)
        if new not in TRANSITIONS[order.status]:
            raise Conflict(
                f"Order {order.id} cannot change from {order.status.value} to {new.value}.",
                fromStatus=order.status.value,
                toStatus=new.value,
            )
        return await _change_status(info, order, new)


async def _visible_order(info: Info, order_id: str) -> models.OrderRow:
    """The order if the viewer may see it; NOT_FOUND alike for missing and foreign orders."""
    info.context.require_viewer()
    row = await info.context.loader(OrderLoader).load(order_id)
    if row is None or not can_see(info, row.user_id):
        raise NotFound(f"Order {order_id} not found.")
    return row


async def _change_status(info: Info, order: models.OrderRow, new: models.OrderStatus) -> Order:
    """Apply one status change. Cancelling releases the reservation before the change commits:
    if inventory cannot be reached the order keeps its status (SERVICE_UNAVAILABLE), so a
    cancelled order never keeps stock."""
    session = info.context.session
    try:
        if not await set_status(session, order.id, current=order.status, new=new):
            raise Conflict(f"Order {order.id} was changed by someone else; reload it and try again.")
        await events.status_changed(
            session,
            order_id=order.id,
            user_id=order.user_id,
            from_status=order.status.value,
            to_status=new.value,
        )
        if new is models.OrderStatus.CANCELLED:
            await _release(info, order.id)
        await session.commit()
    except BaseException:
        await session.rollback()
        raise
    info.context.loader(OrderLoader).clear(order.id)
    changed = await info.context.loader(OrderLoader).load(order.id)
    assert changed is not None
    return Order.from_row(changed)


def _validated_lines(items: list[OrderItemInput]) -> list[tuple[str, int]]:
    if not items:
        raise BadUserInput("An order needs at least one item.")
    if len(items) > MAX_ORDER_LINES:
        raise BadUserInput(f"An order can have at most {MAX_ORDER_LINES} items, got {len(items)}.")
    lines: list[tuple[str, int]] = []
    seen: set[str] = set()
    for item in items:
        product_id = str(item.product_id)
        if not 1 <= item.quantity <= MAX_ITEM_QUANTITY:
            raise BadUserInput(
                f"Quantity of {product_id} must be between 1 and {MAX_ITEM_QUANTITY}, got {item.quantity}."
            )
        if product_id in seen:
            raise BadUserInput(f"Product {product_id} appears more than once; combine the quantities.")
        seen.add(product_id)
        lines.append((product_id, item.quantity))
    return lines


async def _call(info: Info, service: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
    try:
        return await info.context.services.request(service, method, path, **kwargs)
    except ServiceCallFailed as exc:
        raise ServiceUnavailable(
            f"The {service} service is unavailable; the order was not changed. Try again later."
        ) from exc


def _json(service: str, response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError as exc:
        raise ServiceUnavailable(f"The {service} service sent an unreadable answer.") from exc


def _unexpected(service: str, response: httpx.Response) -> ServiceUnavailable:
    log.error("%s answered %s: %s", service, response.status_code, response.text[:500])
    return ServiceUnavailable(f"The {service} service refused the request ({response.status_code}).")


async def _require_user(info: Info, user_id: str) -> None:
    response = await _call(info, "users", "GET", f"/internal/v1/users/{user_id}")
    if response.status_code == 404:
        raise Unauthenticated(f"Your account {user_id} no longer exists; sign in again.")
    if response.status_code != 200:
        raise _unexpected("users", response)


async def _prices(info: Info, product_ids: list[str]) -> dict[str, tuple[int, str]]:
    """Current unit price (amount, currency) of each product, from the products subgraph."""
    response = await _call(
        info, "products", "GET", "/internal/v1/products", params={"ids": ",".join(product_ids)}
    )
    if response.status_code != 200:
        raise _unexpected("products", response)
    body = _json("products", response)
    missing = [pid for pid in product_ids if pid in set(body.get("missing", []))]
    prices = {
        str(product["id"]): (int(product["price"]["amount"]), str(product["price"]["currency"]))
        for product in body.get("products", [])
    }
    missing += [pid for pid in product_ids if pid not in prices and pid not in missing]
    if missing:
        raise NotFound(f"Product {', '.join(missing)} not found.", productIds=missing)
    return prices


async def _reserve(info: Info, order_id: str, lines: list[tuple[str, int]]) -> None:
    """Reserve stock for every line (all or nothing). The call is retried safely because
    inventory treats a repeated reservation of the same order id as the same reservation."""
    body = {"order_id": order_id, "items": [{"product_id": p, "quantity": q} for p, q in lines]}
    try:
        response = await info.context.services.request(
            "inventory", "POST", "/internal/v1/reservations", json=body, idempotent=True
        )
    except ServiceCallFailed as exc:
        # A timed-out call may still have reserved: release whatever exists under this id.
        await _release_quietly(info, order_id)
        raise ServiceUnavailable(
            "The inventory service is unavailable; the order was not placed. Try again later."
        ) from exc
    if response.status_code in (200, 201):
        return
    detail = str(_json("inventory", response).get("detail", "")) if response.content else ""
    if response.status_code == 409:
        raise Conflict(f"Cannot place the order: {detail}.")
    if response.status_code == 404:
        raise NotFound(f"Cannot place the order: {detail} (not stocked).")
    raise _unexpected("inventory", response)


async def _release(info: Info, order_id: str) -> None:
    """Return an order's reserved stock; an order without a reservation (404) has none to return."""
    response = await _call(info, "inventory", "DELETE", f"/internal/v1/reservations/{order_id}")
    if response.status_code not in (200, 404):
        raise _unexpected("inventory", response)


async def _release_quietly(info: Info, order_id: str) -> None:
    """Compensation on a path that already fails: log instead of masking the original error."""
    try:
        await _release(info, order_id)
    except ServiceUnavailable:
        log.error("could not release the reservation of order %s; release it by hand", order_id)


schema = federated_schema(query=Query, mutation=Mutation, types=(Order, User, Product, Money, PageInfo))

"""Per-request DataLoaders of the orders subgraph: N keys = one SELECT per loader."""

from __future__ import annotations

from collections import defaultdict

from aiodataloader import DataLoader
from sqlalchemy.ext.asyncio import AsyncSession

from .models import ItemRow, OrderRow, items_by_order, orders_by_id, orders_page_by_user

__all__ = ["OrderItemsLoader", "OrderLoader", "UserOrdersLoader", "UserOrdersPage"]

#: (user id, limit, offset): one page of one user's orders.
UserOrdersPage = tuple[str, int, int]


class OrderLoader(DataLoader[str, OrderRow | None]):
    """Orders by id (None for unknown ids)."""

    def __init__(self, session: AsyncSession) -> None:
        super().__init__()
        self._session = session

    async def batch_load_fn(self, order_ids: list[str]) -> list[OrderRow | None]:
        orders = await orders_by_id(self._session, order_ids)
        return [orders.get(order_id) for order_id in order_ids]


class OrderItemsLoader(DataLoader[str, list[ItemRow]]):
    """The items of orders by order id."""

    def __init__(self, session: AsyncSession) -> None:
        super().__init__()
        self._session = session

    async def batch_load_fn(self, order_ids: list[str]) -> list[list[ItemRow]]:
        items = await items_by_order(self._session, order_ids)
        return [items.get(order_id, []) for order_id in order_ids]


class UserOrdersLoader(DataLoader[UserOrdersPage, list[OrderRow]]):
    """A page of each user's orders, newest first, with one extra row when more follow.

    Keys asking for the same window (the usual case: every user of a list with the same
    ``first``/``after``) share one SELECT.
    """

    def __init__(self, session: AsyncSession) -> None:
        super().__init__()
        self._session = session

    async def batch_load_fn(self, keys: list[UserOrdersPage]) -> list[list[OrderRow]]:
        windows: dict[tuple[int, int], list[str]] = defaultdict(list)
        for user_id, limit, offset in keys:
            windows[(limit, offset)].append(user_id)
        pages: dict[UserOrdersPage, list[OrderRow]] = {}
        for (limit, offset), user_ids in windows.items():
            by_user = await orders_page_by_user(self._session, user_ids, limit=limit, offset=offset)
            for user_id, rows in by_user.items():
                pages[(user_id, limit, offset)] = rows
        return [pages[key] for key in keys]

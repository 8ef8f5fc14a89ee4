"""GraphQL types of the orders subgraph: ``Order``, its items, and ``User.orders``."""

from __future__ import annotations

from datetime import datetime

import strawberry

from subgraphs.common import (
    DEFAULT_PAGE_SIZE,
    Connection,
    Forbidden,
    Money,
    SubgraphContext,
    connection_from_rows,
    offset_window,
)

from . import models
from .loaders import OrderItemsLoader, OrderLoader, UserOrdersLoader

__all__ = [
    "Order",
    "OrderItem",
    "OrderItemInput",
    "OrderStatus",
    "Product",
    "User",
    "can_see",
]

Info = strawberry.Info[SubgraphContext, None]

OrderStatus = strawberry.enum(
    models.OrderStatus,
    description=(
        "Where an order is in its lifecycle: PENDING -> CONFIRMED -> SHIPPED -> DELIVERED; "
        "PENDING and CONFIRMED orders can be CANCELLED."
    ),
)

#: Cursors of ``User.orders`` carry the position in the user's newest-first list.
_CURSOR_KIND = "order"


def can_see(info: Info, user_id: str) -> bool:
    """Orders are private: only their owner and admins see them."""
    viewer = info.context.viewer
    return viewer is not None and (viewer.is_admin or viewer.user_id == user_id)


@strawberry.federation.type(keys=["id"])
class Product:
    """A product of the products subgraph (a stub: orders knows only its id)."""

    id: strawberry.ID

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Product:
        return cls(id=id)


@strawberry.type(description="One line of an order.")
class OrderItem:
    product: Product
    quantity: int
    unit_price: Money = strawberry.field(description="The unit price when the order was placed.")


@strawberry.federation.type(keys=["id"], description="An order of a user. Visible to its owner and admins.")
class Order:
    id: strawberry.ID
    status: OrderStatus
    total: Money = strawberry.field(description="Sum of quantity x unit price over all items.")
    created_at: datetime = strawberry.field(description="When the order was placed (UTC).")
    user_id: strawberry.Private[str]

    @strawberry.field
    async def items(self, info: Info) -> list[OrderItem]:
        rows = await info.context.loader(OrderItemsLoader).load(str(self.id))
        return [
            OrderItem(
                product=Product(id=strawberry.ID(row.product_id)),
                quantity=row.quantity,
                unit_price=Money(amount=row.unit_amount, currency=self.total.currency),
            )
            for row in rows
        ]

    @strawberry.field
    def user(self) -> User:
        return User(id=strawberry.ID(self.user_id))

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> Order | None:
        """Batched through :class:`OrderLoader`. Unknown orders and orders the viewer may not see
        both resolve to null, so an entity lookup never reveals that someone else's order exists."""
        row = await info.context.loader(OrderLoader).load(str(id))
        if row is None or not can_see(info, row.user_id):
            return None
        return cls.from_row(row)

    @classmethod
    def from_row(cls, row: models.OrderRow) -> Order:
        return cls(
            id=strawberry.ID(row.id),
            status=row.status,
            total=Money(amount=row.total_amount, currency=row.currency),
            created_at=row.created_at,
            user_id=row.user_id,
        )


@strawberry.federation.type(keys=["id"])
class User:
    """A user of the users subgraph; orders contributes their order history."""

    id: strawberry.ID

    @strawberry.federation.field(
        authenticated=True,
        description=(
            "The user's orders, newest first. Only the user themself and admins may read them "
            "(FORBIDDEN otherwise)."
        ),
    )
    async def orders(
        self, info: Info, first: int = DEFAULT_PAGE_SIZE, after: str | None = None
    ) -> Connection[Order] | None:
        viewer = info.context.require_viewer()
        if not (viewer.is_admin or viewer.user_id == self.id):
            raise Forbidden("Only the user themself or an admin can see these orders.")
        limit, offset = offset_window(_CURSOR_KIND, first, after)
        rows = await info.context.loader(UserOrdersLoader).load((str(self.id), limit, offset))
        positioned = list(enumerate(rows, start=offset))
        return connection_from_rows(
            positioned,
            first=limit,
            kind=_CURSOR_KIND,
            key=lambda item: str(item[0]),
            node=lambda item: Order.from_row(item[1]),
        )

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> User:
        return cls(id=id)


@strawberry.input(description="One product and how many of it to order.")
class OrderItemInput:
    product_id: strawberry.ID
    quantity: int = strawberry.field(description="1 to 100.")

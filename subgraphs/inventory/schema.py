"""The inventory subgraph's schema: stock fields on ``Product`` and the admin ``setStock``."""

from __future__ import annotations

import strawberry

from subgraphs.common import (
    BadUserInput,
    Money,
    NotFound,
    ServiceCallFailed,
    ServiceUnavailable,
    federated_schema,
)

from .loaders import invalidate_stock
from .models import StockLevel, insert_stock, update_stock
from .types import Info, Product

__all__ = ["Mutation", "Query", "schema"]

MAX_QUANTITY = 1_000_000


@strawberry.type
class Query:
    """Inventory has no root fields of its own: clients reach stock through ``Product``."""


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Admin only: set the units in stock of a product (>= 0).")
    async def set_stock(self, info: Info, product_id: strawberry.ID, quantity: int) -> Product:
        """Overwrite a product's stock level (a stock count, a correction, a delivery).

        A product inventory has never stocked is first confirmed with the products subgraph,
        so stock cannot be invented for ids that do not exist.
        """
        info.context.require_admin()
        if quantity < 0 or quantity > MAX_QUANTITY:
            raise BadUserInput(f"quantity must be between 0 and {MAX_QUANTITY}, got {quantity}.")
        session = info.context.session
        threshold = info.context.settings.low_stock_threshold
        level = await update_stock(session, str(product_id), quantity, low_stock_threshold=threshold)
        if level is None:
            await _require_known_product(info, str(product_id))
            level = await insert_stock(session, str(product_id), quantity, low_stock_threshold=threshold)
        await invalidate_stock(info.context.state, [level.product_id])
        return _product(level)


async def _require_known_product(info: Info, product_id: str) -> None:
    try:
        response = await info.context.services.request(
            "products", "GET", "/internal/v1/products", params={"ids": product_id}
        )
    except ServiceCallFailed as exc:
        raise ServiceUnavailable(
            f"Cannot check product {product_id}: the products service is unavailable."
        ) from exc
    if response.status_code != 200:
        raise ServiceUnavailable(
            f"Cannot check product {product_id}: products answered {response.status_code}."
        )
    # Match the exact id among the products found: an id containing a comma would otherwise be
    # split by the products endpoint into ids that may well exist.
    found = {str(product.get("id")) for product in response.json().get("products", [])}
    if product_id not in found:
        raise NotFound(f"Product {product_id} not found.")


def _product(level: StockLevel) -> Product:
    return Product(id=strawberry.ID(level.product_id), quantity=level.quantity)


schema = federated_schema(query=Query, mutation=Mutation, types=(Product, Money))

"""GraphQL types of the inventory subgraph: the stock fields it contributes to ``Product``."""

from __future__ import annotations

import math
from typing import Any

import strawberry

from subgraphs.common import Money, SubgraphContext

from .loaders import loaders_of

__all__ = ["FREE_SHIPPING_FROM", "Info", "Product", "shipping_estimate"]

Info = strawberry.Info[SubgraphContext, None]

#: Orders of a product priced at this many cents or more ship free.
FREE_SHIPPING_FROM = 5000
BASE_SHIPPING = 499
PER_STARTED_KILOGRAM = 100


def shipping_estimate(price_amount: int, weight_grams: int | None) -> int:
    """Shipping cost in cents: free from 50.00, else 4.99 plus 1.00 per started kilogram."""
    if price_amount >= FREE_SHIPPING_FROM:
        return 0
    kilograms = math.ceil(max(weight_grams or 0, 0) / 1000)
    return BASE_SHIPPING + PER_STARTED_KILOGRAM * kilograms


@strawberry.federation.type(keys=["id"])
class Product:
    """A product of the products subgraph; inventory contributes its stock fields."""

    id: strawberry.ID
    # Fields this subgraph adds to another subgraph's entity are nullable in the schema: when
    # inventory fails, the router nulls only them, not the whole product.
    quantity: int = strawberry.field(description="Units in stock (never negative).", graphql_type=int | None)
    # Owned by the products subgraph, declared here (same types: Money!, Int!) only to be @required.
    # The router never asks inventory for them; they hold the representation's values, if any.
    price: Money | None = strawberry.federation.field(external=True, graphql_type=Money, default=None)
    weight: int | None = strawberry.federation.field(external=True, graphql_type=int, default=None)
    # The @requires inputs as the router sent them (price.amount is all the estimate needs).
    required_price_amount: strawberry.Private[int | None] = None

    @strawberry.field(description="True when at least one unit is in stock.", graphql_type=bool | None)
    def in_stock(self) -> bool:
        return self.quantity > 0

    @strawberry.federation.field(
        requires=["price { amount } weight"],
        description=(
            "Estimated shipping cost in cents: 0 (free) when price.amount >= 5000, otherwise "
            "499 plus 100 per started kilogram of weight (weight in grams). Null when the price "
            "was not provided."
        ),
    )
    def shipping_estimate(self) -> int | None:
        """Shipping estimate from the products subgraph's price and weight (``@requires``).

        Free (0) when ``price.amount >= 5000`` cents, else ``499 + 100 * ceil(weight / 1000)``:
        4.99 base plus 1.00 per started kilogram. The router fetches price and weight from the
        products subgraph first and passes them in the representation; without a price there is
        nothing to estimate, so the field is null rather than a guess.
        """
        if self.required_price_amount is None:
            return None
        return shipping_estimate(self.required_price_amount, self.weight)

    @classmethod
    async def resolve_reference(
        cls, info: Info, id: strawberry.ID, price: Any = None, weight: Any = None
    ) -> Product | None:
        """Entity resolution through the request's stock loader (N ids = one SELECT, or none when
        the entity cache has them); a product inventory has no stock row for resolves to null."""
        level = await info.context.loader(loaders_of(info.context.state).by_product).load(str(id))
        if level is None:
            return None
        amount = price.get("amount") if isinstance(price, dict) else None
        return cls(
            id=strawberry.ID(level.product_id),
            quantity=level.quantity,
            weight=weight if isinstance(weight, int) else None,
            required_price_amount=amount if isinstance(amount, int) else None,
        )

"""``@requires``, including requirements from a third subgraph and a chain of requirements.

- products:   ``Product @key(upc)`` with ``name``, ``price``, ``weight``; ``Query.products``; and
  ``insurance @requires("shippingCost")`` (price // 10 + shippingCost): a requirement that leads
  back into the subgraph the query started in (products -> dimensions -> shipping -> products).
- dimensions: ``Product.size @requires("weight")`` (size = 2 * weight).
- shipping:   ``Product.shippingEstimate @requires("price weight")`` (weight + 10, free from 1000 on)
  and ``Product.shippingCost @requires("size weight")`` (size + weight; size lives in dimensions, which
  itself needs weight from products); ``Query.cheapestToShip`` (product 3, known only by its upc).

Resolvers fail loudly when a required field was not sent in the representation.
"""

from __future__ import annotations

import strawberry


@strawberry.federation.type(keys=["upc"], name="Product")
class CatalogProduct:
    upc: str
    name: str
    price: int
    weight: int
    shipping_cost: int = strawberry.federation.field(external=True, default=-1)

    @strawberry.federation.field(requires=["shippingCost"])
    def insurance(self) -> int:
        return self.price // 10 + _required(self.shipping_cost, "shippingCost")

    @classmethod
    def resolve_reference(cls, upc: str, shippingCost: int = -1) -> CatalogProduct | None:
        product = next((p for p in PRODUCTS if p.upc == upc), None)
        if product is None:
            return None
        return CatalogProduct(
            upc=upc, name=product.name, price=product.price, weight=product.weight, shipping_cost=shippingCost
        )


PRODUCTS = [
    CatalogProduct(upc="1", name="Table", price=899, weight=30),
    CatalogProduct(upc="2", name="Couch", price=1299, weight=60),
    CatalogProduct(upc="3", name="Chair", price=54, weight=5),
]


@strawberry.type
class ProductsQuery:
    @strawberry.field
    def products(self) -> list[CatalogProduct]:
        return PRODUCTS


products = strawberry.federation.Schema(query=ProductsQuery, federation_version="2.7")


NOT_SENT = -1  # external fields default to this when a representation lacks them


def _required(value: int, name: str) -> int:
    if value == NOT_SENT:
        raise ValueError(f"{name} was not sent in the representation")
    return value


@strawberry.federation.type(keys=["upc"], name="Product")
class MeasuredProduct:
    upc: str
    weight: int = strawberry.federation.field(external=True, default=NOT_SENT)

    @strawberry.federation.field(requires=["weight"])
    def size(self) -> int:
        return 2 * _required(self.weight, "weight")

    @classmethod
    def resolve_reference(cls, upc: str, weight: int = NOT_SENT) -> MeasuredProduct:
        return cls(upc=upc, weight=weight)


@strawberry.type
class DimensionsQuery:
    @strawberry.field
    def unit(self) -> str:
        return "cm"


dimensions = strawberry.federation.Schema(
    query=DimensionsQuery, types=[MeasuredProduct], federation_version="2.7"
)


@strawberry.federation.type(keys=["upc"], name="Product")
class ShippedProduct:
    upc: str
    price: int = strawberry.federation.field(external=True, default=NOT_SENT)
    weight: int = strawberry.federation.field(external=True, default=NOT_SENT)
    size: int = strawberry.federation.field(external=True, default=NOT_SENT)

    @strawberry.federation.field(requires=["price weight"])
    def shipping_estimate(self) -> int:
        if _required(self.price, "price") >= 1000:
            return 0
        return _required(self.weight, "weight") + 10

    @strawberry.federation.field(requires=["size weight"])
    def shipping_cost(self) -> int:
        return _required(self.size, "size") + _required(self.weight, "weight")

    @classmethod
    def resolve_reference(
        cls, upc: str, price: int = NOT_SENT, weight: int = NOT_SENT, size: int = NOT_SENT
    ) -> ShippedProduct:
        return cls(upc=upc, price=price, weight=weight, size=size)


@strawberry.type
class ShippingQuery:
    @strawberry.field
    def carrier(self) -> str:
        return "Parcel Co."

    @strawberry.field
    def cheapest_to_ship(self) -> ShippedProduct:
        return ShippedProduct(upc="3")


shipping = strawberry.federation.Schema(query=ShippingQuery, types=[ShippedProduct], federation_version="2.7")

SUBGRAPHS = {"products": products, "dimensions": dimensions, "shipping": shipping}

"""``@inaccessible``: fields the router uses but clients cannot see.

- catalog: ``Product @key(id) @key(sku)`` with ``name``, ``sku @inaccessible`` and ``cost
  @inaccessible``; ``Query.products``.
- stock:   ``Product @key(sku)`` with ``inStock``: reachable only through the inaccessible key.
- margins: ``Product.margin @requires("cost")`` (100 - cost): requires an inaccessible field.
"""

from __future__ import annotations

import strawberry


@strawberry.federation.type(keys=["id", "sku"], name="Product")
class CatalogProduct:
    id: strawberry.ID
    sku: str = strawberry.federation.field(inaccessible=True)
    name: str
    cost: int = strawberry.federation.field(inaccessible=True)

    @classmethod
    def resolve_reference(cls, **key: str) -> CatalogProduct | None:
        field, value = next(iter(key.items()))
        return next((p for p in PRODUCTS if getattr(p, field) == value), None)


PRODUCTS = [
    CatalogProduct(id=strawberry.ID("p1"), sku="SKU-1", name="Kettle", cost=12),
    CatalogProduct(id=strawberry.ID("p2"), sku="SKU-2", name="Toaster", cost=30),
]


@strawberry.type
class CatalogQuery:
    @strawberry.field
    def products(self) -> list[CatalogProduct]:
        return PRODUCTS


catalog = strawberry.federation.Schema(query=CatalogQuery, federation_version="2.7")


STOCK = {"SKU-1": 5, "SKU-2": 0}


@strawberry.federation.type(keys=["sku"], name="Product")
class StockedProduct:
    sku: str

    @strawberry.field
    def in_stock(self) -> int:
        return STOCK[self.sku]

    @classmethod
    def resolve_reference(cls, sku: str) -> StockedProduct:
        return cls(sku=sku)


@strawberry.type
class StockQuery:
    @strawberry.field
    def warehouses(self) -> int:
        return 1


stock = strawberry.federation.Schema(query=StockQuery, types=[StockedProduct], federation_version="2.7")


@strawberry.federation.type(keys=["id"], name="Product")
class MarginProduct:
    id: strawberry.ID
    cost: int = strawberry.federation.field(external=True, default=-1)

    @strawberry.federation.field(requires=["cost"])
    def margin(self) -> int:
        if self.cost < 0:
            raise ValueError("cost was not sent in the representation")
        return 100 - self.cost

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, cost: int = -1) -> MarginProduct:
        return cls(id=id, cost=cost)


@strawberry.type
class MarginsQuery:
    @strawberry.field
    def currency(self) -> str:
        return "EUR"


margins = strawberry.federation.Schema(query=MarginsQuery, types=[MarginProduct], federation_version="2.7")

SUBGRAPHS = {"catalog": catalog, "stock": stock, "margins": margins}

"""``@context``/``@fromContext`` (federation 2.8): a price in the currency of the place listing the item.

- catalog: ``Store @key(id) { id name items }``, ``Warehouse @key(id) { id items }``,
  ``Item @key(id) { id name }``, ``union Place = Store | Warehouse``; ``Query.store(id)``,
  ``Query.stores``, ``Query.warehouses``, ``Query.places``.
- pricing: ``Store @context(name: "site") { currency: String! }``, ``Warehouse @context(name: "site")
  { currency: String }`` and ``Item.price(currency: String @fromContext(field: "$site { currency }"),
  rounded: Boolean): String`` (the amount with the currency it received, ``"-"`` for none).

Item ``i2`` is listed by both stores, so one representation needs two different currencies; warehouse
``w2`` has no currency.
"""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.federation.schema_directives import Context, FromContext

# --- catalog -----------------------------------------------------------------------------------------


@strawberry.federation.type(keys=["id"], name="Item")
class CatalogItem:
    id: strawberry.ID
    name: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> CatalogItem | None:
        return ITEMS.get(id)


ITEMS = {
    strawberry.ID(i): CatalogItem(id=strawberry.ID(i), name=n)
    for i, n in (("i1", "Lamp"), ("i2", "Desk"), ("i3", "Rug"))
}


def _items(*ids: str) -> list[CatalogItem]:
    return [ITEMS[strawberry.ID(i)] for i in ids]


@strawberry.federation.type(keys=["id"], name="Store")
class CatalogStore:
    id: strawberry.ID
    name: str
    items: list[CatalogItem]


@strawberry.federation.type(keys=["id"], name="Warehouse")
class CatalogWarehouse:
    id: strawberry.ID
    items: list[CatalogItem]


STORES = [
    CatalogStore(id=strawberry.ID("s1"), name="Paris", items=_items("i1", "i2")),
    CatalogStore(id=strawberry.ID("s2"), name="Boston", items=_items("i2", "i3")),
]
WAREHOUSES = [
    CatalogWarehouse(id=strawberry.ID("w1"), items=_items("i1")),
    CatalogWarehouse(id=strawberry.ID("w2"), items=_items("i3")),
]

Place = Annotated[CatalogStore | CatalogWarehouse, strawberry.union("Place")]


@strawberry.type
class CatalogQuery:
    @strawberry.field
    def store(self, id: strawberry.ID) -> CatalogStore | None:
        return next((s for s in STORES if s.id == id), None)

    @strawberry.field
    def stores(self) -> list[CatalogStore]:
        return STORES

    @strawberry.field
    def warehouses(self) -> list[CatalogWarehouse]:
        return WAREHOUSES

    @strawberry.field
    def places(self) -> list[Place]:
        return [STORES[0], WAREHOUSES[1]]  # type: ignore[list-item]


catalog = strawberry.federation.Schema(query=CatalogQuery, federation_version="2.8")

# --- pricing -----------------------------------------------------------------------------------------

CURRENCIES = {"s1": "EUR", "s2": "USD", "w1": "GBP", "w2": None}
AMOUNTS = {"i1": 12.5, "i2": 80.25, "i3": 40.0}


@strawberry.federation.type(keys=["id"], name="Store", directives=[Context(name="site")])
class PricingStore:
    id: strawberry.ID

    @strawberry.field
    def currency(self) -> str:
        return str(CURRENCIES[self.id])

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> PricingStore:
        return cls(id=id)


@strawberry.federation.type(keys=["id"], name="Warehouse", directives=[Context(name="site")])
class PricingWarehouse:
    id: strawberry.ID

    @strawberry.field
    def currency(self) -> str | None:
        return CURRENCIES[self.id]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> PricingWarehouse:
        return cls(id=id)


@strawberry.federation.type(keys=["id"], name="Item")
class PricingItem:
    id: strawberry.ID

    @strawberry.field
    def price(
        self,
        currency: Annotated[
            # No default: composition forbids one on a @fromContext argument; the router always sends it.
            str | None,
            strawberry.argument(directives=[FromContext(field="$site { currency }")]),
        ],
        rounded: bool | None = None,
    ) -> str | None:
        amount = AMOUNTS[self.id]
        shown = f"{round(amount)}" if rounded else f"{amount:.2f}"
        return f"{shown} {currency or '-'}"

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> PricingItem:
        return cls(id=id)


@strawberry.type
class PricingQuery:
    @strawberry.field
    def currencies(self) -> list[str]:
        return sorted(c for c in CURRENCIES.values() if c)


pricing = strawberry.federation.Schema(
    query=PricingQuery, types=[PricingStore, PricingWarehouse, PricingItem], federation_version="2.8"
)

SUBGRAPHS = {"catalog": catalog, "pricing": pricing}

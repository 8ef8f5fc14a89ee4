"""``@override``, plain and progressive.

- legacy:  ``Product @key(id)`` with ``name``, ``price``, ``stock``, ``color``, ``discount`` (stale
  values); ``Query.products``.
- pricing: ``price @override(from: "legacy")``, ``stock @override(from: "legacy", label: "percent(100)")``
  (always migrated), ``color @override(from: "legacy", label: "percent(0)")`` (never migrated),
  ``discount @override(from: "legacy", label: "discounts")`` (migrated for requests that enable the
  ``discounts`` label).

The two subgraphs answer differently, so the response shows which one was asked.
"""

from __future__ import annotations

import strawberry
from strawberry.federation.schema_directives import Override

IDS = ("p1", "p2")


@strawberry.federation.type(keys=["id"], name="Product")
class LegacyProduct:
    id: strawberry.ID
    name: str
    price: int
    stock: int
    color: str
    discount: int

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> LegacyProduct | None:
        return next((p for p in LEGACY if p.id == id), None)


LEGACY = [
    LegacyProduct(id=strawberry.ID("p1"), name="Kettle", price=1, stock=0, color="legacy-white", discount=0),
    LegacyProduct(id=strawberry.ID("p2"), name="Toaster", price=2, stock=0, color="legacy-black", discount=0),
]


@strawberry.type
class LegacyQuery:
    @strawberry.field
    def products(self) -> list[LegacyProduct]:
        return LEGACY


legacy = strawberry.federation.Schema(query=LegacyQuery, federation_version="2.7")


PRICING = {"p1": (30, 7, "pricing-white", 15), "p2": (45, 3, "pricing-black", 20)}


@strawberry.federation.type(keys=["id"], name="Product")
class PricedProduct:
    id: strawberry.ID

    @strawberry.federation.field(override="legacy")
    def price(self) -> int:
        return PRICING[self.id][0]

    @strawberry.federation.field(override=Override(override_from="legacy", label="percent(100)"))
    def stock(self) -> int:
        return PRICING[self.id][1]

    @strawberry.federation.field(override=Override(override_from="legacy", label="percent(0)"))
    def color(self) -> str:
        return PRICING[self.id][2]

    @strawberry.federation.field(override=Override(override_from="legacy", label="discounts"))
    def discount(self) -> int:
        return PRICING[self.id][3]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> PricedProduct:
        return cls(id=id)


@strawberry.type
class PricingQuery:
    @strawberry.field
    def currency(self) -> str:
        return "EUR"


pricing = strawberry.federation.Schema(query=PricingQuery, types=[PricedProduct], federation_version="2.7")

SUBGRAPHS = {"legacy": legacy, "pricing": pricing}

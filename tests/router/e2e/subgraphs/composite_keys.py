"""Composite and nested keys.

- catalog: ``Item @key("sku variant")`` with ``title``; ``Member @key("id organization { id }")`` with
  ``name``; ``Query.items`` (lists one item twice), ``Query.members``.
- pricing: the same keys, with ``Item.price`` and ``Member.role``.

Member ``m1`` belongs to two organizations with different roles: only the whole nested key tells them
apart.
"""

from __future__ import annotations

from typing import Any

import strawberry

# --- catalog -----------------------------------------------------------------------------------------


@strawberry.federation.type(keys=["id"])
class Organization:
    id: strawberry.ID

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Organization:
        return cls(id=id)


@strawberry.federation.type(keys=["sku variant"], name="Item")
class CatalogItem:
    sku: str
    variant: str
    title: str


@strawberry.federation.type(keys=["id organization { id }"], name="Member")
class CatalogMember:
    id: strawberry.ID
    organization: Organization
    name: str


ITEMS = [
    CatalogItem(sku="TSHIRT", variant="S", title="T-shirt (small)"),
    CatalogItem(sku="TSHIRT", variant="L", title="T-shirt (large)"),
    CatalogItem(sku="MUG", variant="RED", title="Red mug"),
    CatalogItem(sku="TSHIRT", variant="S", title="T-shirt (small)"),
]

MEMBERS = [
    CatalogMember(id=strawberry.ID("m1"), organization=Organization(id=strawberry.ID("acme")), name="Ada"),
    CatalogMember(id=strawberry.ID("m1"), organization=Organization(id=strawberry.ID("globex")), name="Ada"),
    CatalogMember(id=strawberry.ID("m2"), organization=Organization(id=strawberry.ID("acme")), name="Alan"),
]


@strawberry.type
class CatalogQuery:
    @strawberry.field
    def items(self) -> list[CatalogItem]:
        return ITEMS

    @strawberry.field
    def members(self) -> list[CatalogMember]:
        return MEMBERS


catalog = strawberry.federation.Schema(query=CatalogQuery, federation_version="2.7")


# --- pricing -----------------------------------------------------------------------------------------


@strawberry.federation.type(keys=["id"], name="Organization")
class PricingOrganization:
    id: strawberry.ID

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> PricingOrganization:
        return cls(id=id)


PRICES = {("TSHIRT", "S"): 10, ("TSHIRT", "L"): 12, ("MUG", "RED"): 7}
ROLES = {("m1", "acme"): "ADMIN", ("m1", "globex"): "VIEWER", ("m2", "acme"): "EDITOR"}


@strawberry.federation.type(keys=["sku variant"], name="Item")
class PricingItem:
    sku: str
    variant: str
    price: int

    @classmethod
    def resolve_reference(cls, sku: str, variant: str) -> PricingItem | None:
        price = PRICES.get((sku, variant))
        return None if price is None else cls(sku=sku, variant=variant, price=price)


@strawberry.federation.type(keys=["id organization { id }"], name="Member")
class PricingMember:
    id: strawberry.ID
    organization: PricingOrganization
    role: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, organization: dict[str, Any]) -> PricingMember | None:
        role = ROLES.get((id, organization["id"]))
        if role is None:
            return None
        return cls(id=id, organization=PricingOrganization(id=organization["id"]), role=role)


@strawberry.type
class PricingQuery:
    @strawberry.field
    def currency(self) -> str:
        return "EUR"


pricing = strawberry.federation.Schema(
    query=PricingQuery, types=[PricingItem, PricingMember], federation_version="2.7"
)

SUBGRAPHS = {"catalog": catalog, "pricing": pricing}

"""A key chain A -> B -> C: an order known by ``id`` in storefront, by ``number`` in warehouse.

- storefront: ``Order @key(id)``; ``Query.orders``.
- ledger:     ``Order @key(id) @key(number)`` with ``total``: the only subgraph that maps id to number.
- warehouse:  ``Order @key(number)`` with ``status``.

Reaching ``status`` from ``Query.orders`` needs storefront -> ledger (by id, for ``number``) ->
warehouse (by number).
"""

from __future__ import annotations

import strawberry


@strawberry.federation.type(keys=["id"], name="Order")
class StorefrontOrder:
    id: strawberry.ID

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> StorefrontOrder:
        return cls(id=id)


@strawberry.type
class StorefrontQuery:
    @strawberry.field
    def orders(self) -> list[StorefrontOrder]:
        return [StorefrontOrder(id=strawberry.ID(i)) for i in ("o1", "o2", "o3")]


storefront = strawberry.federation.Schema(query=StorefrontQuery, federation_version="2.7")


@strawberry.federation.type(keys=["id", "number"], name="Order")
class LedgerOrder:
    id: strawberry.ID
    number: str
    total: int

    @classmethod
    def resolve_reference(cls, **key: str) -> LedgerOrder | None:
        if "id" in key:
            return LEDGER.get(key["id"])
        return next((o for o in LEDGER.values() if o.number == key["number"]), None)


LEDGER = {
    o.id: o
    for o in [
        LedgerOrder(id=strawberry.ID("o1"), number="N-100", total=120),
        LedgerOrder(id=strawberry.ID("o2"), number="N-200", total=80),
        LedgerOrder(id=strawberry.ID("o3"), number="N-300", total=45),
    ]
}


@strawberry.type
class LedgerQuery:
    @strawberry.field
    def ledger_size(self) -> int:
        return len(LEDGER)


ledger = strawberry.federation.Schema(query=LedgerQuery, types=[LedgerOrder], federation_version="2.7")


@strawberry.federation.type(keys=["number"], name="Order")
class WarehouseOrder:
    number: str
    status: str

    @classmethod
    def resolve_reference(cls, number: str) -> WarehouseOrder | None:
        return WAREHOUSE.get(number)


WAREHOUSE = {
    o.number: o
    for o in [
        WarehouseOrder(number="N-100", status="SHIPPED"),
        WarehouseOrder(number="N-200", status="PACKING"),
        WarehouseOrder(number="N-300", status="DELIVERED"),
    ]
}


@strawberry.type
class WarehouseQuery:
    @strawberry.field
    def warehouse_open(self) -> bool:
        return True


warehouse = strawberry.federation.Schema(
    query=WarehouseQuery, types=[WarehouseOrder], federation_version="2.7"
)

SUBGRAPHS = {"storefront": storefront, "ledger": ledger, "warehouse": warehouse}

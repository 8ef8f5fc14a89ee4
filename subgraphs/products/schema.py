"""The products subgraph's federated schema: catalogue queries and admin mutations."""

from __future__ import annotations

import uuid

import strawberry

from subgraphs.common import (
    DEFAULT_PAGE_SIZE,
    Conflict,
    Connection,
    NotFound,
    SubgraphContext,
    connection_from_rows,
    federated_schema,
    keyset_window,
)

from .loaders import invalidate, loaders_of
from .models import ProductRow, SkuTaken, create_product, list_products, update_product
from .types import CreateProductInput, Product, UpdateProductInput

__all__ = ["Mutation", "Query", "schema"]

Info = strawberry.Info[SubgraphContext, None]

_CURSOR_KIND = "products"


@strawberry.type
class Query:
    @strawberry.field(description="A product by id; null when there is no such product.")
    async def product(self, info: Info, id: strawberry.ID) -> Product | None:
        row = await info.context.loader(loaders_of(info.context.state).by_id).load(str(id))
        return None if row is None else Product.from_row(row)

    @strawberry.field(
        description=(
            "Products in a stable order (by id), optionally of one category. "
            "`first` is 0..100 (default 10); continue with `after: pageInfo.endCursor`."
        )
    )
    async def products(
        self,
        info: Info,
        category: str | None = None,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Connection[Product]:
        first, after_id = keyset_window(_CURSOR_KIND, first, after)
        wanted = None if category is None else " ".join(category.split()).lower()
        rows = await list_products(info.context.session, category=wanted, after=after_id, limit=first + 1)
        return connection_from_rows(
            rows, first=first, kind=_CURSOR_KIND, key=lambda row: row.id, node=Product.from_row
        )


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description=(
            "Add a product. Admins only (UNAUTHENTICATED / FORBIDDEN). Price >= 0, weight > 0 "
            "(BAD_USER_INPUT); a taken sku is CONFLICT."
        )
    )
    async def create_product(self, info: Info, input: CreateProductInput) -> Product:
        info.context.require_admin()
        values = input.values()
        try:
            row = await create_product(
                info.context.session, {"id": f"product-{uuid.uuid4().hex[:12]}", **values}
            )
        except SkuTaken:
            raise _sku_taken(values["sku"]) from None
        # Unknown keys are never cached, but an invalidation after the commit costs little and
        # keeps that an implementation detail of the loaders.
        await invalidate(loaders_of(info.context.state).cache, ids=[row.id], skus=[row.sku])
        return Product.from_row(row)

    @strawberry.mutation(
        description=(
            "Change a product; omitted fields stay. Admins only. Unknown id is NOT_FOUND, a taken "
            "sku CONFLICT, invalid values BAD_USER_INPUT."
        )
    )
    async def update_product(self, info: Info, id: strawberry.ID, input: UpdateProductInput) -> Product:
        info.context.require_admin()
        changes = input.values()
        session = info.context.session
        # The sku before the change, to invalidate the entry cached under it; update_product then
        # finds this row in the session's identity map (no second SELECT).
        before = await session.get(ProductRow, str(id))
        old_sku = None if before is None else before.sku
        try:
            row = await update_product(session, str(id), changes)
        except SkuTaken:
            raise _sku_taken(changes["sku"]) from None
        if row is None:
            raise NotFound(f"Product {id!r} does not exist.")
        await invalidate(loaders_of(info.context.state).cache, ids=[row.id], skus=[old_sku, row.sku])
        return Product.from_row(row)


def _sku_taken(sku: str) -> Conflict:
    return Conflict(f"Another product already has sku {sku!r}.", field="sku")


schema = federated_schema(query=Query, mutation=Mutation)

"""Internal REST of the products subgraph (service-token protected): orders price and weigh items."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.common import MAX_PAGE_SIZE, get_session, require_service_token

from .models import products_by_ids

__all__ = ["router"]

router = APIRouter(prefix="/internal/v1", dependencies=[Depends(require_service_token)], tags=["internal"])


class MoneyOut(BaseModel):
    amount: int
    currency: str


class ProductOut(BaseModel):
    id: str
    sku: str
    name: str
    price: MoneyOut
    weight: int


class ProductsOut(BaseModel):
    """Found products in the order asked for, and the ids that do not exist (not an error: the
    caller decides what a missing product means)."""

    products: list[ProductOut]
    missing: list[str]


@router.get("/products")
async def get_products(
    session: Annotated[AsyncSession, Depends(get_session)],
    ids: Annotated[str, Query(description="Comma-separated product ids, at most 100.")],
) -> ProductsOut:
    wanted = list(dict.fromkeys(part.strip() for part in ids.split(",") if part.strip()))
    if not wanted:
        raise HTTPException(status_code=400, detail="ids must list at least one product id")
    if len(wanted) > MAX_PAGE_SIZE:
        raise HTTPException(
            status_code=400, detail=f"ids lists {len(wanted)} products; at most {MAX_PAGE_SIZE} per call"
        )
    rows = await products_by_ids(session, wanted)
    return ProductsOut(
        products=[
            ProductOut(
                id=row.id,
                sku=row.sku,
                name=row.name,
                price=MoneyOut(amount=row.price_amount, currency=row.currency),
                weight=row.weight,
            )
            for row in (rows[product_id] for product_id in wanted if product_id in rows)
        ],
        missing=[product_id for product_id in wanted if product_id not in rows],
    )

"""Internal REST of orders (service-token protected): what other subgraphs may ask about orders."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.common import get_session, require_service_token

from .models import has_purchased

__all__ = ["router"]

Session = Annotated[AsyncSession, Depends(get_session)]

router = APIRouter(prefix="/internal/v1", dependencies=[Depends(require_service_token)], tags=["internal"])


class Purchased(BaseModel):
    purchased: bool


@router.get("/purchases")
async def purchases(
    user_id: Annotated[str, Query(min_length=1, max_length=64)],
    product_id: Annotated[str, Query(min_length=1, max_length=64)],
    session: Session,
) -> Purchased:
    """Whether the user bought the product (a non-cancelled order contains it): reviews asks this
    before accepting a review, so only buyers can review."""
    return Purchased(purchased=await has_purchased(session, user_id, product_id))

"""Internal REST of inventory: stock reservations for orders (service-token protected).

``POST /internal/v1/reservations`` takes stock for all items of an order or for none;
``DELETE /internal/v1/reservations/{order_id}`` returns it. Errors are ``{"detail": ...}``:
404 unknown product or reservation, 409 not enough stock or a different reservation for the order,
422 malformed body.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from pydantic import BaseModel, Field, model_validator
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.common import get_session, require_service_token

from .loaders import invalidate_stock
from .models import (
    NotEnoughStock,
    Reservation,
    ReservationConflict,
    UnknownProduct,
    find_reservation,
    release,
    reserve,
)

__all__ = ["router"]

Session = Annotated[AsyncSession, Depends(get_session)]

router = APIRouter(prefix="/internal/v1", dependencies=[Depends(require_service_token)], tags=["internal"])


class ReservationItemBody(BaseModel):
    product_id: str = Field(min_length=1, max_length=64)
    quantity: int = Field(gt=0, le=10_000)


class ReservationRequest(BaseModel):
    order_id: str = Field(min_length=1, max_length=64)
    items: list[ReservationItemBody] = Field(min_length=1, max_length=100)

    @model_validator(mode="after")
    def _products_unique(self) -> ReservationRequest:
        seen: set[str] = set()
        for item in self.items:
            if item.product_id in seen:
                raise ValueError(f"product {item.product_id} appears more than once")
            seen.add(item.product_id)
        return self


class ReservationBody(BaseModel):
    order_id: str
    items: list[ReservationItemBody]
    status: Literal["reserved", "released"]


def _body(reservation: Reservation) -> ReservationBody:
    return ReservationBody(
        order_id=reservation.order_id,
        items=[
            ReservationItemBody(product_id=item.product_id, quantity=item.quantity)
            for item in reservation.items
        ],
        status="reserved" if reservation.status == "reserved" else "released",
    )


@router.post("/reservations", status_code=201)
async def create_reservation(
    request: ReservationRequest, response: Response, session: Session, http_request: Request
) -> ReservationBody:
    """Reserve every item or nothing; repeating the same request answers 200 with the existing
    reservation so an orders retry never takes stock twice."""
    try:
        reservation, created = await reserve(
            session,
            request.order_id,
            [(item.product_id, item.quantity) for item in request.items],
            low_stock_threshold=http_request.app.state.settings.low_stock_threshold,
        )
    except UnknownProduct as exc:
        raise HTTPException(404, f"unknown product {exc.product_id}") from exc
    except (NotEnoughStock, ReservationConflict) as exc:
        raise HTTPException(409, str(exc)) from exc
    if created:
        await invalidate_stock(http_request.app.state, [item.product_id for item in reservation.items])
    else:
        response.status_code = 200
    return _body(reservation)


@router.get("/reservations/{order_id}")
async def get_reservation(order_id: str, session: Session) -> ReservationBody:
    reservation = await find_reservation(session, order_id)
    if reservation is None:
        raise HTTPException(404, f"no reservation for order {order_id}")
    return _body(reservation)


@router.delete("/reservations/{order_id}")
async def delete_reservation(order_id: str, session: Session, http_request: Request) -> ReservationBody:
    """Release the order's stock; releasing twice is harmless (200, stock returned once)."""
    reservation = await release(session, order_id)
    if reservation is None:
        raise HTTPException(404, f"no reservation for order {order_id}")
    await invalidate_stock(http_request.app.state, [item.product_id for item in reservation.items])
    return _body(reservation)

"""The reviews subgraph's schema: ``addReview`` for buyers, reviews and ratings on products."""

from __future__ import annotations

import strawberry

from subgraphs.common import (
    BadUserInput,
    Conflict,
    Forbidden,
    PageInfo,
    ServiceCallFailed,
    ServiceUnavailable,
    federated_schema,
)

from .models import DuplicateReview, add_review, has_reviewed
from .types import Info, Product, Review, User

__all__ = ["Mutation", "Query", "schema"]

MAX_BODY_LENGTH = 5000


@strawberry.type
class Query:
    @strawberry.field(description="A review by id (public); null when it does not exist.")
    async def review(self, info: Info, id: strawberry.ID) -> Review | None:
        return await Review.resolve_reference(info, id)


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description=(
            "Review a product you bought (FORBIDDEN otherwise): rating 1..5 and a non-empty body "
            "(BAD_USER_INPUT); one review per product (CONFLICT)."
        )
    )
    async def add_review(self, info: Info, product_id: strawberry.ID, rating: int, body: str) -> Review:
        """Only buyers review: the orders subgraph is asked whether the viewer has a non-cancelled
        order with the product. Cheap local checks run first, so a bad input or a second review
        never costs a call to orders."""
        viewer = info.context.require_viewer()
        text = body.strip()
        if not 1 <= rating <= 5:
            raise BadUserInput(f"rating must be between 1 and 5, got {rating}.", argument="rating")
        if not text:
            raise BadUserInput("body must not be empty.", argument="body")
        if len(text) > MAX_BODY_LENGTH:
            raise BadUserInput(f"body must be at most {MAX_BODY_LENGTH} characters.", argument="body")
        session = info.context.session
        if await has_reviewed(session, viewer.user_id, str(product_id)):
            raise Conflict(f"You already reviewed product {product_id}.")
        if not await _purchased(info, viewer.user_id, str(product_id)):
            raise Forbidden(f"Only customers who bought product {product_id} can review it.")
        try:
            row = await add_review(
                session, user_id=viewer.user_id, product_id=str(product_id), rating=rating, body=text
            )
        except DuplicateReview as exc:
            raise Conflict(f"You already reviewed product {product_id}.") from exc
        return Review.from_row(row)


async def _purchased(info: Info, user_id: str, product_id: str) -> bool:
    try:
        response = await info.context.services.request(
            "orders", "GET", "/internal/v1/purchases", params={"user_id": user_id, "product_id": product_id}
        )
    except ServiceCallFailed as exc:
        raise ServiceUnavailable(
            "The orders service is unavailable, so the purchase cannot be checked. Try again later."
        ) from exc
    if response.status_code != 200:
        raise ServiceUnavailable(f"The orders service refused the purchase check ({response.status_code}).")
    try:
        return bool(response.json()["purchased"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ServiceUnavailable("The orders service sent an unreadable purchase check.") from exc


schema = federated_schema(query=Query, mutation=Mutation, types=(Review, Product, User, PageInfo))

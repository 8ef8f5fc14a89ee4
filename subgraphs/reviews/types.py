"""GraphQL types of the reviews subgraph: ``Review``, and what it adds to ``Product`` and ``User``."""

from __future__ import annotations

from datetime import datetime

import strawberry

from subgraphs.common import (
    DEFAULT_PAGE_SIZE,
    Connection,
    SubgraphContext,
    connection_from_rows,
    offset_window,
)

from . import models
from .loaders import AuthorReviewsLoader, AverageRatingLoader, ProductReviewsLoader, ReviewLoader

__all__ = ["Info", "Product", "Review", "User"]

Info = strawberry.Info[SubgraphContext, None]

#: Cursors of review lists carry the position in the newest-first list.
_CURSOR_KIND = "review"


def _connection(rows: list[models.ReviewRow], *, limit: int, offset: int) -> Connection[Review]:
    return connection_from_rows(
        list(enumerate(rows, start=offset)),
        first=limit,
        kind=_CURSOR_KIND,
        key=lambda item: str(item[0]),
        node=lambda item: Review.from_row(item[1]),
    )


@strawberry.federation.type(keys=["id"])
class Product:
    """A product of the products subgraph; reviews contributes its reviews and rating."""

    id: strawberry.ID

    # Nullable on purpose (also User.reviews): when reviews fails, the router nulls only these
    # fields, not the product or user the other subgraphs resolved.
    @strawberry.field(description="Reviews of the product, newest first. Public.")
    async def reviews(
        self, info: Info, first: int = DEFAULT_PAGE_SIZE, after: str | None = None
    ) -> Connection[Review] | None:
        limit, offset = offset_window(_CURSOR_KIND, first, after)
        rows = await info.context.loader(ProductReviewsLoader).load((str(self.id), limit, offset))
        return _connection(rows, limit=limit, offset=offset)

    @strawberry.field(description="Mean rating of all reviews (1..5, two decimals); null without reviews.")
    async def average_rating(self, info: Info) -> float | None:
        return await info.context.loader(AverageRatingLoader).load(str(self.id))

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Product:
        return cls(id=id)


@strawberry.federation.type(keys=["id"])
class User:
    """A user of the users subgraph; reviews contributes the reviews they wrote."""

    id: strawberry.ID

    @strawberry.field(description="Reviews the user wrote, newest first. Public.")
    async def reviews(
        self, info: Info, first: int = DEFAULT_PAGE_SIZE, after: str | None = None
    ) -> Connection[Review] | None:
        limit, offset = offset_window(_CURSOR_KIND, first, after)
        rows = await info.context.loader(AuthorReviewsLoader).load((str(self.id), limit, offset))
        return _connection(rows, limit=limit, offset=offset)

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> User:
        return cls(id=id)


@strawberry.federation.type(keys=["id"], description="A buyer's review of a product.")
class Review:
    id: strawberry.ID
    rating: int = strawberry.field(description="1 (poor) to 5 (excellent).")
    body: str
    created_at: datetime = strawberry.field(description="When the review was written (UTC).")
    author_id: strawberry.Private[str]
    product_id: strawberry.Private[str]

    @strawberry.field
    def author(self) -> User:
        return User(id=strawberry.ID(self.author_id))

    @strawberry.field
    def product(self) -> Product:
        return Product(id=strawberry.ID(self.product_id))

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> Review | None:
        """Batched through :class:`ReviewLoader`; an unknown id resolves to null."""
        row = await info.context.loader(ReviewLoader).load(str(id))
        return None if row is None else cls.from_row(row)

    @classmethod
    def from_row(cls, row: models.ReviewRow) -> Review:
        return cls(
            id=strawberry.ID(row.id),
            rating=row.rating,
            body=row.body,
            created_at=row.created_at,
            author_id=row.user_id,
            product_id=row.product_id,
        )

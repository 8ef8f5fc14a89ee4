"""Per-request DataLoaders of the reviews subgraph: N products (or users) = one SELECT per loader."""

from __future__ import annotations

from collections import defaultdict
from typing import Literal

from aiodataloader import DataLoader
from sqlalchemy.ext.asyncio import AsyncSession

from .models import ReviewRow, average_ratings, reviews_by_id, reviews_page

__all__ = [
    "AuthorReviewsLoader",
    "AverageRatingLoader",
    "Page",
    "ProductReviewsLoader",
    "ReviewLoader",
]

#: (product or user id, limit, offset): one page of one product's (or author's) reviews.
Page = tuple[str, int, int]


class ReviewLoader(DataLoader[str, ReviewRow | None]):
    """Reviews by id (None for unknown ids)."""

    def __init__(self, session: AsyncSession) -> None:
        super().__init__()
        self._session = session

    async def batch_load_fn(self, review_ids: list[str]) -> list[ReviewRow | None]:
        reviews = await reviews_by_id(self._session, review_ids)
        return [reviews.get(review_id) for review_id in review_ids]


class _PageLoader(DataLoader[Page, list[ReviewRow]]):
    """Pages of reviews grouped by ``by``; keys asking for the same window share one SELECT."""

    by: Literal["product_id", "user_id"]

    def __init__(self, session: AsyncSession) -> None:
        super().__init__()
        self._session = session

    async def batch_load_fn(self, keys: list[Page]) -> list[list[ReviewRow]]:
        windows: dict[tuple[int, int], list[str]] = defaultdict(list)
        for owner, limit, offset in keys:
            windows[(limit, offset)].append(owner)
        pages: dict[Page, list[ReviewRow]] = {}
        for (limit, offset), owners in windows.items():
            found = await reviews_page(self._session, by=self.by, keys=owners, limit=limit, offset=offset)
            for owner, rows in found.items():
                pages[(owner, limit, offset)] = rows
        return [pages[key] for key in keys]


class ProductReviewsLoader(_PageLoader):
    """A page of each product's reviews, newest first (+1 row when more follow)."""

    by = "product_id"


class AuthorReviewsLoader(_PageLoader):
    """A page of each user's reviews, newest first (+1 row when more follow)."""

    by = "user_id"


class AverageRatingLoader(DataLoader[str, float | None]):
    """Average rating by product id; None for a product without reviews."""

    def __init__(self, session: AsyncSession) -> None:
        super().__init__()
        self._session = session

    async def batch_load_fn(self, product_ids: list[str]) -> list[float | None]:
        averages = await average_ratings(self._session, product_ids)
        return [averages.get(product_id) for product_id in product_ids]

"""Events the reviews subgraph publishes (through the transactional outbox).
Payload schemas: ``subgraphs.common.events``."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.common import ReviewAdded, record_event

__all__ = ["review_added"]

SOURCE = "reviews"


async def review_added(
    session: AsyncSession, *, review_id: str, product_id: str, author_id: str, rating: int
) -> None:
    await record_event(
        session,
        ReviewAdded(review_id=review_id, product_id=product_id, author_id=author_id, rating=rating),
        source=SOURCE,
    )

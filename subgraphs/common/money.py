"""The ``Money`` value type, identical in every subgraph that uses it (it is ``@shareable``)."""

from __future__ import annotations

import strawberry

__all__ = ["Money"]


@strawberry.federation.type(
    shareable=True, description="An amount of money in the currency's minor unit (integer cents for USD)."
)
class Money:
    amount: int
    currency: str

"""GraphQL types of the products subgraph: the ``Product`` entity and the admin input types.

The input types turn loose client input into strict column values once (``values()``), so the
resolvers and the repository only ever see valid data.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import strawberry

from subgraphs.common import BadUserInput, Money, SubgraphContext

from .loaders import loaders_of
from .models import CURRENCY, ProductRow

__all__ = ["CreateProductInput", "MoneyInput", "Product", "UpdateProductInput"]

Info = strawberry.Info[SubgraphContext, None]

_SKU = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,63}$")
MAX_NAME_LENGTH = 200
MAX_DESCRIPTION_LENGTH = 5000
MAX_CATEGORY_LENGTH = 64


@strawberry.federation.type(
    keys=["id", "sku"],
    description="Something the shop sells. Other subgraphs refer to it by `id` or by `sku`.",
)
class Product:
    id: strawberry.ID
    sku: str = strawberry.field(description="Stock keeping unit: unique, upper-case.")
    name: str
    description: str
    price: Money = strawberry.field(description="Unit price (USD cents).")
    weight: int = strawberry.field(description="Shipping weight in grams (always > 0).")
    category: str = strawberry.field(description='Lower-case category, e.g. "books".')

    @classmethod
    async def resolve_reference(
        cls, info: Info, id: strawberry.ID | None = None, sku: str | None = None
    ) -> Product | None:
        """By whichever key the representation carries, batched per key through the request's
        loaders; an unknown id or sku resolves to null."""
        if id is not None:
            row = await info.context.loader(loaders_of(info.context.state).by_id).load(str(id))
        elif sku is not None:
            row = await info.context.loader(loaders_of(info.context.state).by_sku).load(sku)
        else:
            raise BadUserInput("A Product representation needs an `id` or a `sku`.")
        return None if row is None else cls.from_row(row)

    @classmethod
    def from_row(cls, row: ProductRow) -> Product:
        return cls(
            id=strawberry.ID(row.id),
            sku=row.sku,
            name=row.name,
            description=row.description,
            price=Money(amount=row.price_amount, currency=row.currency),
            weight=row.weight,
            category=row.category,
        )


@strawberry.input(description="An amount in minor units (cents). The shop sells in USD only.")
class MoneyInput:
    amount: int
    currency: str = CURRENCY


@strawberry.input(description="A new product. Admins only.")
class CreateProductInput:
    sku: str
    name: str
    price: MoneyInput
    weight: int = strawberry.field(description="Grams, > 0.")
    category: str
    description: str = ""

    def values(self) -> dict[str, Any]:
        return {
            "sku": _sku(self.sku),
            "name": _name(self.name),
            "description": _description(self.description),
            **_price(self.price),
            "weight": _weight(self.weight),
            "category": _category(self.category),
        }


@strawberry.input(description="Changes to a product: omitted fields stay as they are; null is not allowed.")
class UpdateProductInput:
    sku: str | None = strawberry.UNSET
    name: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    price: MoneyInput | None = strawberry.UNSET
    weight: int | None = strawberry.UNSET
    category: str | None = strawberry.UNSET

    def values(self) -> dict[str, Any]:
        checks: dict[str, Callable[[Any], Any]] = {
            "sku": _sku,
            "name": _name,
            "description": _description,
            "weight": _weight,
            "category": _category,
        }
        changes: dict[str, Any] = {}
        for field, check in checks.items():
            value = getattr(self, field)
            if value is strawberry.UNSET:
                continue
            changes[field] = check(_not_null(field, value))
        if self.price is not strawberry.UNSET:
            changes.update(_price(_not_null("price", self.price)))
        return changes


def _not_null(field: str, value: Any) -> Any:
    if value is None:
        raise BadUserInput(f"`{field}` cannot be null; omit it to keep the current value.", field=field)
    return value


def _sku(value: str) -> str:
    sku = value.strip().upper()
    if not _SKU.match(sku):
        raise BadUserInput(
            "`sku` must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit.",
            field="sku",
        )
    return sku


def _name(value: str) -> str:
    name = " ".join(value.split())
    if not name or len(name) > MAX_NAME_LENGTH:
        raise BadUserInput(f"`name` must have 1 to {MAX_NAME_LENGTH} characters.", field="name")
    return name


def _description(value: str) -> str:
    description = value.strip()
    if len(description) > MAX_DESCRIPTION_LENGTH:
        raise BadUserInput(
            f"`description` must have at most {MAX_DESCRIPTION_LENGTH} characters.", field="description"
        )
    return description


def _price(value: MoneyInput) -> dict[str, Any]:
    if value.amount < 0:
        raise BadUserInput(f"`price.amount` must be >= 0, got {value.amount}.", field="price.amount")
    currency = value.currency.strip().upper()
    if currency != CURRENCY:
        raise BadUserInput(
            f"`price.currency` must be {CURRENCY}, got {value.currency!r}.", field="price.currency"
        )
    return {"price_amount": value.amount, "currency": currency}


def _weight(value: int) -> int:
    if value <= 0:
        raise BadUserInput(f"`weight` must be > 0 grams, got {value}.", field="weight")
    return value


def _category(value: str) -> str:
    category = " ".join(value.split()).lower()
    if not category or len(category) > MAX_CATEGORY_LENGTH:
        raise BadUserInput(f"`category` must have 1 to {MAX_CATEGORY_LENGTH} characters.", field="category")
    return category

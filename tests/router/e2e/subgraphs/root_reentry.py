"""Fields that return the ``Query`` type: the client goes on with root fields of any subgraph there.

- accounts:  ``Query.me``, ``Query.viewer`` -> ``Viewer { name query: Query! }``; ``User @key(id) { name }``.
- reviews:   ``Query.latestReviews``, ``Query.root: Query!``; ``Review @key(id) { body product query: Query! }``;
  ``Product.reviews``; ``Mutation.createReview(upc, body)`` -> ``CreateReviewPayload { review query: Query! }``.
- products:  ``Query.topProducts(first = 5)``, ``Query.product(upc)``, ``Query.featured`` (always fails
  with an error); ``Product @key(upc) { name price }``.
- inventory: ``Product.inStock``.

Strawberry's federation schema derives a new ``Query`` type from the one it is given (adding
``_service`` and ``_entities``), so a field typed with the given class would name a second type.
``_Schema`` publishes the derived type under a module name before fields are converted, and fields
returning ``Query`` are annotated with that name.
"""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError

# The reference composer's satisfiability check does not model root type re-entry (Apollo's
# composition does): every `Query` field reached through `query`/`root` would be reported unsatisfiable.
DISABLE_VALIDATION_RULES = ("SatisfiabilityRule",)


class _Schema(strawberry.federation.Schema):
    """A federated schema whose own ``Query`` type can be the type of a field (``root_name``)."""

    def __init__(self, *, root_name: str, **options: Any) -> None:
        self._root_name = root_name
        super().__init__(**options)

    def _get_federation_query_type(self, *args: Any) -> type:
        query = super()._get_federation_query_type(*args)
        globals()[self._root_name] = query
        return query


# --- accounts ----------------------------------------------------------------------------------------


@strawberry.federation.type(keys=["id"])
class User:
    id: strawberry.ID
    name: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> User | None:
        return USERS.get(id)


USERS = {
    "u1": User(id=strawberry.ID("u1"), name="Ada"),
    "u2": User(id=strawberry.ID("u2"), name="Alan"),
}


@strawberry.type
class Viewer:
    name: str

    @strawberry.field
    def query(self) -> AccountsRoot:  # noqa: F821 - published by _Schema
        return AccountsRoot()  # noqa: F821


@strawberry.type
class AccountsQuery:
    @strawberry.field
    def me(self) -> User:
        return USERS["u1"]

    @strawberry.field
    def viewer(self) -> Viewer:
        return Viewer(name="Ada's session")


accounts = _Schema(root_name="AccountsRoot", query=AccountsQuery, types=[User], federation_version="2.7")


# --- reviews -----------------------------------------------------------------------------------------


@strawberry.federation.type(keys=["upc"], name="Product")
class ReviewedProduct:
    upc: str

    @strawberry.field
    def reviews(self) -> list[Review]:
        return [r for r in REVIEWS if r.product_upc == self.upc]

    @classmethod
    def resolve_reference(cls, upc: str) -> ReviewedProduct:
        return cls(upc=upc)


@strawberry.federation.type(keys=["id"])
class Review:
    id: strawberry.ID
    body: str
    product_upc: strawberry.Private[str]

    @strawberry.field
    def product(self) -> ReviewedProduct:
        return ReviewedProduct(upc=self.product_upc)

    @strawberry.field
    def query(self) -> ReviewsRoot:  # noqa: F821 - published by _Schema
        return ReviewsRoot()  # noqa: F821

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Review | None:
        return next((r for r in REVIEWS if r.id == id), None)


REVIEWS: list[Review] = []


def reset() -> None:
    REVIEWS.clear()
    REVIEWS.extend(
        [
            Review(id=strawberry.ID("r1"), body="Love it!", product_upc="1"),
            Review(id=strawberry.ID("r2"), body="Wobbles.", product_upc="2"),
        ]
    )


reset()


@strawberry.type
class CreateReviewPayload:
    review: Review

    @strawberry.field
    def query(self) -> ReviewsRoot:  # noqa: F821 - published by _Schema
        return ReviewsRoot()  # noqa: F821


@strawberry.type
class ReviewsQuery:
    @strawberry.field
    def latest_reviews(self) -> list[Review]:
        return list(REVIEWS)

    @strawberry.field
    def root(self) -> ReviewsRoot:  # noqa: F821 - published by _Schema
        return ReviewsRoot()  # noqa: F821


@strawberry.type
class ReviewsMutation:
    @strawberry.mutation
    def create_review(self, upc: str, body: str) -> CreateReviewPayload:
        review = Review(id=strawberry.ID(f"r{len(REVIEWS) + 1}"), body=body, product_upc=upc)
        REVIEWS.append(review)
        return CreateReviewPayload(review=review)


reviews = _Schema(
    root_name="ReviewsRoot",
    query=ReviewsQuery,
    mutation=ReviewsMutation,
    types=[ReviewedProduct, Review],
    federation_version="2.7",
)


# --- products ----------------------------------------------------------------------------------------


@strawberry.federation.type(keys=["upc"], name="Product")
class CatalogProduct:
    upc: str
    name: str
    price: int

    @classmethod
    def resolve_reference(cls, upc: str) -> CatalogProduct | None:
        return PRODUCTS.get(upc)


PRODUCTS = {
    p.upc: p
    for p in [
        CatalogProduct(upc="1", name="Table", price=899),
        CatalogProduct(upc="2", name="Couch", price=1299),
        CatalogProduct(upc="3", name="Chair", price=54),
    ]
}


@strawberry.type
class ProductsQuery:
    @strawberry.field
    def top_products(self, first: int = 5) -> list[CatalogProduct]:
        return list(PRODUCTS.values())[:first]

    @strawberry.field
    def product(self, upc: str) -> CatalogProduct | None:
        return PRODUCTS.get(upc)

    @strawberry.field
    def featured(self) -> CatalogProduct | None:
        raise GraphQLError("No featured product today", extensions={"code": "NOT_FOUND"})


products = strawberry.federation.Schema(query=ProductsQuery, types=[CatalogProduct], federation_version="2.7")


# --- inventory ---------------------------------------------------------------------------------------


@strawberry.federation.type(keys=["upc"], name="Product")
class StockedProduct:
    upc: str

    @strawberry.field
    def in_stock(self) -> bool:
        return self.upc != "2"

    @classmethod
    def resolve_reference(cls, upc: str) -> StockedProduct:
        return cls(upc=upc)


@strawberry.type
class InventoryQuery:
    @strawberry.field
    def warehouse(self) -> str:
        return "Main"


inventory = strawberry.federation.Schema(
    query=InventoryQuery, types=[StockedProduct], federation_version="2.7"
)

SUBGRAPHS = {"accounts": accounts, "reviews": reviews, "products": products, "inventory": inventory}

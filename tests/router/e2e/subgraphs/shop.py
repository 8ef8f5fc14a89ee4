"""A small shop: users, products and the reviews that join them.

- users:    ``User @key(id)`` with ``name``, ``username``, ``legacyId`` and ``avatar``; ``Query.me``,
  ``Query.user``.
- products: ``Product @key(upc)`` with ``name`` and ``price``; ``Query.topProducts(first = 5)``,
  ``Query.product``.
- reviews:  ``Review @key(id)``; adds ``User.reviews`` and ``Product.reviews(first)``; ``Query.review``.

Data quirks the tests rely on: review 5 points at user ``u404`` whom the users subgraph does not know
(an entity that resolves to ``null``), ``Product.reviews`` of product 5 fails with an error, and so
does ``User.avatar`` of u1; ``Query.review(id: "locked")`` fails with code ``FORBIDDEN``.
"""

from __future__ import annotations

import strawberry
from graphql import GraphQLError

# --- users -------------------------------------------------------------------------------------------


@strawberry.federation.type(keys=["id"])
class User:
    id: strawberry.ID
    legacy_id: str
    name: str
    username: str

    @strawberry.field
    def avatar(self) -> str | None:
        if self.id == "u1":
            raise ValueError("No avatar stored for u1")
        return f"https://img.example/{self.id}.png"

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> User | None:
        return USERS.get(id)


USERS = {
    "u1": User(id=strawberry.ID("u1"), legacy_id="L-1", name="Ada Lovelace", username="@ada"),
    "u2": User(id=strawberry.ID("u2"), legacy_id="L-2", name="Alan Turing", username="@alan"),
    "u3": User(id=strawberry.ID("u3"), legacy_id="L-3", name="Grace Hopper", username="@grace"),
}


@strawberry.type
class UsersQuery:
    @strawberry.field
    def me(self) -> User:
        return USERS["u1"]

    @strawberry.field
    def user(self, id: strawberry.ID) -> User | None:
        return USERS.get(id)


users = strawberry.federation.Schema(query=UsersQuery, types=[User], federation_version="2.7")


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
        CatalogProduct(upc="4", name="Lamp", price=25),
        CatalogProduct(upc="5", name="Clock", price=40),
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


products = strawberry.federation.Schema(query=ProductsQuery, types=[CatalogProduct], federation_version="2.7")


# --- reviews -----------------------------------------------------------------------------------------


@strawberry.federation.type(keys=["id"], name="User")
class ReviewAuthor:
    id: strawberry.ID

    @strawberry.field
    def reviews(self) -> list[Review]:
        return [r for r in REVIEWS.values() if r.author_id == self.id]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> ReviewAuthor:
        return cls(id=id)


@strawberry.federation.type(keys=["upc"], name="Product")
class ReviewedProduct:
    upc: str

    @strawberry.field
    def reviews(self, first: int | None = None) -> list[Review] | None:
        if self.upc == "5":
            raise ValueError("Reviews of product 5 are unavailable")
        return [r for r in REVIEWS.values() if r.product_upc == self.upc][:first]

    @classmethod
    def resolve_reference(cls, upc: str) -> ReviewedProduct:
        return cls(upc=upc)


@strawberry.federation.type(keys=["id"])
class Review:
    id: strawberry.ID
    body: str
    author_id: strawberry.Private[str]
    product_upc: strawberry.Private[str]

    @strawberry.field
    def author(self) -> ReviewAuthor | None:
        return ReviewAuthor(id=strawberry.ID(self.author_id))

    @strawberry.field
    def product(self) -> ReviewedProduct:
        return ReviewedProduct(upc=self.product_upc)

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Review | None:
        return REVIEWS.get(id)


REVIEWS = {
    r.id: r
    for r in [
        Review(id=strawberry.ID("r1"), body="Love it!", author_id="u1", product_upc="1"),
        Review(id=strawberry.ID("r2"), body="Too expensive.", author_id="u2", product_upc="1"),
        Review(id=strawberry.ID("r3"), body="Could be better.", author_id="u3", product_upc="2"),
        Review(id=strawberry.ID("r4"), body="Prefer something else.", author_id="u1", product_upc="3"),
        Review(id=strawberry.ID("r5"), body="Bright enough.", author_id="u404", product_upc="4"),
    ]
}


@strawberry.type
class ReviewsQuery:
    @strawberry.field
    def review(self, id: strawberry.ID) -> Review | None:
        if id == "locked":
            raise GraphQLError("Review locked is not readable", extensions={"code": "FORBIDDEN"})
        return REVIEWS.get(id)


reviews = strawberry.federation.Schema(
    query=ReviewsQuery, types=[ReviewAuthor, ReviewedProduct, Review], federation_version="2.7"
)

SUBGRAPHS = {"users": users, "products": products, "reviews": reviews}

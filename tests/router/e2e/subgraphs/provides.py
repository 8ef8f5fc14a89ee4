"""``@provides``: reviews can answer ``author { username }`` itself.

- accounts: ``User @key(id)`` with ``username``, ``name`` and ``address { city country }``.
- reviews:  ``Review.author: User! @provides(fields: "username")`` and ``Review.reviewer: User!
  @provides(fields: "address { city }")`` (nested); ``User.username`` and ``User.address`` are
  ``@external`` there; ``Query.reviews`` and ``Query.topReviewer`` (no ``@provides``: username must
  come from accounts). Where reviews is not asked to provide a field it answers ``<not provided>``.
"""

from __future__ import annotations

import strawberry


@strawberry.federation.type(shareable=True)
class Address:
    city: str
    country: str


@strawberry.federation.type(keys=["id"])
class User:
    id: strawberry.ID
    username: str
    name: str
    address: Address

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> User | None:
        return ACCOUNTS.get(id)


ACCOUNTS = {
    "u1": User(
        id=strawberry.ID("u1"),
        username="@ada",
        name="Ada Lovelace",
        address=Address(city="London", country="UK"),
    ),
    "u2": User(
        id=strawberry.ID("u2"),
        username="@alan",
        name="Alan Turing",
        address=Address(city="Wilmslow", country="UK"),
    ),
}


@strawberry.type
class AccountsQuery:
    @strawberry.field
    def user_count(self) -> int:
        return len(ACCOUNTS)


accounts = strawberry.federation.Schema(query=AccountsQuery, types=[User], federation_version="2.7")


@strawberry.federation.type(shareable=True, name="Address")
class City:
    city: str


@strawberry.federation.type(keys=["id"], name="User")
class Author:
    id: strawberry.ID
    username: str = strawberry.federation.field(external=True)
    address: City = strawberry.federation.field(
        external=True, default_factory=lambda: City(city="<not provided>")
    )

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Author:
        return cls(id=id, username=ACCOUNTS[id].username)


@strawberry.type
class Review:
    id: strawberry.ID
    body: str
    author_id: strawberry.Private[str]

    @strawberry.federation.field(provides=["username"])
    def author(self) -> Author:
        return Author(id=strawberry.ID(self.author_id), username=ACCOUNTS[self.author_id].username)

    @strawberry.federation.field(provides=["address { city }"])
    def reviewer(self) -> Author:
        account = ACCOUNTS[self.author_id]
        return Author(id=account.id, username="<not provided>", address=City(city=account.address.city))


REVIEWS = [
    Review(id=strawberry.ID("r1"), body="Great", author_id="u1"),
    Review(id=strawberry.ID("r2"), body="Meh", author_id="u2"),
    Review(id=strawberry.ID("r3"), body="Okay", author_id="u1"),
]


@strawberry.type
class ReviewsQuery:
    @strawberry.field
    def reviews(self) -> list[Review]:
        return REVIEWS

    @strawberry.field
    def top_reviewer(self) -> Author:
        # Deliberately without the username: it is external here and not provided on this path.
        return Author(id=strawberry.ID("u1"), username="<not provided by reviews>")


reviews = strawberry.federation.Schema(query=ReviewsQuery, federation_version="2.7")

SUBGRAPHS = {"accounts": accounts, "reviews": reviews}

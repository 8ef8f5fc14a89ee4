"""An entity with several keys: ``Book @key(id) @key(isbn)``.

- library: ``Book @key(id) @key(isbn)`` with ``title``; ``Query.books``.
- ratings: ``Book @key(isbn)`` with ``rating``; ``Query.topRated`` (knows only isbns).
- loans:   ``Book @key(id)`` with ``loans``.

From ratings, ``loans`` is reachable only through library (isbn -> id).
"""

from __future__ import annotations

import strawberry


@strawberry.federation.type(keys=["id", "isbn"], name="Book")
class LibraryBook:
    id: strawberry.ID
    isbn: str
    title: str

    @classmethod
    def resolve_reference(cls, **key: str) -> LibraryBook | None:
        if "id" in key:
            return next((b for b in BOOKS if b.id == key["id"]), None)
        return next((b for b in BOOKS if b.isbn == key["isbn"]), None)


BOOKS = [
    LibraryBook(id=strawberry.ID("b1"), isbn="978-0441013593", title="Dune"),
    LibraryBook(id=strawberry.ID("b2"), isbn="978-0141439587", title="Emma"),
    LibraryBook(id=strawberry.ID("b3"), isbn="978-0199535675", title="Ulysses"),
]


@strawberry.type
class LibraryQuery:
    @strawberry.field
    def books(self) -> list[LibraryBook]:
        return BOOKS


library = strawberry.federation.Schema(query=LibraryQuery, federation_version="2.7")


RATINGS = {"978-0441013593": 5, "978-0141439587": 4, "978-0199535675": 3}


@strawberry.federation.type(keys=["isbn"], name="Book")
class RatedBook:
    isbn: str

    @strawberry.field
    def rating(self) -> int:
        return RATINGS[self.isbn]

    @classmethod
    def resolve_reference(cls, isbn: str) -> RatedBook:
        return cls(isbn=isbn)


@strawberry.type
class RatingsQuery:
    @strawberry.field
    def top_rated(self) -> list[RatedBook]:
        return [RatedBook(isbn=isbn) for isbn, rating in RATINGS.items() if rating >= 4]


ratings = strawberry.federation.Schema(query=RatingsQuery, federation_version="2.7")


LOANS = {"b1": 12, "b2": 3, "b3": 0}


@strawberry.federation.type(keys=["id"], name="Book")
class LoanedBook:
    id: strawberry.ID

    @strawberry.field
    def loans(self) -> int:
        return LOANS[self.id]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> LoanedBook:
        return cls(id=id)


@strawberry.type
class LoansQuery:
    @strawberry.field
    def loans_open(self) -> bool:
        return True


loans = strawberry.federation.Schema(query=LoansQuery, types=[LoanedBook], federation_version="2.7")

SUBGRAPHS = {"library": library, "ratings": ratings, "loans": loans}

"""``@interfaceObject``: ratings sees ``Media`` as an object type and adds ``rating`` to every
implementation without knowing them.

- media:   ``interface Media @key(id) { id title }``, ``Book implements Media { author }``,
  ``Movie implements Media { director }``; ``Query.allMedia``.
- ratings: ``type Media @key(id) @interfaceObject { id rating }``; ``Query.topRated`` (rating >= 4).
"""

from __future__ import annotations

import strawberry


@strawberry.federation.interface(keys=["id"])
class Media:
    id: strawberry.ID
    title: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Media | None:
        return next((m for m in MEDIA if m.id == id), None)


@strawberry.federation.type(keys=["id"])
class Book(Media):
    author: str


@strawberry.federation.type(keys=["id"])
class Movie(Media):
    director: str


MEDIA: list[Media] = [
    Book(id=strawberry.ID("b1"), title="Dune", author="Frank Herbert"),
    Movie(id=strawberry.ID("m1"), title="Alien", director="Ridley Scott"),
    Book(id=strawberry.ID("b2"), title="Emma", author="Jane Austen"),
]


@strawberry.type
class MediaQuery:
    @strawberry.field
    def all_media(self) -> list[Media]:
        return MEDIA


media = strawberry.federation.Schema(query=MediaQuery, types=[Book, Movie], federation_version="2.7")


RATINGS = {"b1": 5, "m1": 4, "b2": 3}


@strawberry.federation.interface_object(keys=["id"], name="Media")
class RatedMedia:
    id: strawberry.ID

    @strawberry.field
    def rating(self) -> int:
        return RATINGS[self.id]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> RatedMedia:
        return cls(id=id)


@strawberry.type
class RatingsQuery:
    @strawberry.field
    def top_rated(self) -> list[RatedMedia]:
        return [RatedMedia(id=strawberry.ID(i)) for i, rating in RATINGS.items() if rating >= 4]


ratings = strawberry.federation.Schema(query=RatingsQuery, federation_version="2.7")

SUBGRAPHS = {"media": media, "ratings": ratings}

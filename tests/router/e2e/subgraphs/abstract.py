"""Unions and interfaces whose members differ per subgraph.

- catalog: ``interface Media { id title }`` implemented by ``Book`` and ``Movie`` (both ``@key(id)``);
  ``union SearchResult = Book | Movie``; ``Query.search``, ``Query.media``.
- store:   ``interface Media { id }`` implemented by ``Book`` and ``Song``; ``union SearchResult = Book |
  Song``; ``Book.price``, ``Song { title price }``; ``Query.featured``.

In the supergraph ``SearchResult`` is ``Book | Movie | Song``, but catalog never returns a ``Song`` and
store never a ``Movie``.
"""

from __future__ import annotations

from typing import Annotated

import strawberry

# --- catalog -----------------------------------------------------------------------------------------


@strawberry.interface(name="Media")
class CatalogMedia:
    id: strawberry.ID
    title: str


@strawberry.federation.type(keys=["id"], name="Book")
class CatalogBook(CatalogMedia):
    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> CatalogBook | None:
        return next((m for m in CATALOG if isinstance(m, CatalogBook) and m.id == id), None)


@strawberry.federation.type(keys=["id"], name="Movie")
class CatalogMovie(CatalogMedia):
    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> CatalogMovie | None:
        return next((m for m in CATALOG if isinstance(m, CatalogMovie) and m.id == id), None)


CATALOG: list[CatalogMedia] = [
    CatalogBook(id=strawberry.ID("b1"), title="Dune"),
    CatalogMovie(id=strawberry.ID("m1"), title="Alien"),
    CatalogBook(id=strawberry.ID("b2"), title="Emma"),
]

CatalogSearchResult = Annotated[CatalogBook | CatalogMovie, strawberry.union("SearchResult")]


@strawberry.type
class CatalogQuery:
    @strawberry.field
    def search(self) -> list[CatalogSearchResult]:
        return CATALOG  # type: ignore[return-value]

    @strawberry.field
    def media(self) -> list[CatalogMedia]:
        return CATALOG


catalog = strawberry.federation.Schema(
    query=CatalogQuery, types=[CatalogBook, CatalogMovie], federation_version="2.7"
)


# --- store -------------------------------------------------------------------------------------------


@strawberry.interface(name="Media")
class StoreMedia:
    id: strawberry.ID


PRICES = {"b1": 12, "b2": 8, "s1": 1}


@strawberry.federation.type(keys=["id"], name="Book")
class StoreBook(StoreMedia):
    @strawberry.field
    def price(self) -> int:
        return PRICES[self.id]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> StoreBook:
        return cls(id=id)


@strawberry.federation.type(keys=["id"], name="Song")
class StoreSong(StoreMedia):
    title: str

    @strawberry.field
    def price(self) -> int:
        return PRICES[self.id]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> StoreSong | None:
        return SONG if id == SONG.id else None


SONG = StoreSong(id=strawberry.ID("s1"), title="Hey Jude")

StoreSearchResult = Annotated[StoreBook | StoreSong, strawberry.union("SearchResult")]


@strawberry.type
class StoreQuery:
    @strawberry.field
    def featured(self) -> list[StoreSearchResult]:
        return [SONG, StoreBook(id=strawberry.ID("b2"))]


store = strawberry.federation.Schema(query=StoreQuery, types=[StoreBook, StoreSong], federation_version="2.7")

SUBGRAPHS = {"catalog": catalog, "store": store}

"""``@shareable``: ``Product.name`` is resolved by both catalog and search.

- catalog: ``Product @key(id)`` with ``name @shareable`` and ``description``; ``Query.products``.
- search:  ``Product @key(id)`` with ``name @shareable`` and ``score``; ``Query.search(term, orderBy:
  SearchOrder = SCORE)``.
- both:    ``Query.featuredProduct @shareable`` (product p2): a root field either subgraph can answer.
"""

from __future__ import annotations

from enum import Enum

import strawberry

NAMES = {"p1": "Desk", "p2": "Desk lamp", "p3": "Chair"}
DESCRIPTIONS = {"p1": "A sturdy oak desk", "p2": "A bright lamp", "p3": "A comfy chair"}


@strawberry.federation.type(keys=["id"], name="Product")
class CatalogProduct:
    id: strawberry.ID

    @strawberry.federation.field(shareable=True)
    def name(self) -> str:
        return NAMES[self.id]

    @strawberry.field
    def description(self) -> str:
        return DESCRIPTIONS[self.id]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> CatalogProduct:
        return cls(id=id)


@strawberry.type
class CatalogQuery:
    @strawberry.field
    def products(self) -> list[CatalogProduct]:
        return [CatalogProduct(id=strawberry.ID(i)) for i in NAMES]

    @strawberry.federation.field(shareable=True)
    def featured_product(self) -> CatalogProduct:
        return CatalogProduct(id=strawberry.ID("p2"))


catalog = strawberry.federation.Schema(query=CatalogQuery, federation_version="2.7")


@strawberry.federation.type(keys=["id"], name="Product")
class SearchProduct:
    id: strawberry.ID
    score: float

    @strawberry.federation.field(shareable=True)
    def name(self) -> str:
        return NAMES[self.id]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> SearchProduct:
        return cls(id=id, score=0.0)


@strawberry.enum
class SearchOrder(Enum):
    SCORE = "SCORE"
    NAME = "NAME"


RELEVANCE = {"p1": 0.5, "p2": 0.9, "p3": 0.7}


@strawberry.type
class SearchQuery:
    @strawberry.field
    def search(self, term: str, order_by: SearchOrder = SearchOrder.SCORE) -> list[SearchProduct]:
        term = term.lower()
        hits = [
            SearchProduct(id=strawberry.ID(i), score=RELEVANCE[i])
            for i, n in NAMES.items()
            if term in n.lower()
        ]
        if order_by is SearchOrder.NAME:
            return sorted(hits, key=lambda p: NAMES[p.id])
        return sorted(hits, key=lambda p: -p.score)

    @strawberry.federation.field(shareable=True)
    def featured_product(self) -> SearchProduct:
        return SearchProduct(id=strawberry.ID("p2"), score=RELEVANCE["p2"])


search = strawberry.federation.Schema(query=SearchQuery, federation_version="2.7")

SUBGRAPHS = {"catalog": catalog, "search": search}

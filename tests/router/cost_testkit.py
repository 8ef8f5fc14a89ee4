"""A small supergraph with ``@cost``/``@listSize`` (composed by ``schema.compose``) and fake subgraphs,
shared by the demand control tests of the loader, the Gateway and the HTTP server."""

from __future__ import annotations

from collections import Counter
from functools import cache

import httpx
import orjson

from router.supergraph import Supergraph, load_supergraph
from schema import SubgraphSource, compose

_LINK = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", '
    'import: ["@key", "@cost", "@listSize"])\n'
)

PRODUCTS = (
    _LINK
    + """
type Query {
  products(first: Int, filter: Filter): [Product!]! @listSize(slicingArguments: ["first"], assumedSize: 20)
  product(id: ID!): Product
  catalog(first: Int, last: Int): ProductConnection
    @listSize(slicingArguments: ["first", "last"], sizedFields: ["edges"], requireOneSlicingArgument: false)
  search(text: String): [Product]
  expensive: Int @cost(weight: 50)
}
type Mutation { addProduct(name: String! @cost(weight: 3)): Product }
input Filter { category: String @cost(weight: 4) tags: [String] }
type ProductConnection { edges: [ProductEdge] total: Int }
type ProductEdge { node: Product }
enum Currency @cost(weight: 2) { EUR USD }
type Money @cost(weight: 3) { amount: Int }
type Product @key(fields: "id") { id: ID! name: String price: Money currency: Currency }
"""
)

REVIEWS = (
    _LINK
    + """
type Product @key(fields: "id") { id: ID! reviews: [Review] @listSize(assumedSize: 5) }
type Review { body: String author: String @cost(weight: 2) }
"""
)

URLS = {"products": "http://products/graphql", "reviews": "http://reviews/graphql"}


@cache
def supergraph_sdl() -> str:
    result = compose(
        [
            SubgraphSource(name="products", url=URLS["products"], sdl=PRODUCTS),
            SubgraphSource(name="reviews", url=URLS["reviews"], sdl=REVIEWS),
        ]
    ).raise_for_errors()
    assert result.supergraph_sdl is not None
    return result.supergraph_sdl


def supergraph() -> Supergraph:
    return load_supergraph(supergraph_sdl())


class FakeSubgraphs:
    """Answers every products fetch with one product and counts the requests per subgraph."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.transport = httpx.MockTransport(self._handle)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        name = request.url.host
        self.calls[name] += 1
        product = {"__typename": "Product", "id": "1", "name": "Chair", "price": {"amount": 5}}
        data = {"product": product, "products": [product], "expensive": 7}
        return httpx.Response(200, content=orjson.dumps({"data": data}))

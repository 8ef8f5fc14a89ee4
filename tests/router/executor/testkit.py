"""Testkit of the executor tests: an API schema, fake subgraphs over ``httpx.MockTransport``, and a
Gateway that runs a hand-written plan (no planner involved), so each test reads as
plan + subgraph answers -> full client response + requests sent.
"""

from __future__ import annotations

import inspect
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx
import orjson
from graphql import GraphQLSchema, build_schema

from router.executor import Gateway
from router.planner import Fetch, Flatten, QueryPlan

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from graphql import DocumentNode

    from router.planner import PlanNode

SDL = """
type Query {
  me: User
  user(id: ID!): User
  users: [User]
  topProducts(first: Int = 5): [Product!]!
  product(upc: ID!): Product
  node(id: ID!): Node
  search(text: String): [SearchResult]
  matrix: [[Product]]
}

type Mutation {
  addReview(body: String!): Review
  deleteReview(id: ID!): Boolean!
}

interface Node {
  id: ID!
}

type User implements Node {
  id: ID!
  name: String!
  username: String
  age: Int
  reviews: [Review!]
  bestFriend: User
}

type Product implements Node {
  id: ID!
  upc: ID!
  name: String
  price: Float
  weight: Int
  inStock: Boolean!
  status: Status
  shippingEstimate: Int
  reviews: [Review]
  tags: [String!]
  metadata: JSON
}

scalar JSON

type Review implements Node {
  id: ID!
  body: String!
  author: User
  product: Product!
}

union SearchResult = User | Product | Review

enum Status {
  AVAILABLE
  DISCONTINUED
}
"""

SCHEMA: GraphQLSchema = build_schema(SDL)

SUBGRAPHS = ("accounts", "inventory", "products", "reviews")


def url(name: str) -> str:
    return f"http://{name}/graphql"


@dataclass(frozen=True, slots=True, kw_only=True)
class FakeSupergraph:
    """What the Gateway reads of a supergraph: the API schema and the routing URLs."""

    api_schema: GraphQLSchema = SCHEMA
    subgraphs: Mapping[str, str] = field(default_factory=lambda: {name: url(name) for name in SUBGRAPHS})


class Subgraphs:
    """Fake subgraphs behind one MockTransport, routed by host; records every request body.

    A responder takes the decoded request body and returns the response JSON (a dict), an
    ``httpx.Response``, or an awaitable of either; it may raise an httpx exception.
    """

    def __init__(self, **responders: Callable[[dict[str, Any]], Any]) -> None:
        self._responders = responders
        self.requests: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
        self.headers: defaultdict[str, list[httpx.Headers]] = defaultdict(list)
        self.transport = httpx.MockTransport(self._handle)

    async def _handle(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        body = orjson.loads(request.content)
        self.requests[host].append(body)
        self.headers[host].append(request.headers)
        responder = self._responders.get(host)
        if responder is None:
            raise AssertionError(f"unexpected request to subgraph {host!r}: {body}")
        result = responder(body)
        if inspect.isawaitable(result):
            result = await result
        if isinstance(result, httpx.Response):
            return result
        return httpx.Response(200, content=orjson.dumps(result), headers={"content-type": "application/json"})

    def counts(self) -> dict[str, int]:
        return {name: len(bodies) for name, bodies in sorted(self.requests.items()) if bodies}

    def representations(self, name: str) -> list[list[dict[str, Any]]]:
        return [body["variables"]["representations"] for body in self.requests[name]]


def entities(resolve: Callable[[dict[str, Any]], Any]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A responder answering ``_entities`` by resolving each representation."""

    def respond(body: dict[str, Any]) -> dict[str, Any]:
        return {"data": {"_entities": [resolve(rep) for rep in body["variables"]["representations"]]}}

    return respond


def data(value: dict[str, Any]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A responder that always answers ``{"data": value}``."""
    return lambda _body: {"data": value}


class StaticPlanner:
    """A planner that returns one hand-written plan and counts its calls."""

    def __init__(self, node: PlanNode | None) -> None:
        self.plan = QueryPlan(node=node)
        self.calls: list[tuple[str | None, frozenset[str]]] = []

    def __call__(
        self,
        supergraph: Any,
        document: DocumentNode,
        operation_name: str | None = None,
        *,
        override_labels: frozenset[str] = frozenset(),
    ) -> QueryPlan:
        self.calls.append((operation_name, override_labels))
        return self.plan


def gateway(subgraphs: Subgraphs, node: PlanNode | None, **options: Any) -> tuple[Gateway, StaticPlanner]:
    planner = StaticPlanner(node)
    http = httpx.AsyncClient(transport=subgraphs.transport)
    return Gateway(FakeSupergraph(), http=http, planner=planner, **options), planner


async def run(
    query: str,
    node: PlanNode | None,
    subgraphs: Subgraphs,
    variables: Mapping[str, Any] | None = None,
    operation_name: str | None = None,
    **options: Any,
) -> dict[str, Any]:
    """Run ``query`` through a Gateway whose planner returns ``node``; return the response."""
    gw, _ = gateway(subgraphs, node, **options)
    return await gw.execute(query, variables, operation_name)


def fetch(service: str, operation: str, **fields: Any) -> Fetch:
    return Fetch(service_name=service, operation=operation, **fields)


def flatten(path: str, node: Fetch) -> Flatten:
    """``Flatten`` at a dotted path (``"topProducts.@.reviews.@"``)."""
    return Flatten(path=tuple(path.split(".")), node=node)

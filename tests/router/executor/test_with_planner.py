"""The Gateway over a real supergraph, the real planner and in-process Strawberry subgraphs.

Two subgraphs: accounts owns ``User`` (``@key(id)``, ``name``, ``Query.me``); reviews owns ``Review``
and adds ``User.reviews``. The supergraph below is what composition makes of them.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import httpx
import orjson
import pytest
import strawberry
from strawberry.asgi import GraphQL

from router.executor import Gateway
from router.supergraph import load_supergraph

SUPERGRAPH = """
schema
  @link(url: "https://specs.apollo.dev/link/v1.0")
  @link(url: "https://specs.apollo.dev/join/v0.4", for: EXECUTION) {
  query: Query
}
directive @join__enumValue(graph: join__Graph!) repeatable on ENUM_VALUE
directive @join__graph(name: String!, url: String!) on ENUM_VALUE
directive @join__field(graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet, type: String,
  external: Boolean, override: String, usedOverridden: Boolean, overrideLabel: String
) repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION
directive @join__implements(graph: join__Graph!, interface: String!) repeatable on OBJECT | INTERFACE
directive @join__type(graph: join__Graph!, key: join__FieldSet, extension: Boolean! = false,
  resolvable: Boolean! = true, isInterfaceObject: Boolean! = false
) repeatable on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR
directive @join__unionMember(graph: join__Graph!, member: String!) repeatable on UNION
directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA
scalar join__FieldSet
scalar link__Import
enum link__Purpose { SECURITY EXECUTION }

enum join__Graph {
  ACCOUNTS @join__graph(name: "accounts", url: "http://accounts/graphql")
  REVIEWS @join__graph(name: "reviews", url: "http://reviews/graphql")
}

type Query @join__type(graph: ACCOUNTS) @join__type(graph: REVIEWS) {
  me: User @join__field(graph: ACCOUNTS)
  topReviews: [Review!]! @join__field(graph: REVIEWS)
}

type User @join__type(graph: ACCOUNTS, key: "id") @join__type(graph: REVIEWS, key: "id") {
  id: ID!
  name: String! @join__field(graph: ACCOUNTS)
  reviews: [Review!]! @join__field(graph: REVIEWS)
}

type Review @join__type(graph: REVIEWS) {
  body: String!
  author: User!
}
"""


@strawberry.federation.type(keys=["id"])
class User:
    id: strawberry.ID
    name: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> User | None:
        return User(id=id, name={"u1": "Ada", "u2": "Alan"}[id]) if id in ("u1", "u2") else None


@strawberry.type
class AccountsQuery:
    @strawberry.field
    def me(self) -> User:
        return User(id=strawberry.ID("u1"), name="Ada")


accounts = strawberry.federation.Schema(query=AccountsQuery, types=[User], federation_version="2.7")


@strawberry.federation.type(keys=["id"], name="User")
class ReviewsUser:
    id: strawberry.ID

    @strawberry.field
    def reviews(self) -> list[Review]:
        return [r for r in REVIEWS if r.author.id == self.id]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> ReviewsUser:
        return ReviewsUser(id=id)


@strawberry.type
class Review:
    body: str
    author: ReviewsUser


REVIEWS = [
    Review(body="Great", author=ReviewsUser(id=strawberry.ID("u1"))),
    Review(body="Meh", author=ReviewsUser(id=strawberry.ID("u2"))),
    Review(body="Again great", author=ReviewsUser(id=strawberry.ID("u1"))),
]


@strawberry.type
class ReviewsQuery:
    @strawberry.field
    def top_reviews(self) -> list[Review]:
        return REVIEWS


reviews = strawberry.federation.Schema(query=ReviewsQuery, types=[ReviewsUser], federation_version="2.7")


class Subgraphs(httpx.AsyncBaseTransport):
    """Routes by host to the Strawberry apps; counts requests and can take a subgraph down."""

    def __init__(self) -> None:
        self._apps = {
            "accounts": httpx.ASGITransport(app=GraphQL(accounts)),
            "reviews": httpx.ASGITransport(app=GraphQL(reviews)),
        }
        self.bodies: list[tuple[str, dict[str, Any]]] = []
        self.down: set[str] = set()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        self.bodies.append((host, orjson.loads(await request.aread())))
        if host in self.down:
            raise httpx.ConnectError("Connection refused", request=request)
        return await self._apps[host].handle_async_request(request)

    def counts(self) -> dict[str, int]:
        return dict(sorted(Counter(host for host, _ in self.bodies).items()))


@pytest.fixture
def subgraphs() -> Subgraphs:
    return Subgraphs()


@pytest.fixture
def gateway(subgraphs: Subgraphs) -> Gateway:
    return Gateway(load_supergraph(SUPERGRAPH), http=httpx.AsyncClient(transport=subgraphs))


async def test_an_entity_jump_sends_each_author_once_and_merges_names_into_every_review(
    gateway: Gateway, subgraphs: Subgraphs
) -> None:
    response = await gateway.execute("{ topReviews { body author { name } } }")

    assert response == {
        "data": {
            "topReviews": [
                {"body": "Great", "author": {"name": "Ada"}},
                {"body": "Meh", "author": {"name": "Alan"}},
                {"body": "Again great", "author": {"name": "Ada"}},
            ]
        }
    }
    assert subgraphs.counts() == {"accounts": 1, "reviews": 1}
    (accounts_body,) = [body for host, body in subgraphs.bodies if host == "accounts"]
    assert accounts_body["variables"]["representations"] == [
        {"__typename": "User", "id": "u1"},
        {"__typename": "User", "id": "u2"},
    ]


async def test_fields_of_two_subgraphs_under_the_clients_aliases(
    gateway: Gateway, subgraphs: Subgraphs
) -> None:
    response = await gateway.execute("{ me { who: name reviews { text: body } } }")

    assert response == {
        "data": {"me": {"who": "Ada", "reviews": [{"text": "Great"}, {"text": "Again great"}]}}
    }
    assert subgraphs.counts() == {"accounts": 1, "reviews": 1}


async def test_a_subgraph_that_is_down_nulls_only_its_part(gateway: Gateway, subgraphs: Subgraphs) -> None:
    subgraphs.down.add("accounts")

    response = await gateway.execute("{ topReviews { body author { name } } }")

    # author is User! and topReviews [Review!]!: the nulls bubble to data, with the failure as the error.
    assert response == {
        "data": None,
        "errors": [
            {
                "message": "HTTP fetch failed from subgraph 'accounts': Connection refused",
                "path": ["topReviews"],
                "extensions": {"code": "SUBGRAPH_REQUEST_FAILED", "serviceName": "accounts"},
            }
        ],
    }


async def test_introspection_and_root_typename_next_to_planned_fields(
    gateway: Gateway, subgraphs: Subgraphs
) -> None:
    response = await gateway.execute('{ __typename me { name } t: __type(name: "User") { fields { name } } }')

    assert response == {
        "data": {
            "__typename": "Query",
            "me": {"name": "Ada"},
            "t": {"fields": [{"name": "id"}, {"name": "name"}, {"name": "reviews"}]},
        }
    }
    assert subgraphs.counts() == {"accounts": 1}


async def test_entities_are_not_part_of_the_api_schema(gateway: Gateway, subgraphs: Subgraphs) -> None:
    response = await gateway.execute(
        '{ _entities(representations: [{__typename: "User", id: "u1"}]) { __typename } }'
    )

    assert response == {
        "errors": [
            {
                "message": "Cannot query field '_entities' on type 'Query'.",
                "locations": [{"line": 1, "column": 3}],
                "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"},
            }
        ]
    }
    assert subgraphs.counts() == {}

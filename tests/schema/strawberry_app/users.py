"""A tiny Strawberry federation subgraph, imported in-process by the source tests."""

from __future__ import annotations

import strawberry


@strawberry.federation.type(keys=["id"])
class User:
    id: strawberry.ID
    name: str = strawberry.federation.field(shareable=True)


@strawberry.type
class Query:
    @strawberry.field
    def me(self) -> User:
        return User(id=strawberry.ID("1"), name="Ada")


schema = strawberry.federation.Schema(query=Query, federation_version="2.9")

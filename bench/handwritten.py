"""The e-commerce pages without a router: a hand-written backend-for-frontend over the subgraphs.

What a careful team would write instead of running a federation router: for each page it knows,
the subgraph calls to make (root queries and ``_entities`` jumps), started as early as their inputs
allow and run concurrently where they do not depend on each other, over one pooled keep-alive
HTTP client, and the answer assembled in the page's shape. It answers POST /graphql with the same
body a client sends the router (``operationName`` picks the page, ``variables`` its arguments) and
returns the same JSON the router returns, so the benchmark can load both with one wrk script and
check their answers equal.

It knows two pages (``bench/workloads/ecommerce.py`` holds their operations):

- ``ProductPage($id)``: products (the product, with price and weight) and, at the same time,
  reviews (the product's reviews by id: the id is the argument, so this need not wait) then users
  (the reviews' authors); inventory (stock, shipping estimate from price and weight) after products.
  The router's plan runs reviews after products: one level of concurrency a hand-written page
  gets for free and a planner cannot assume.
- ``MyOrders``: users (``me``, with the caller's bearer token), orders (the user's orders), then
  products and inventory at the same time for the distinct products of all order lines.

    python -m bench.handwritten --port PORT --subgraphs '{"users": "http://.../graphql", ...}'
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import httpx
import orjson
import uvicorn

from router.executor import PooledTransport

__all__ = ["Backend", "create_app"]

_PRODUCT = (
    "query($id: ID!) { product(id: $id) "
    "{ id name sku description category price { amount currency } weight } }"
)
_PRODUCT_STOCK = (
    "query($r: [_Any!]!) { _entities(representations: $r) "
    "{ ... on Product { quantity inStock shippingEstimate } } }"
)
_PRODUCT_REVIEWS = (
    "query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { averageRating "
    "reviews(first: 5) { edges { node { id rating body createdAt author { id } } } } } } }"
)
_USER_NAMES = "query($r: [_Any!]!) { _entities(representations: $r) { ... on User { name } } }"
_ME = "{ me { id name email } }"
_USER_ORDERS = (
    "query($r: [_Any!]!) { _entities(representations: $r) { ... on User { orders(first: 10) "
    "{ edges { node { id status createdAt total { amount currency } "
    "items { quantity unitPrice { amount currency } product { id } } } } } } } }"
)
_PRODUCT_NAMES = "query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { name sku } } }"
_PRODUCT_IN_STOCK = "query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { inStock } } }"


class SubgraphFailed(Exception):
    """A subgraph answered with errors or without data; the page answers with those errors."""

    def __init__(self, errors: list[Any]) -> None:
        super().__init__(errors)
        self.errors = errors


class Backend:
    """The two pages over one pooled HTTP client; ``urls`` maps subgraph name -> GraphQL URL."""

    def __init__(self, *, urls: Mapping[str, str], http: httpx.AsyncClient) -> None:
        self._urls = dict(urls)
        self._http = http

    async def _query(
        self, subgraph: str, query: str, variables: dict[str, Any] | None, authorization: str | None
    ) -> dict[str, Any]:
        headers = {"content-type": "application/json", "accept": "application/json"}
        if authorization:
            headers["authorization"] = authorization
        body = orjson.dumps({"query": query, "variables": variables})
        response = await self._http.post(self._urls[subgraph], content=body, headers=headers)
        answer = orjson.loads(response.content)
        if answer.get("errors") or answer.get("data") is None:
            raise SubgraphFailed(answer.get("errors") or [{"message": f"{subgraph}: no data"}])
        return dict(answer["data"])

    async def product_page(self, product_id: str) -> dict[str, Any]:
        reviews = asyncio.ensure_future(self._reviews_with_authors(product_id))
        try:
            product = (await self._query("products", _PRODUCT, {"id": product_id}, None))["product"]
            if product is None:
                return {"product": None}
            representation = {
                "__typename": "Product",
                "id": product["id"],
                "price": {"amount": product["price"]["amount"]},
                "weight": product["weight"],
            }
            stock = (await self._query("inventory", _PRODUCT_STOCK, {"r": [representation]}, None))[
                "_entities"
            ][0]
            average, review_edges = await reviews
        finally:
            reviews.cancel()
        return {
            "product": {
                "id": product["id"],
                "name": product["name"],
                "sku": product["sku"],
                "description": product["description"],
                "category": product["category"],
                "price": product["price"],
                "quantity": stock["quantity"],
                "inStock": stock["inStock"],
                "shippingEstimate": stock["shippingEstimate"],
                "averageRating": average,
                "reviews": {"edges": review_edges},
            }
        }

    async def _reviews_with_authors(self, product_id: str) -> tuple[Any, list[dict[str, Any]]]:
        representation = {"__typename": "Product", "id": product_id}
        entity = (await self._query("reviews", _PRODUCT_REVIEWS, {"r": [representation]}, None))["_entities"][
            0
        ]
        edges = entity["reviews"]["edges"] if entity["reviews"] else []
        author_ids = list(dict.fromkeys(edge["node"]["author"]["id"] for edge in edges))
        names: dict[str, str] = {}
        if author_ids:
            users = [{"__typename": "User", "id": i} for i in author_ids]
            found = (await self._query("users", _USER_NAMES, {"r": users}, None))["_entities"]
            names = {i: user["name"] for i, user in zip(author_ids, found, strict=True)}
        return entity["averageRating"], [
            {
                "node": {
                    **{k: edge["node"][k] for k in ("id", "rating", "body", "createdAt")},
                    "author": {
                        "id": edge["node"]["author"]["id"],
                        "name": names[edge["node"]["author"]["id"]],
                    },
                }
            }
            for edge in edges
        ]

    async def my_orders(self, authorization: str | None) -> dict[str, Any]:
        me = (await self._query("users", _ME, None, authorization))["me"]
        if me is None:
            return {"me": None}
        user = [{"__typename": "User", "id": me["id"]}]
        orders = (await self._query("orders", _USER_ORDERS, {"r": user}, authorization))["_entities"][0][
            "orders"
        ]
        edges = orders["edges"] if orders else []
        product_ids = list(
            dict.fromkeys(item["product"]["id"] for edge in edges for item in edge["node"]["items"])
        )
        details: dict[str, dict[str, Any]] = {}
        if product_ids:
            products = [{"__typename": "Product", "id": i} for i in product_ids]
            names, stock = await asyncio.gather(
                self._query("products", _PRODUCT_NAMES, {"r": products}, authorization),
                self._query("inventory", _PRODUCT_IN_STOCK, {"r": products}, authorization),
            )
            for i, name, in_stock in zip(product_ids, names["_entities"], stock["_entities"], strict=True):
                details[i] = {
                    "id": i,
                    "name": name["name"],
                    "sku": name["sku"],
                    "inStock": in_stock["inStock"],
                }
        return {
            "me": {
                "id": me["id"],
                "name": me["name"],
                "email": me["email"],
                "orders": None
                if orders is None
                else {
                    "edges": [
                        {
                            "node": {
                                **{k: edge["node"][k] for k in ("id", "status", "createdAt", "total")},
                                "items": [
                                    {
                                        "quantity": item["quantity"],
                                        "unitPrice": item["unitPrice"],
                                        "product": details[item["product"]["id"]],
                                    }
                                    for item in edge["node"]["items"]
                                ],
                            }
                        }
                        for edge in edges
                    ]
                },
            }
        }

    async def answer(self, request: dict[str, Any], authorization: str | None) -> dict[str, Any]:
        name = request.get("operationName")
        variables = request.get("variables") or {}
        try:
            if name == "ProductPage":
                return {"data": await self.product_page(str(variables["id"]))}
            if name == "MyOrders":
                return {"data": await self.my_orders(authorization)}
        except SubgraphFailed as exc:
            return {"errors": exc.errors, "data": None}
        return {"errors": [{"message": f"this backend knows no operation {name!r}"}], "data": None}


_Receive = Callable[[], Awaitable[dict[str, Any]]]
_Send = Callable[[dict[str, Any]], Awaitable[None]]


def create_app(urls: Mapping[str, str]) -> Callable[[dict[str, Any], _Receive, _Send], Awaitable[None]]:
    """A bare ASGI app (no framework: the baseline pays for nothing it does not need)."""
    backend: list[Backend] = []

    async def app(scope: dict[str, Any], receive: _Receive, send: _Send) -> None:
        if scope["type"] != "http":
            return
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        if not backend:  # the client belongs to the server's event loop: made on first request
            backend.append(
                Backend(urls=urls, http=httpx.AsyncClient(transport=PooledTransport(), timeout=30))
            )
        authorization = next((v.decode() for k, v in scope["headers"] if k == b"authorization"), None)
        body = orjson.dumps(await backend[0].answer(orjson.loads(b"".join(chunks)), authorization))
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))],
            }
        )
        await send({"type": "http.response.body", "body": body})

    return app


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.handwritten", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--subgraphs", required=True, help="JSON object: subgraph name -> GraphQL URL")
    args = parser.parse_args()
    uvicorn.run(
        create_app(orjson.loads(args.subgraphs)),
        host="127.0.0.1",
        port=args.port,
        log_level="warning",
        access_log=False,
        lifespan="off",
    )


if __name__ == "__main__":
    main()

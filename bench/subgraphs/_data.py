"""Static in-memory data and the resolvers of the four bench subgraphs.

Objects are plain dicts; graphql-core's default resolver reads dict keys and calls callables, so a
relation is a lambda. ``ENTITIES[subgraph][typename](representation)`` resolves one ``_entities``
representation (None when the key matches nothing).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["ENTITIES", "ROOTS"]

_USER_COUNT = 4
_PRODUCT_COUNT = 5
_REVIEW_COUNT = 10

USERS = [
    {"id": str(i), "name": f"User {i}", "username": f"user{i}", "birthday": 1_000_000 + i}
    for i in range(1, _USER_COUNT + 1)
]
PRODUCTS = [
    {"upc": str(i), "name": f"Product {i}", "price": 100 * i + 99, "weight": 10 * i}
    for i in range(1, _PRODUCT_COUNT + 1)
]
REVIEWS = [
    {
        "id": str(i),
        "body": f"Review {i}: " + "a fine product " * 3,
        "author_id": USERS[i % _USER_COUNT]["id"],
        "upc": PRODUCTS[i % _PRODUCT_COUNT]["upc"],
    }
    for i in range(1, _REVIEW_COUNT + 1)
]
_USERS_BY_ID = {u["id"]: u for u in USERS}
_PRODUCTS_BY_UPC = {p["upc"]: p for p in PRODUCTS}


def _accounts_user(rep: dict[str, Any]) -> dict[str, Any] | None:
    user = _USERS_BY_ID.get(rep.get("id"))  # type: ignore[arg-type]
    return {"__typename": "User", **user} if user else None


def _products_product(rep: dict[str, Any]) -> dict[str, Any] | None:
    product = _PRODUCTS_BY_UPC.get(rep.get("upc"))  # type: ignore[arg-type]
    return {"__typename": "Product", **product} if product else None


def _inventory_product(rep: dict[str, Any]) -> dict[str, Any] | None:
    upc, price, weight = rep.get("upc"), rep.get("price"), rep.get("weight")
    if upc not in _PRODUCTS_BY_UPC:
        return None
    # The classic rule: expensive items ship free, the rest cost half their weight.
    estimate = None if price is None or weight is None else (0 if price > 1000 else weight // 2)
    return {"__typename": "Product", "upc": upc, "inStock": int(upc) % 2 == 1, "shippingEstimate": estimate}


def _review(review: dict[str, Any]) -> dict[str, Any]:
    author = _USERS_BY_ID[review["author_id"]]
    return {
        "__typename": "Review",
        "id": review["id"],
        "body": review["body"],
        # Relations resolve lazily (graphql-core calls them), so reviews -> product -> reviews ends.
        "author": lambda _info: {**_reviews_user({"id": author["id"]}), "username": author["username"]},  # type: ignore[dict-item]
        "product": lambda _info: _reviews_product({"upc": review["upc"]}),
    }


def _reviews_review(rep: dict[str, Any]) -> dict[str, Any] | None:
    found = next((r for r in REVIEWS if r["id"] == rep.get("id")), None)
    return _review(found) if found else None


def _reviews_user(rep: dict[str, Any]) -> dict[str, Any] | None:
    user_id = rep.get("id")
    if user_id not in _USERS_BY_ID:
        return None
    reviews = [r for r in REVIEWS if r["author_id"] == user_id]
    return {"__typename": "User", "id": user_id, "reviews": lambda _info: [_review(r) for r in reviews]}


def _reviews_product(rep: dict[str, Any]) -> dict[str, Any] | None:
    upc = rep.get("upc")
    if upc not in _PRODUCTS_BY_UPC:
        return None
    reviews = [r for r in REVIEWS if r["upc"] == upc]
    return {"__typename": "Product", "upc": upc, "reviews": lambda _info: [_review(r) for r in reviews]}


Resolver = Callable[[dict[str, Any]], "dict[str, Any] | None"]

ENTITIES: dict[str, dict[str, Resolver]] = {
    "accounts": {"User": _accounts_user},
    "inventory": {"Product": _inventory_product},
    "products": {"Product": _products_product},
    "reviews": {"Review": _reviews_review, "User": _reviews_user, "Product": _reviews_product},
}

#: Root values: the ``Query`` fields each subgraph owns (besides ``_entities`` and ``_service``).
ROOTS: dict[str, dict[str, Any]] = {
    "accounts": {
        "me": lambda _info: _accounts_user({"id": USERS[0]["id"]}),
        "users": lambda _info: [_accounts_user(u) for u in USERS],
        "user": lambda _info, id: _accounts_user({"id": id}),
    },
    "inventory": {},
    "products": {"topProducts": lambda _info, first=5: [_products_product(p) for p in PRODUCTS[:first]]},
    "reviews": {},
}

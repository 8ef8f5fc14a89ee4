"""Shared helpers of the reviews tests."""

from __future__ import annotations

from typing import Any

ADD_REVIEW = """
mutation($productId: ID!, $rating: Int!, $body: String!) {
  addReview(productId: $productId, rating: $rating, body: $body) {
    id rating body createdAt author { id } product { id }
  }
}
"""

PRODUCT_REVIEWS = """
query($representations: [_Any!]!, $first: Int! = 10, $after: String) {
  _entities(representations: $representations) {
    ... on Product {
      id averageRating
      reviews(first: $first, after: $after) {
        edges { cursor node { id rating author { id } } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
}
"""


def products(*ids: str) -> list[dict[str, str]]:
    return [{"__typename": "Product", "id": product_id} for product_id in ids]


def error(body: dict[str, Any]) -> dict[str, Any]:
    assert body.get("errors"), body
    assert len(body["errors"]) == 1, body["errors"]
    return dict(body["errors"][0])


def code(body: dict[str, Any]) -> str:
    return str(error(body)["extensions"]["code"])


def selects(statements: list[str]) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith(("SELECT", "WITH"))]

"""The four subgraphs' SDLs: the shape of the common federation gateway benchmark.

accounts owns ``User``; products owns ``Product`` and ``Query.topProducts``; inventory adds
``inStock`` and ``shippingEstimate`` (``@requires(fields: "price weight")``) to ``Product``; reviews
owns ``Review`` and adds ``User.reviews`` and ``Product.reviews``, providing ``User.username``.
"""

from __future__ import annotations

__all__ = ["SDLS"]

_LINK = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", '
    'import: ["@key", "@external", "@requires", "@provides", "@shareable"])\n'
)

SDLS: dict[str, str] = {
    "accounts": _LINK
    + """
type Query {
  me: User
  users: [User]
  user(id: ID!): User
}

type User @key(fields: "id") {
  id: ID!
  name: String
  username: String @shareable
  birthday: Int
}
""",
    "inventory": _LINK
    + """
type Product @key(fields: "upc") {
  upc: String!
  weight: Int @external
  price: Int @external
  inStock: Boolean
  shippingEstimate: Int @requires(fields: "price weight")
}
""",
    "products": _LINK
    + """
type Query {
  topProducts(first: Int = 5): [Product]
}

type Product @key(fields: "upc") {
  upc: String!
  name: String
  price: Int
  weight: Int
}
""",
    "reviews": _LINK
    + """
type Review @key(fields: "id") {
  id: ID!
  body: String
  author: User @provides(fields: "username")
  product: Product
}

type User @key(fields: "id") {
  id: ID!
  username: String @external
  reviews: [Review]
}

type Product @key(fields: "upc") {
  upc: String!
  reviews: [Review]
}
""",
}

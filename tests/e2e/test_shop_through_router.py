"""The e-commerce system through the router: the same answers as asking each subgraph by hand, in
the fewest subgraph requests the plan allows."""

from __future__ import annotations

from typing import Any

from .conftest import Shop

PRODUCT_PAGE = """
query ProductPage($id: ID!) {
  product(id: $id) {
    name
    price { amount currency }
    inStock
    shippingEstimate
    reviews { edges { node { rating body author { name } } } }
  }
}
"""


async def _by_hand(shop: Shop, subgraph: str, query: str, variables: dict[str, Any] | None = None) -> Any:
    body = await shop.system.graphql(subgraph, query, variables)
    assert "errors" not in body, body
    return body["data"]


async def test_product_page_equals_the_subgraphs_answers_by_hand(shop: Shop) -> None:
    catalogue = (
        await _by_hand(
            shop, "products", '{ product(id: "product-1") { id name price { amount currency } weight } }'
        )
    )["product"]
    stock = (
        await _by_hand(
            shop,
            "inventory",
            "query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { inStock shippingEstimate } } }",
            {
                "r": [
                    {
                        "__typename": "Product",
                        "id": "product-1",
                        "price": {"amount": catalogue["price"]["amount"]},
                        "weight": catalogue["weight"],
                    }
                ]
            },
        )
    )["_entities"][0]
    reviews = (
        await _by_hand(
            shop,
            "reviews",
            "query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { reviews { edges { node { rating body author { id } } } } } } }",
            {"r": [{"__typename": "Product", "id": "product-1"}]},
        )
    )["_entities"][0]["reviews"]
    author_ids = [edge["node"]["author"]["id"] for edge in reviews["edges"]]
    authors = (
        await _by_hand(
            shop,
            "users",
            "query($r: [_Any!]!) { _entities(representations: $r) { ... on User { name } } }",
            {"r": [{"__typename": "User", "id": author_id} for author_id in author_ids]},
        )
    )["_entities"]
    expected = {
        "product": {
            "name": catalogue["name"],
            "price": catalogue["price"],
            "inStock": stock["inStock"],
            "shippingEstimate": stock["shippingEstimate"],
            "reviews": {
                "edges": [
                    {
                        "node": {
                            "rating": edge["node"]["rating"],
                            "body": edge["node"]["body"],
                            "author": author,
                        }
                    }
                    for edge, author in zip(reviews["edges"], authors, strict=True)
                ]
            },
        }
    }
    assert reviews["edges"], "seed data has a review of product-1"

    shop.reset_counts()
    response = await shop.gateway.execute(PRODUCT_PAGE, {"id": "product-1"})

    assert response == {"data": expected}
    # products, then inventory (@requires price and weight) and reviews in parallel, then users.
    assert shop.subgraph_requests() == {"inventory": 1, "products": 1, "reviews": 1, "users": 1}


async def test_a_query_touching_every_subgraph_makes_one_request_per_hop(shop: Shop) -> None:
    query = """
    {
      me {
        name
        orders {
          edges {
            node {
              status
              items { quantity product { name inStock reviews { edges { node { rating author { name } } } } } }
            }
          }
        }
      }
    }
    """
    response = await shop.query(query, user="user-2")

    assert "errors" not in response, response
    orders = response["data"]["me"]["orders"]["edges"]
    assert response["data"]["me"]["name"] == "Alice Liddell"
    assert {edge["node"]["status"] for edge in orders} == {"DELIVERED", "PENDING"}
    first_items = {item["product"]["name"]: item for edge in orders for item in edge["node"]["items"]}
    assert all(isinstance(item["product"]["inStock"], bool) for item in first_items.values())
    reviewers = {
        review["node"]["author"]["name"]
        for item in first_items.values()
        for review in item["product"]["reviews"]["edges"]
    }
    assert "Alice Liddell" in reviewers
    # users(me) -> orders(User.orders) -> products + inventory + reviews (one batch each) -> users(authors)
    assert shop.subgraph_requests() == {"inventory": 1, "orders": 1, "products": 1, "reviews": 1, "users": 2}


async def test_order_placed_through_the_router_shows_in_my_orders_and_takes_stock(shop: Shop) -> None:
    stock_before = await shop.query('{ product(id: "product-4") { quantity } }')
    before = stock_before["data"]["product"]["quantity"]

    placed = await shop.query(
        'mutation { placeOrder(items: [{productId: "product-4", quantity: 2}]) '
        "{ id status total { amount currency } items { quantity unitPrice { amount } product { name } } user { name } } }",
        user="user-4",
    )
    assert "errors" not in placed, placed
    order = placed["data"]["placeOrder"]
    assert order["status"] == "PENDING"
    assert order["user"] == {"name": "Carol Danvers"}
    assert order["total"]["amount"] == 2 * order["items"][0]["unitPrice"]["amount"]

    mine = await shop.query("{ me { orders { edges { node { id } } } } }", user="user-4")
    assert {"node": {"id": order["id"]}} in mine["data"]["me"]["orders"]["edges"]
    stock_after = await shop.query('{ product(id: "product-4") { quantity } }')
    assert stock_after["data"]["product"]["quantity"] == before - 2


async def test_ordering_more_than_the_stock_is_a_conflict_and_nothing_is_stored(shop: Shop) -> None:
    response = await shop.query(
        'mutation { placeOrder(items: [{productId: "product-11", quantity: 50}]) { id } }', user="user-3"
    )
    assert response["data"] is None
    [error] = response["errors"]
    assert error["path"] == ["placeOrder"]
    assert error["extensions"]["code"] == "CONFLICT"
    assert error["extensions"]["serviceName"] == "orders"
    assert "product-11" in error["message"]
    mine = await shop.query("{ me { orders { edges { node { id } } } } }", user="user-3")
    assert len(mine["data"]["me"]["orders"]["edges"]) == 1  # only the seeded order-2


async def test_a_subgraph_that_is_down_nulls_only_its_fields(shop: Shop) -> None:
    del shop.system.transport.apps["reviews"]
    response = await shop.gateway.execute(PRODUCT_PAGE, {"id": "product-1"})

    product = response["data"]["product"]
    assert product["name"] and product["inStock"] is True
    assert product["reviews"] is None
    [error] = response["errors"]
    assert error["extensions"]["serviceName"] == "reviews"
    assert error["extensions"]["code"] == "SUBGRAPH_REQUEST_FAILED"


async def test_another_users_orders_are_refused_at_their_path(shop: Shop) -> None:
    response = await shop.query(
        '{ user(id: "user-3") { name orders { edges { node { id } } } } }', user="user-2"
    )
    assert response["data"]["user"]["name"] == "Bob Builder"
    assert response["data"]["user"]["orders"] is None
    [error] = response["errors"]
    assert error["path"] == ["user", "orders"]
    assert error["extensions"]["code"] == "FORBIDDEN"

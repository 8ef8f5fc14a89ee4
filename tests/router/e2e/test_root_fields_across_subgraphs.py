"""Root fields of several subgraphs in one operation: one request per subgraph, answered in the
client's field order."""

from __future__ import annotations

FEATURE = "shop"


async def test_root_fields_of_three_subgraphs_are_fetched_with_one_request_each(run):
    response, counts = await run(
        """
        {
          me { name }
          topProducts(first: 2) { name price }
          review(id: "r3") { body }
        }
        """
    )
    assert response == {
        "data": {
            "me": {"name": "Ada Lovelace"},
            "topProducts": [{"name": "Table", "price": 899}, {"name": "Couch", "price": 1299}],
            "review": {"body": "Could be better."},
        }
    }
    assert counts == {"products": 1, "reviews": 1, "users": 1}


async def test_two_root_fields_of_one_subgraph_share_one_request(run):
    response, counts = await run('{ me { username } user(id: "u2") { name } }')
    assert response == {"data": {"me": {"username": "@ada"}, "user": {"name": "Alan Turing"}}}
    assert counts == {"users": 1}


async def test_response_follows_the_client_field_order_not_the_subgraph_order(run):
    response, counts = await run('{ review(id: "r1") { body } me { name } product(upc: "3") { name } }')
    assert list(response["data"]) == ["review", "me", "product"]
    assert response == {
        "data": {"review": {"body": "Love it!"}, "me": {"name": "Ada Lovelace"}, "product": {"name": "Chair"}}
    }
    assert counts == {"products": 1, "reviews": 1, "users": 1}


async def test_a_root_field_resolving_to_null_is_null_without_errors(run):
    response, counts = await run('{ product(upc: "99") { name reviews { body } } }')
    assert response == {"data": {"product": None}}
    assert counts == {"products": 1}


async def test_typename_of_the_query_root_needs_no_subgraph(run):
    response, counts = await run("{ __typename }")
    assert response == {"data": {"__typename": "Query"}}
    assert counts == {}

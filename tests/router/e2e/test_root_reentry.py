"""Root type re-entry end to end: root fields asked on a ``Query`` object a field returned are answered
by their own subgraphs, with one plain query each, and merged into that object."""

from __future__ import annotations

from .testkit import Matches

FEATURE = "root_reentry"


async def test_query_fields_of_other_subgraphs_are_answered_under_the_returned_query_object(run, federation):
    response, counts = await run(
        "{ viewer { name query { topProducts(first: 2) { name inStock } me { name } } } }"
    )
    assert response == {
        "data": {
            "viewer": {
                "name": "Ada's session",
                "query": {
                    "topProducts": [{"name": "Table", "inStock": True}, {"name": "Couch", "inStock": False}],
                    "me": {"name": "Ada"},
                },
            }
        }
    }
    assert counts == {"accounts": 1, "inventory": 1, "products": 1}
    # A plain root query: no _entities, no representations.
    assert [body["query"] for body in federation.transport.requests["products"]] == [
        "query { topProducts(first: 2) { __typename name upc } }"
    ]


async def test_query_fields_of_the_same_subgraph_need_no_extra_request(run):
    response, counts = await run("{ root { latestReviews { body } root { latestReviews { body } } } }")
    reviews = [{"body": "Love it!"}, {"body": "Wobbles."}]
    assert response == {"data": {"root": {"latestReviews": reviews, "root": {"latestReviews": reviews}}}}
    assert counts == {"reviews": 1}


async def test_re_entry_under_a_list_is_sent_once_and_merged_into_every_item(run):
    response, counts = await run('{ latestReviews { body query { product(upc: "3") { name } } } }')
    assert response == {
        "data": {
            "latestReviews": [
                {"body": "Love it!", "query": {"product": {"name": "Chair"}}},
                {"body": "Wobbles.", "query": {"product": {"name": "Chair"}}},
            ]
        }
    }
    assert counts == {"products": 1, "reviews": 1}


async def test_mutation_payload_query_sees_what_the_mutation_did(run, federation):
    response, counts = await run(
        """
        mutation {
          createReview(upc: "1", body: "Sturdy.") {
            review { id body }
            query { topProducts(first: 1) { name reviews { body } } }
          }
        }
        """
    )
    assert response == {
        "data": {
            "createReview": {
                "review": {"id": "r3", "body": "Sturdy."},
                "query": {
                    "topProducts": [{"name": "Table", "reviews": [{"body": "Love it!"}, {"body": "Sturdy."}]}]
                },
            }
        }
    }
    assert counts == {"products": 1, "reviews": 2}
    assert federation.transport.requests["products"][0]["query"].startswith("query ")


async def test_re_entry_forwards_the_client_variables_it_uses(run, federation):
    response, counts = await run(
        "query Product($upc: String!) { viewer { query { product(upc: $upc) { name price } } } }",
        {"upc": "2"},
        "Product",
    )
    assert response == {"data": {"viewer": {"query": {"product": {"name": "Couch", "price": 1299}}}}}
    assert counts == {"accounts": 1, "products": 1}
    assert federation.transport.requests["products"] == [
        {
            "query": "query Product__products__2($upc: String!) { product(upc: $upc) { name price } }",
            "variables": {"upc": "2"},
            "operationName": "Product__products__2",
        }
    ]


async def test_subgraph_error_in_a_re_entry_is_repathed_under_the_query_object(run):
    response, counts = await run("{ viewer { name query { featured { name } me { name } } } }")
    assert response == {
        "data": {"viewer": {"name": "Ada's session", "query": {"featured": None, "me": {"name": "Ada"}}}},
        "errors": [
            {
                "message": "No featured product today",
                "path": ["viewer", "query", "featured"],
                "extensions": {"code": "NOT_FOUND", "serviceName": "products"},
            }
        ],
    }
    assert counts == {"accounts": 1, "products": 1}


async def test_subgraph_down_during_a_re_entry_gives_partial_data_and_one_error(run, federation):
    federation.take_down("products")
    response, counts = await run('{ viewer { name query { product(upc: "1") { name } me { name } } } }')
    assert response == {
        "data": {"viewer": {"name": "Ada's session", "query": {"product": None, "me": {"name": "Ada"}}}},
        "errors": [
            {
                "message": Matches(r"^HTTP fetch failed from subgraph 'products'"),
                "path": ["viewer", "query"],
                "extensions": {"code": "SUBGRAPH_REQUEST_FAILED", "serviceName": "products"},
            }
        ],
    }
    assert counts == {"accounts": 1, "products": 1}


async def test_subgraph_down_for_a_non_null_re_entered_field_nulls_up_to_the_nearest_nullable_parent(
    run, federation
):
    federation.take_down("products")
    response, counts = await run("{ viewer { query { topProducts { name } } } me { name } }")
    # topProducts, Viewer.query and Query.viewer are all non-null: data becomes null.
    assert response == {
        "data": None,
        "errors": [
            {
                "message": Matches(r"^HTTP fetch failed from subgraph 'products'"),
                "path": ["viewer", "query"],
                "extensions": {"code": "SUBGRAPH_REQUEST_FAILED", "serviceName": "products"},
            }
        ],
    }
    assert counts == {"accounts": 1, "products": 1}


async def test_subgraph_error_in_a_re_entry_under_a_list_is_repathed_under_every_item(run):
    response, counts = await run("{ latestReviews { body query { featured { name } } } }")
    error = {
        "message": "No featured product today",
        "extensions": {"code": "NOT_FOUND", "serviceName": "products"},
    }
    assert response == {
        "data": {
            "latestReviews": [
                {"body": "Love it!", "query": {"featured": None}},
                {"body": "Wobbles.", "query": {"featured": None}},
            ]
        },
        "errors": [
            {**error, "path": ["latestReviews", 0, "query", "featured"]},
            {**error, "path": ["latestReviews", 1, "query", "featured"]},
        ],
    }
    assert counts == {"products": 1, "reviews": 1}

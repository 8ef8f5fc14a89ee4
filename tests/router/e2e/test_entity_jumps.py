"""Entity jumps: fields of an entity from other subgraphs are fetched with one ``_entities`` request per
hop, carrying each distinct representation once."""

from __future__ import annotations

FEATURE = "shop"


async def test_products_to_reviews_to_users_takes_one_entities_request_per_hop(run, federation):
    response, counts = await run("{ topProducts(first: 3) { name reviews { body author { name } } } }")
    assert response == {
        "data": {
            "topProducts": [
                {
                    "name": "Table",
                    "reviews": [
                        {"body": "Love it!", "author": {"name": "Ada Lovelace"}},
                        {"body": "Too expensive.", "author": {"name": "Alan Turing"}},
                    ],
                },
                {
                    "name": "Couch",
                    "reviews": [{"body": "Could be better.", "author": {"name": "Grace Hopper"}}],
                },
                {
                    "name": "Chair",
                    "reviews": [{"body": "Prefer something else.", "author": {"name": "Ada Lovelace"}}],
                },
            ]
        }
    }
    assert counts == {"products": 1, "reviews": 1, "users": 1}
    [products] = federation.representations("reviews")
    assert sorted(products, key=lambda r: r["upc"]) == [
        {"__typename": "Product", "upc": "1"},
        {"__typename": "Product", "upc": "2"},
        {"__typename": "Product", "upc": "3"},
    ]
    # Ada wrote two of the four reviews: her representation is sent once.
    [authors] = federation.representations("users")
    assert sorted(authors, key=lambda r: r["id"]) == [
        {"__typename": "User", "id": "u1"},
        {"__typename": "User", "id": "u2"},
        {"__typename": "User", "id": "u3"},
    ]


async def test_a_jump_can_return_to_the_subgraph_the_query_started_in(run):
    response, counts = await run("{ me { name reviews { body product { name price } } } }")
    assert response == {
        "data": {
            "me": {
                "name": "Ada Lovelace",
                "reviews": [
                    {"body": "Love it!", "product": {"name": "Table", "price": 899}},
                    {"body": "Prefer something else.", "product": {"name": "Chair", "price": 54}},
                ],
            }
        }
    }
    assert counts == {"products": 1, "reviews": 1, "users": 1}


async def test_key_fields_are_answered_by_the_subgraph_already_fetched(run):
    response, counts = await run('{ review(id: "r1") { id author { id username } product { upc } } }')
    assert response == {
        "data": {"review": {"id": "r1", "author": {"id": "u1", "username": "@ada"}, "product": {"upc": "1"}}}
    }
    assert counts == {"reviews": 1, "users": 1}


async def test_no_representations_means_no_entities_request(run):
    response, counts = await run('{ user(id: "u404") { name reviews { body } } }')
    assert response == {"data": {"user": None}}
    assert counts == {"users": 1}

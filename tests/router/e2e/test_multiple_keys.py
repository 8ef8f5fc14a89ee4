"""An entity with two keys: each subgraph is reached through the key it declares, and a subgraph that
only knows one key reaches the other through the subgraph that knows both."""

from __future__ import annotations

FEATURE = "multiple_keys"

DUNE, EMMA, ULYSSES = "978-0441013593", "978-0141439587", "978-0199535675"


async def test_each_subgraph_is_reached_through_its_own_key(run, federation):
    response, counts = await run("{ books { title rating loans } }")
    assert response == {
        "data": {
            "books": [
                {"title": "Dune", "rating": 5, "loans": 12},
                {"title": "Emma", "rating": 4, "loans": 3},
                {"title": "Ulysses", "rating": 3, "loans": 0},
            ]
        }
    }
    assert counts == {"library": 1, "loans": 1, "ratings": 1}
    assert federation.representations("ratings") == [
        [{"__typename": "Book", "isbn": isbn} for isbn in (DUNE, EMMA, ULYSSES)]
    ]
    assert federation.representations("loans") == [
        [{"__typename": "Book", "id": i} for i in ("b1", "b2", "b3")]
    ]


async def test_a_subgraph_knowing_only_isbn_reaches_the_id_keyed_one_through_the_library(run, federation):
    response, counts = await run("{ topRated { isbn rating loans } }")
    assert response == {
        "data": {
            "topRated": [{"isbn": DUNE, "rating": 5, "loans": 12}, {"isbn": EMMA, "rating": 4, "loans": 3}]
        }
    }
    assert counts == {"library": 1, "loans": 1, "ratings": 1}
    assert federation.representations("library") == [
        [{"__typename": "Book", "isbn": isbn} for isbn in (DUNE, EMMA)]
    ]
    assert federation.representations("loans") == [[{"__typename": "Book", "id": i} for i in ("b1", "b2")]]


async def test_a_field_of_the_subgraph_with_both_keys_needs_one_hop(run):
    response, counts = await run("{ topRated { title id } }")
    assert response == {"data": {"topRated": [{"title": "Dune", "id": "b1"}, {"title": "Emma", "id": "b2"}]}}
    assert counts == {"library": 1, "ratings": 1}

"""``@interfaceObject``: ratings adds ``rating`` to every ``Media`` without knowing Book or Movie.
``__typename`` and ``... on Book`` from ratings' own root field need a hop to media, which knows the
real types; representations sent to ratings say ``Media``."""

from __future__ import annotations

FEATURE = "interface_object"


async def test_interface_object_field_is_added_to_every_implementation(run, federation):
    response, counts = await run("{ allMedia { title rating } }")
    assert response == {
        "data": {
            "allMedia": [
                {"title": "Dune", "rating": 5},
                {"title": "Alien", "rating": 4},
                {"title": "Emma", "rating": 3},
            ]
        }
    }
    assert counts == {"media": 1, "ratings": 1}
    assert federation.representations("ratings") == [
        [{"__typename": "Media", "id": i} for i in ("b1", "m1", "b2")]
    ]


async def test_interface_object_root_field_alone_stays_in_its_subgraph(run):
    response, counts = await run("{ topRated { id rating } }")
    assert response == {"data": {"topRated": [{"id": "b1", "rating": 5}, {"id": "m1", "rating": 4}]}}
    assert counts == {"ratings": 1}


async def test_typename_of_an_interface_object_is_the_real_type(run):
    response, counts = await run("{ topRated { __typename id } }")
    assert response == {
        "data": {"topRated": [{"__typename": "Book", "id": "b1"}, {"__typename": "Movie", "id": "m1"}]}
    }
    assert counts == {"media": 1, "ratings": 1}


async def test_type_conditions_on_implementations_from_an_interface_object(run):
    response, counts = await run("{ topRated { rating ... on Book { author } ... on Movie { director } } }")
    assert response == {
        "data": {
            "topRated": [{"rating": 5, "author": "Frank Herbert"}, {"rating": 4, "director": "Ridley Scott"}]
        }
    }
    assert counts == {"media": 1, "ratings": 1}


async def test_interface_field_of_another_subgraph_from_an_interface_object(run):
    response, counts = await run("{ topRated { title } }")
    assert response == {"data": {"topRated": [{"title": "Dune"}, {"title": "Alien"}]}}
    assert counts == {"media": 1, "ratings": 1}


async def test_interface_object_field_inside_a_type_condition(run):
    response, counts = await run("{ allMedia { __typename ... on Movie { director rating } } }")
    assert response == {
        "data": {
            "allMedia": [
                {"__typename": "Book"},
                {"__typename": "Movie", "director": "Ridley Scott", "rating": 4},
                {"__typename": "Book"},
            ]
        }
    }
    assert counts == {"media": 1, "ratings": 1}


async def test_type_condition_on_one_implementation_from_an_interface_object(run):
    response, counts = await run("{ topRated { id ... on Movie { director } } }")
    assert response == {"data": {"topRated": [{"id": "b1"}, {"id": "m1", "director": "Ridley Scott"}]}}
    assert counts == {"media": 1, "ratings": 1}

"""Unions and interfaces whose members differ per subgraph.

catalog returns Books and Movies (``search``, ``media``); store returns a Song and a Book
(``featured``). A type condition no returned object can match yields ``{}`` for that object, never
``null``.
"""

from __future__ import annotations

FEATURE = "abstract"


async def test_union_members_get_their_fields_from_the_subgraph_that_has_them(run, federation):
    response, counts = await run(
        "{ search { __typename ... on Book { title price } ... on Movie { title } } }"
    )
    assert response == {
        "data": {
            "search": [
                {"__typename": "Book", "title": "Dune", "price": 12},
                {"__typename": "Movie", "title": "Alien"},
                {"__typename": "Book", "title": "Emma", "price": 8},
            ]
        }
    }
    assert counts == {"catalog": 1, "store": 1}
    assert federation.representations("store") == [
        [{"__typename": "Book", "id": "b1"}, {"__typename": "Book", "id": "b2"}]
    ]


async def test_type_condition_that_never_matches_gives_empty_objects(run):
    response, counts = await run("{ search { ... on Song { title } } }")
    assert response == {"data": {"search": [{}, {}, {}]}}
    assert counts == {"catalog": 1}


async def test_type_condition_on_a_member_the_subgraph_does_not_have_gives_empty_objects(run):
    response, counts = await run("{ featured { ... on Movie { title } } }")
    assert response == {"data": {"featured": [{}, {}]}}
    assert counts == {"store": 1}


async def test_union_from_the_other_subgraph_jumps_for_book_titles_only(run, federation):
    response, counts = await run(
        "{ featured { __typename ... on Book { title price } ... on Song { title price } } }"
    )
    assert response == {
        "data": {
            "featured": [
                {"__typename": "Song", "title": "Hey Jude", "price": 1},
                {"__typename": "Book", "title": "Emma", "price": 8},
            ]
        }
    }
    assert counts == {"catalog": 1, "store": 1}
    assert federation.representations("catalog") == [[{"__typename": "Book", "id": "b2"}]]


async def test_interface_field_resolved_by_a_different_subgraph_per_member(run):
    response, counts = await run("{ featured { ... on Media { id title } } }")
    assert response == {
        "data": {"featured": [{"id": "s1", "title": "Hey Jude"}, {"id": "b2", "title": "Emma"}]}
    }
    assert counts == {"catalog": 1, "store": 1}


async def test_interface_with_a_member_specific_field_from_another_subgraph(run):
    response, counts = await run("{ media { id title ... on Book { price } } }")
    assert response == {
        "data": {
            "media": [
                {"id": "b1", "title": "Dune", "price": 12},
                {"id": "m1", "title": "Alien"},
                {"id": "b2", "title": "Emma", "price": 8},
            ]
        }
    }
    assert counts == {"catalog": 1, "store": 1}


async def test_interface_type_condition_on_an_implementation_unknown_to_the_subgraph(run):
    response, counts = await run("{ media { __typename ... on Song { title } } }")
    assert response == {
        "data": {"media": [{"__typename": "Book"}, {"__typename": "Movie"}, {"__typename": "Book"}]}
    }
    assert counts == {"catalog": 1}


async def test_type_condition_on_one_member_leaves_the_other_members_empty(run):
    response, counts = await run("{ featured { ... on Song { title } } }")
    assert response == {"data": {"featured": [{"title": "Hey Jude"}, {}]}}
    assert counts == {"store": 1}


async def test_type_condition_on_one_member_of_a_union_from_the_first_subgraph(run):
    response, counts = await run("{ search { ... on Movie { title } } }")
    assert response == {"data": {"search": [{}, {"title": "Alien"}, {}]}}
    assert counts == {"catalog": 1}


async def test_named_fragment_on_the_interface_spread_into_a_union(run):
    response, counts = await run(
        """
        { featured { __typename ...Identified } }
        fragment Identified on Media { id }
        """
    )
    assert response == {
        "data": {"featured": [{"__typename": "Song", "id": "s1"}, {"__typename": "Book", "id": "b2"}]}
    }
    assert counts == {"store": 1}

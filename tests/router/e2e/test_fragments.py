"""Fragments: inline, named and nested, spanning subgraphs; fields selected twice are merged."""

from __future__ import annotations

FEATURE = "shop"

ADA_REVIEWS = [{"body": "Love it!"}, {"body": "Prefer something else."}]


async def test_inline_fragment_on_the_same_type_spans_subgraphs(run):
    response, counts = await run("{ me { ... on User { name reviews { body } } } }")
    assert response == {"data": {"me": {"name": "Ada Lovelace", "reviews": ADA_REVIEWS}}}
    assert counts == {"reviews": 1, "users": 1}


async def test_named_fragments_nested_three_levels_deep(run):
    response, counts = await run(
        """
        query { topProducts(first: 2) { ...ProductCard } }
        fragment ProductCard on Product { name reviews { ...ReviewLine } }
        fragment ReviewLine on Review { body author { ...UserName } }
        fragment UserName on User { name }
        """
    )
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
            ]
        }
    }
    assert counts == {"products": 1, "reviews": 1, "users": 1}


async def test_a_field_selected_directly_and_in_a_fragment_appears_once_in_first_position(run):
    response, counts = await run(
        """
        { me { name ...Profile } }
        fragment Profile on User { username name reviews { body } }
        """
    )
    assert response == {"data": {"me": {"name": "Ada Lovelace", "username": "@ada", "reviews": ADA_REVIEWS}}}
    assert list(response["data"]["me"]) == ["name", "username", "reviews"]
    assert counts == {"reviews": 1, "users": 1}


async def test_inline_fragments_without_type_condition_nest(run):
    response, counts = await run("{ me { ... { name ... { reviews { ... { body } } } } } }")
    assert response == {"data": {"me": {"name": "Ada Lovelace", "reviews": ADA_REVIEWS}}}
    assert counts == {"reviews": 1, "users": 1}


async def test_subselections_of_one_field_in_two_fragments_are_merged(run):
    response, counts = await run(
        """
        { review(id: "r2") { ...WithAuthorName ...WithAuthorHandle } }
        fragment WithAuthorName on Review { author { name } }
        fragment WithAuthorHandle on Review { body author { username } }
        """
    )
    assert response == {
        "data": {"review": {"author": {"name": "Alan Turing", "username": "@alan"}, "body": "Too expensive."}}
    }
    assert counts == {"reviews": 1, "users": 1}

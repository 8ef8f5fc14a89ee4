"""``@provides``: on ``Review.author`` the reviews subgraph answers ``username`` itself, so no request
goes to accounts; elsewhere (``Query.topReviewer``) username still comes from accounts."""

from __future__ import annotations

FEATURE = "provides"


async def test_provided_field_is_taken_from_the_providing_subgraph_without_a_jump(run):
    response, counts = await run("{ reviews { body author { username } } }")
    assert response == {
        "data": {
            "reviews": [
                {"body": "Great", "author": {"username": "@ada"}},
                {"body": "Meh", "author": {"username": "@alan"}},
                {"body": "Okay", "author": {"username": "@ada"}},
            ]
        }
    }
    assert counts == {"reviews": 1}


async def test_a_field_that_is_not_provided_still_jumps_for_that_field_only(run, federation):
    response, counts = await run("{ reviews { author { username name } } }")
    assert response == {
        "data": {
            "reviews": [
                {"author": {"username": "@ada", "name": "Ada Lovelace"}},
                {"author": {"username": "@alan", "name": "Alan Turing"}},
                {"author": {"username": "@ada", "name": "Ada Lovelace"}},
            ]
        }
    }
    assert counts == {"accounts": 1, "reviews": 1}
    [representations] = federation.representations("accounts")
    assert sorted(representations, key=lambda r: r["id"]) == [
        {"__typename": "User", "id": "u1"},
        {"__typename": "User", "id": "u2"},
    ]


async def test_external_field_outside_the_provides_path_comes_from_its_owner(run):
    response, counts = await run("{ topReviewer { username } }")
    assert response == {"data": {"topReviewer": {"username": "@ada"}}}
    assert counts == {"accounts": 1, "reviews": 1}


async def test_key_of_a_provided_entity_needs_no_jump(run):
    response, counts = await run("{ reviews { author { id } } }")
    assert response == {
        "data": {"reviews": [{"author": {"id": "u1"}}, {"author": {"id": "u2"}}, {"author": {"id": "u1"}}]}
    }
    assert counts == {"reviews": 1}


async def test_nested_provided_field_needs_no_jump(run):
    response, counts = await run("{ reviews { reviewer { address { city } } } }")
    assert response == {
        "data": {
            "reviews": [
                {"reviewer": {"address": {"city": "London"}}},
                {"reviewer": {"address": {"city": "Wilmslow"}}},
                {"reviewer": {"address": {"city": "London"}}},
            ]
        }
    }
    assert counts == {"reviews": 1}


async def test_nested_field_beside_a_provided_one_jumps_to_the_owner(run):
    response, counts = await run("{ reviews { reviewer { address { city country } } } }")
    assert response == {
        "data": {
            "reviews": [
                {"reviewer": {"address": {"city": "London", "country": "UK"}}},
                {"reviewer": {"address": {"city": "Wilmslow", "country": "UK"}}},
                {"reviewer": {"address": {"city": "London", "country": "UK"}}},
            ]
        }
    }
    assert counts == {"accounts": 1, "reviews": 1}


async def test_field_provided_on_another_path_is_not_taken_from_this_one(run):
    response, counts = await run("{ reviews { reviewer { username } } }")
    assert response == {
        "data": {
            "reviews": [
                {"reviewer": {"username": "@ada"}},
                {"reviewer": {"username": "@alan"}},
                {"reviewer": {"username": "@ada"}},
            ]
        }
    }
    assert counts == {"accounts": 1, "reviews": 1}

"""Aliases: the client's response keys are kept, even when they collide with the key fields the
router needs for its own jumps."""

from __future__ import annotations

FEATURE = "shop"


async def test_one_root_field_twice_under_two_aliases_with_different_arguments(run):
    response, counts = await run(
        '{ first: product(upc: "1") { title: name } second: product(upc: "2") { title: name cost: price } }'
    )
    assert response == {"data": {"first": {"title": "Table"}, "second": {"title": "Couch", "cost": 1299}}}
    assert counts == {"products": 1}


async def test_client_alias_equal_to_the_key_name_does_not_replace_the_key(run, federation):
    response, counts = await run("{ me { id: legacyId name reviews { body } } }")
    assert response == {
        "data": {
            "me": {
                "id": "L-1",
                "name": "Ada Lovelace",
                "reviews": [{"body": "Love it!"}, {"body": "Prefer something else."}],
            }
        }
    }
    assert counts == {"reviews": 1, "users": 1}
    assert federation.representations("reviews") == [[{"__typename": "User", "id": "u1"}]]


async def test_key_field_aliased_to_another_name_and_key_jump_still_works(run):
    response, counts = await run('{ review(id: "r3") { reviewId: id author { userId: id name } } }')
    assert response == {
        "data": {"review": {"reviewId": "r3", "author": {"userId": "u3", "name": "Grace Hopper"}}}
    }
    assert counts == {"reviews": 1, "users": 1}


async def test_aliases_on_fields_fetched_through_entity_jumps(run):
    response, counts = await run(
        "{ topProducts(first: 1) { opinions: reviews { text: body writer: author { fullName: name } } } }"
    )
    assert response == {
        "data": {
            "topProducts": [
                {
                    "opinions": [
                        {"text": "Love it!", "writer": {"fullName": "Ada Lovelace"}},
                        {"text": "Too expensive.", "writer": {"fullName": "Alan Turing"}},
                    ]
                }
            ]
        }
    }
    assert counts == {"products": 1, "reviews": 1, "users": 1}


async def test_typename_under_an_alias(run):
    response, counts = await run("{ me { kind: __typename name } }")
    assert response == {"data": {"me": {"kind": "User", "name": "Ada Lovelace"}}}
    assert counts == {"users": 1}


async def test_one_entity_field_twice_with_different_arguments_in_one_entities_request(run):
    response, counts = await run(
        '{ product(upc: "1") { one: reviews(first: 1) { body } all: reviews { body } } }'
    )
    assert response == {
        "data": {
            "product": {
                "one": [{"body": "Love it!"}],
                "all": [{"body": "Love it!"}, {"body": "Too expensive."}],
            }
        }
    }
    assert counts == {"products": 1, "reviews": 1}

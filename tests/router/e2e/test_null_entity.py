"""An entity that its subgraph resolves to ``null`` (review 5's author ``u404`` does not exist in
users): the entity does not exist, so the field that referenced it is ``null``. The subgraph reported
no error and the router invents none; siblings and other list items are untouched."""

from __future__ import annotations

FEATURE = "shop"


async def test_entity_resolved_to_null_nulls_the_referencing_field(run):
    response, counts = await run('{ review(id: "r5") { body author { name } } }')
    assert response == {"data": {"review": {"body": "Bright enough.", "author": None}}}
    assert counts == {"reviews": 1, "users": 1}


async def test_entity_resolved_to_null_inside_a_list_leaves_the_other_items_alone(run):
    response, counts = await run("{ topProducts(first: 4) { name reviews { author { username } } } }")
    assert response == {
        "data": {
            "topProducts": [
                {
                    "name": "Table",
                    "reviews": [{"author": {"username": "@ada"}}, {"author": {"username": "@alan"}}],
                },
                {"name": "Couch", "reviews": [{"author": {"username": "@grace"}}]},
                {"name": "Chair", "reviews": [{"author": {"username": "@ada"}}]},
                {"name": "Lamp", "reviews": [{"author": None}]},
            ]
        }
    }
    assert counts == {"products": 1, "reviews": 1, "users": 1}


async def test_key_of_an_entity_resolved_to_null_is_still_known_to_the_referencing_subgraph(run):
    response, counts = await run('{ review(id: "r5") { author { id } } }')
    assert response == {"data": {"review": {"author": {"id": "u404"}}}}
    assert counts == {"reviews": 1}

"""Composite (``sku variant``) and nested (``id organization { id }``) keys: the whole key goes into
the representation, and representations are deduplicated by their whole value."""

from __future__ import annotations

FEATURE = "composite_keys"


async def test_composite_key_jump_sends_each_distinct_key_once(run, federation):
    response, counts = await run("{ items { title price } }")
    assert response == {
        "data": {
            "items": [
                {"title": "T-shirt (small)", "price": 10},
                {"title": "T-shirt (large)", "price": 12},
                {"title": "Red mug", "price": 7},
                {"title": "T-shirt (small)", "price": 10},
            ]
        }
    }
    assert counts == {"catalog": 1, "pricing": 1}
    [representations] = federation.representations("pricing")
    assert sorted(representations, key=lambda r: (r["sku"], r["variant"])) == [
        {"__typename": "Item", "sku": "MUG", "variant": "RED"},
        {"__typename": "Item", "sku": "TSHIRT", "variant": "L"},
        {"__typename": "Item", "sku": "TSHIRT", "variant": "S"},
    ]


async def test_nested_key_tells_apart_members_with_the_same_id(run, federation):
    response, counts = await run("{ members { name role organization { id } } }")
    assert response == {
        "data": {
            "members": [
                {"name": "Ada", "role": "ADMIN", "organization": {"id": "acme"}},
                {"name": "Ada", "role": "VIEWER", "organization": {"id": "globex"}},
                {"name": "Alan", "role": "EDITOR", "organization": {"id": "acme"}},
            ]
        }
    }
    assert counts == {"catalog": 1, "pricing": 1}
    [representations] = federation.representations("pricing")
    assert sorted(representations, key=lambda r: (r["id"], r["organization"]["id"])) == [
        {"__typename": "Member", "id": "m1", "organization": {"id": "acme"}},
        {"__typename": "Member", "id": "m1", "organization": {"id": "globex"}},
        {"__typename": "Member", "id": "m2", "organization": {"id": "acme"}},
    ]


async def test_nested_key_fields_asked_by_the_client_are_not_duplicated(run):
    response, counts = await run("{ members { organization { id } id role } }")
    assert response == {
        "data": {
            "members": [
                {"organization": {"id": "acme"}, "id": "m1", "role": "ADMIN"},
                {"organization": {"id": "globex"}, "id": "m1", "role": "VIEWER"},
                {"organization": {"id": "acme"}, "id": "m2", "role": "EDITOR"},
            ]
        }
    }
    assert counts == {"catalog": 1, "pricing": 1}

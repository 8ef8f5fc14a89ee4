"""``@inaccessible``: the router still uses hidden fields as keys and ``@requires`` inputs, but a
client can neither query nor introspect them."""

from __future__ import annotations

FEATURE = "inaccessible"


async def test_jump_through_an_inaccessible_key(run, federation):
    response, counts = await run("{ products { name inStock } }")
    assert response == {
        "data": {"products": [{"name": "Kettle", "inStock": 5}, {"name": "Toaster", "inStock": 0}]}
    }
    assert counts == {"catalog": 1, "stock": 1}
    assert federation.representations("stock") == [
        [{"__typename": "Product", "sku": "SKU-1"}, {"__typename": "Product", "sku": "SKU-2"}]
    ]


async def test_requires_of_an_inaccessible_field(run, federation):
    response, counts = await run("{ products { id margin } }")
    assert response == {"data": {"products": [{"id": "p1", "margin": 88}, {"id": "p2", "margin": 70}]}}
    assert counts == {"catalog": 1, "margins": 1}
    assert federation.representations("margins") == [
        [{"__typename": "Product", "id": "p1", "cost": 12}, {"__typename": "Product", "id": "p2", "cost": 30}]
    ]


async def test_inaccessible_field_cannot_be_queried(run):
    response, counts = await run("{ products { sku } }")
    assert response == {
        "errors": [
            {
                "message": "Cannot query field 'sku' on type 'Product'.",
                "locations": [{"line": 1, "column": 14}],
                "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"},
            }
        ]
    }
    assert counts == {}


async def test_inaccessible_fields_are_not_introspectable(run):
    response, counts = await run('{ __type(name: "Product") { fields { name } } }')
    assert response == {
        "data": {
            "__type": {"fields": [{"name": "id"}, {"name": "name"}, {"name": "margin"}, {"name": "inStock"}]}
        }
    }
    assert counts == {}

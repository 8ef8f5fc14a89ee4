"""``@requires``: required fields are fetched first and sent in the representation; the client sees
only what it asked for. Requirements may live in a third subgraph and may themselves require fields.

Expected values: size = 2 * weight; shippingEstimate = weight + 10 (0 from price 1000 on);
shippingCost = size + weight; insurance = price // 10 + shippingCost.
"""

from __future__ import annotations

FEATURE = "requires"


async def test_required_fields_come_from_the_entity_owner_and_stay_out_of_the_response(run, federation):
    response, counts = await run("{ products { name shippingEstimate } }")
    assert response == {
        "data": {
            "products": [
                {"name": "Table", "shippingEstimate": 40},
                {"name": "Couch", "shippingEstimate": 0},
                {"name": "Chair", "shippingEstimate": 15},
            ]
        }
    }
    assert counts == {"products": 1, "shipping": 1}
    assert federation.representations("shipping") == [
        [
            {"__typename": "Product", "upc": "1", "price": 899, "weight": 30},
            {"__typename": "Product", "upc": "2", "price": 1299, "weight": 60},
            {"__typename": "Product", "upc": "3", "price": 54, "weight": 5},
        ]
    ]


async def test_a_required_field_also_asked_by_the_client_appears_once(run):
    response, counts = await run("{ products { upc weight shippingEstimate } }")
    assert response == {
        "data": {
            "products": [
                {"upc": "1", "weight": 30, "shippingEstimate": 40},
                {"upc": "2", "weight": 60, "shippingEstimate": 0},
                {"upc": "3", "weight": 5, "shippingEstimate": 15},
            ]
        }
    }
    assert counts == {"products": 1, "shipping": 1}


async def test_requires_with_its_own_requirement(run, federation):
    response, counts = await run("{ products { size } }")
    assert response == {"data": {"products": [{"size": 60}, {"size": 120}, {"size": 10}]}}
    assert counts == {"dimensions": 1, "products": 1}
    assert federation.representations("dimensions") == [
        [{"__typename": "Product", "upc": u, "weight": w} for u, w in (("1", 30), ("2", 60), ("3", 5))]
    ]


async def test_requires_of_a_field_from_a_third_subgraph_that_itself_requires(run, federation):
    response, counts = await run("{ products { name shippingCost } }")
    assert response == {
        "data": {
            "products": [
                {"name": "Table", "shippingCost": 90},
                {"name": "Couch", "shippingCost": 180},
                {"name": "Chair", "shippingCost": 15},
            ]
        }
    }
    assert counts == {"dimensions": 1, "products": 1, "shipping": 1}
    assert federation.representations("shipping") == [
        [
            {"__typename": "Product", "upc": "1", "size": 60, "weight": 30},
            {"__typename": "Product", "upc": "2", "size": 120, "weight": 60},
            {"__typename": "Product", "upc": "3", "size": 10, "weight": 5},
        ]
    ]


async def test_two_requiring_fields_of_one_subgraph_share_one_entities_request(run):
    response, counts = await run("{ products { shippingEstimate shippingCost } }")
    assert response == {
        "data": {
            "products": [
                {"shippingEstimate": 40, "shippingCost": 90},
                {"shippingEstimate": 0, "shippingCost": 180},
                {"shippingEstimate": 15, "shippingCost": 15},
            ]
        }
    }
    assert counts == {"dimensions": 1, "products": 1, "shipping": 1}


async def test_requires_that_leads_back_into_the_subgraph_the_query_started_in(run, federation):
    response, counts = await run("{ products { name insurance } }")
    assert response == {
        "data": {
            "products": [
                {"name": "Table", "insurance": 179},
                {"name": "Couch", "insurance": 309},
                {"name": "Chair", "insurance": 20},
            ]
        }
    }
    assert counts == {"dimensions": 1, "products": 2, "shipping": 1}
    assert federation.representations("products") == [
        [
            {"__typename": "Product", "upc": u, "shippingCost": c}
            for u, c in (("1", 90), ("2", 180), ("3", 15))
        ]
    ]


async def test_requires_on_an_entity_returned_by_the_requiring_subgraph_itself(run, federation):
    response, counts = await run("{ cheapestToShip { name shippingEstimate } }")
    assert response == {"data": {"cheapestToShip": {"name": "Chair", "shippingEstimate": 15}}}
    assert counts == {"products": 1, "shipping": 2}
    assert federation.representations("shipping") == [
        [{"__typename": "Product", "upc": "3", "price": 54, "weight": 5}]
    ]

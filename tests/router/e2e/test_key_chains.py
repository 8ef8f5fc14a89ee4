"""Key chains A -> B -> C: storefront knows orders by ``id``, warehouse by ``number``, and only ledger
knows both. One ``_entities`` request per hop, in sequence."""

from __future__ import annotations

FEATURE = "key_chains"


async def test_field_two_hops_away_is_reached_through_the_subgraph_with_both_keys(run, federation):
    response, counts = await run("{ orders { id status } }")
    assert response == {
        "data": {
            "orders": [
                {"id": "o1", "status": "SHIPPED"},
                {"id": "o2", "status": "PACKING"},
                {"id": "o3", "status": "DELIVERED"},
            ]
        }
    }
    assert counts == {"ledger": 1, "storefront": 1, "warehouse": 1}
    assert federation.representations("ledger") == [
        [
            {"__typename": "Order", "id": "o1"},
            {"__typename": "Order", "id": "o2"},
            {"__typename": "Order", "id": "o3"},
        ]
    ]
    assert federation.representations("warehouse") == [
        [
            {"__typename": "Order", "number": "N-100"},
            {"__typename": "Order", "number": "N-200"},
            {"__typename": "Order", "number": "N-300"},
        ]
    ]


async def test_fields_of_the_middle_subgraph_ride_along_with_the_key_it_fetches(run):
    response, counts = await run("{ orders { total status number } }")
    assert response == {
        "data": {
            "orders": [
                {"total": 120, "status": "SHIPPED", "number": "N-100"},
                {"total": 80, "status": "PACKING", "number": "N-200"},
                {"total": 45, "status": "DELIVERED", "number": "N-300"},
            ]
        }
    }
    assert counts == {"ledger": 1, "storefront": 1, "warehouse": 1}


async def test_only_the_first_hop_when_the_client_asks_nothing_further(run):
    response, counts = await run("{ orders { number } }")
    assert response == {"data": {"orders": [{"number": "N-100"}, {"number": "N-200"}, {"number": "N-300"}]}}
    assert counts == {"ledger": 1, "storefront": 1}

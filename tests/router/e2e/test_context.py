"""``@fromContext``: each item's price gets the currency of the store or warehouse listing it.

The currency is fetched on the ancestor (from pricing, through the ancestor's key), read back from
the response for every item, and sent as the argument; items whose ancestors differ in currency are
priced in separate ``_entities`` requests, one per currency. Data: store s1 (Paris, EUR) lists i1, i2;
s2 (Boston, USD) lists i2, i3; warehouse w1 (GBP) holds i1, w2 (no currency) holds i3.
"""

from __future__ import annotations

from router.executor import Gateway
from router.supergraph import load_supergraph

from .compose_fixtures import subgraph_url
from .testkit import Federation, supergraph_sdl

FEATURE = "context"


async def test_a_context_set_on_one_parent_reaches_every_item_under_it(run, federation):
    response, counts = await run('{ store(id: "s1") { name items { name price(rounded: true) } } }')
    assert response == {
        "data": {
            "store": {
                "name": "Paris",
                "items": [{"name": "Lamp", "price": "12 EUR"}, {"name": "Desk", "price": "80 EUR"}],
            }
        }
    }
    assert counts == {"catalog": 1, "pricing": 2}
    item_requests = federation.transport.requests["pricing"][1:]
    assert [r["variables"]["contextualArgument_1_0"] for r in item_requests] == ["EUR"]


async def test_items_under_parents_with_different_values_are_priced_in_one_request_per_value(run, federation):
    response, counts = await run("{ stores { name items { id price } } }")
    assert response == {
        "data": {
            "stores": [
                {
                    "name": "Paris",
                    "items": [{"id": "i1", "price": "12.50 EUR"}, {"id": "i2", "price": "80.25 EUR"}],
                },
                {
                    "name": "Boston",
                    "items": [{"id": "i2", "price": "80.25 USD"}, {"id": "i3", "price": "40.00 USD"}],
                },
            ]
        }
    }
    assert counts == {"catalog": 1, "pricing": 3}
    # One request for the stores' currencies, then one per currency: i2 is sent in both.
    requests = federation.transport.requests["pricing"]
    assert requests[0]["variables"] == {
        "representations": [{"__typename": "Store", "id": "s1"}, {"__typename": "Store", "id": "s2"}]
    }
    by_currency = {
        r["variables"]["contextualArgument_1_0"]: r["variables"]["representations"] for r in requests[1:]
    }
    assert by_currency == {
        "EUR": [{"__typename": "Item", "id": "i1"}, {"__typename": "Item", "id": "i2"}],
        "USD": [{"__typename": "Item", "id": "i2"}, {"__typename": "Item", "id": "i3"}],
    }


async def test_the_same_field_under_two_parent_types_setting_the_context(run):
    response, counts = await run(
        '{ store(id: "s2") { items { price } } warehouses { items { name price } } }'
    )
    assert response == {
        "data": {
            "store": {"items": [{"price": "80.25 USD"}, {"price": "40.00 USD"}]},
            "warehouses": [
                {"items": [{"name": "Lamp", "price": "12.50 GBP"}]},
                {"items": [{"name": "Rug", "price": "40.00 -"}]},
            ],
        }
    }
    # store: its currency, then one item request; warehouses: their currencies, then GBP and null.
    assert counts == {"catalog": 1, "pricing": 5}


async def test_union_members_that_set_the_context_each_pass_their_own_value(run):
    response, counts = await run(
        "{ places { __typename ... on Store { items { price } } ... on Warehouse { items { price } } } }"
    )
    assert response == {
        "data": {
            "places": [
                {"__typename": "Store", "items": [{"price": "12.50 EUR"}, {"price": "80.25 EUR"}]},
                {"__typename": "Warehouse", "items": [{"price": "40.00 -"}]},
            ]
        }
    }
    assert counts == {"catalog": 1, "pricing": 3}


async def test_a_null_context_value_is_passed_as_a_null_argument(run, federation):
    response, counts = await run("{ warehouses { id items { price } } }")
    assert response == {
        "data": {
            "warehouses": [
                {"id": "w1", "items": [{"price": "12.50 GBP"}]},
                {"id": "w2", "items": [{"price": "40.00 -"}]},
            ]
        }
    }
    assert counts == {"catalog": 1, "pricing": 3}
    sent = sorted(
        (r["variables"]["contextualArgument_1_0"] or "") for r in federation.transport.requests["pricing"][1:]
    )
    assert sent == ["", "GBP"]


async def test_a_null_value_for_a_non_null_context_argument_fails_only_those_items():
    # Composition only accepts a non-null @fromContext argument whose selection is non-null; this
    # supergraph declares the argument non-null anyway, as a supergraph from elsewhere might, so the
    # warehouse without a currency has no value to send.
    sdl = supergraph_sdl(FEATURE).replace(
        'name: "currency", type: "String"', 'name: "currency", type: "String!"'
    )
    federation = Federation(FEATURE)
    try:
        federation.gateway = Gateway(
            load_supergraph(sdl),
            http=federation.http,
            subgraph_urls={name: subgraph_url(name) for name in ("catalog", "pricing")},
        )
        response, counts = await federation.run("{ warehouses { id items { name price } } }")
    finally:
        await federation.aclose()
    assert response == {
        "errors": [
            {
                "message": 'Argument "currency" of field "price" is non-null, but the value its @fromContext'
                " selection read from the enclosing object is null.",
                "path": ["warehouses", 1, "items", 0, "price"],
                "extensions": {"code": "NULL_CONTEXT_VALUE"},
            }
        ],
        "data": {
            "warehouses": [
                {"id": "w1", "items": [{"name": "Lamp", "price": "12.50 GBP"}]},
                {"id": "w2", "items": [{"name": "Rug", "price": None}]},
            ]
        },
    }
    # The null group is not sent: warehouses' currencies, then GBP only.
    assert counts == {"catalog": 1, "pricing": 2}


async def test_an_operation_without_contextual_fields_plans_and_runs_as_before(run):
    response, counts = await run("{ stores { name items { name } } }")
    assert response == {
        "data": {
            "stores": [
                {"name": "Paris", "items": [{"name": "Lamp"}, {"name": "Desk"}]},
                {"name": "Boston", "items": [{"name": "Desk"}, {"name": "Rug"}]},
            ]
        }
    }
    assert counts == {"catalog": 1}

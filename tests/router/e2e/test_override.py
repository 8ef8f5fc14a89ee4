"""``@override``: a migrated field is resolved by the subgraph it moved to. Progressive override with
``percent(100)`` is always migrated, with ``percent(0)`` never, with a custom label only for requests
that enable it.

legacy answers stale values (price 1 and 2, stock 0, discount 0, colors ``legacy-*``); pricing the
current ones.
"""

from __future__ import annotations

FEATURE = "override"


async def test_overridden_field_comes_from_the_overriding_subgraph(run):
    response, counts = await run("{ products { name price } }")
    assert response == {
        "data": {"products": [{"name": "Kettle", "price": 30}, {"name": "Toaster", "price": 45}]}
    }
    assert counts == {"legacy": 1, "pricing": 1}


async def test_progressive_override_at_100_percent_always_uses_the_new_subgraph(run):
    for _ in range(5):
        response, counts = await run("{ products { stock } }")
        assert response == {"data": {"products": [{"stock": 7}, {"stock": 3}]}}
        assert counts == {"legacy": 1, "pricing": 1}


async def test_progressive_override_at_0_percent_keeps_the_old_subgraph(run):
    for _ in range(5):
        response, counts = await run("{ products { color } }")
        assert response == {"data": {"products": [{"color": "legacy-white"}, {"color": "legacy-black"}]}}
        assert counts == {"legacy": 1}


async def test_plain_and_progressive_overrides_in_one_query(run):
    response, counts = await run("{ products { id name price stock color } }")
    assert response == {
        "data": {
            "products": [
                {"id": "p1", "name": "Kettle", "price": 30, "stock": 7, "color": "legacy-white"},
                {"id": "p2", "name": "Toaster", "price": 45, "stock": 3, "color": "legacy-black"},
            ]
        }
    }
    assert counts == {"legacy": 1, "pricing": 1}


async def test_progressive_override_with_a_custom_label_is_off_by_default(run):
    response, counts = await run("{ products { discount } }")
    assert response == {"data": {"products": [{"discount": 0}, {"discount": 0}]}}
    assert counts == {"legacy": 1}


async def test_progressive_override_with_a_custom_label_enabled_for_the_request(run):
    response, counts = await run("{ products { discount } }", override_labels=frozenset({"discounts"}))
    assert response == {"data": {"products": [{"discount": 15}, {"discount": 20}]}}
    assert counts == {"legacy": 1, "pricing": 1}


async def test_the_enabled_label_does_not_leak_into_the_next_request(run):
    await run("{ products { discount } }", override_labels=frozenset({"discounts"}))
    response, counts = await run("{ products { discount } }")
    assert response == {"data": {"products": [{"discount": 0}, {"discount": 0}]}}
    assert counts == {"legacy": 1}

"""Entities inside lists of lists: the jump walks both list levels, skips nulls, and sends each
distinct cell once."""

from __future__ import annotations

FEATURE = "lists"


async def test_entities_in_a_list_of_lists_are_fetched_in_one_request(run, federation):
    response, counts = await run("{ matrix { id color } }")
    assert response == {
        "data": {
            "matrix": [
                [{"id": "c1", "color": "red"}, {"id": "c2", "color": "green"}],
                [{"id": "c2", "color": "green"}, {"id": "c3", "color": "blue"}],
                [],
            ]
        }
    }
    assert counts == {"grid": 1, "paint": 1}
    [representations] = federation.representations("paint")
    assert sorted(representations, key=lambda r: r["id"]) == [
        {"__typename": "Cell", "id": "c1"},
        {"__typename": "Cell", "id": "c2"},
        {"__typename": "Cell", "id": "c3"},
    ]


async def test_null_rows_and_null_cells_are_kept_and_not_sent(run, federation):
    response, counts = await run("{ sparse { color } }")
    assert response == {"data": {"sparse": [[{"color": "red"}, None], None, [{"color": "black"}]]}}
    assert counts == {"grid": 1, "paint": 1}
    [representations] = federation.representations("paint")
    assert sorted(representations, key=lambda r: r["id"]) == [
        {"__typename": "Cell", "id": "c1"},
        {"__typename": "Cell", "id": "c4"},
    ]

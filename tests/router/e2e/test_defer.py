"""@defer through the Gateway: the initial payload without the deferred fragments, then one payload per
deferred part (``{"incremental": [...], "hasNext": ...}``), the last with ``hasNext: false``."""

from __future__ import annotations

from typing import Any

FEATURE = "shop"


async def payloads(
    federation: Any, query: str, variables: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    federation.transport.requests.clear()
    outcome = await federation.gateway.execute_incremental(query, variables, accepts_incremental=True)
    assert not isinstance(outcome, dict), outcome
    return [payload async for payload in outcome]


async def test_a_deferred_entity_jump_arrives_after_the_initial_payload(federation):
    assert await payloads(federation, "{ me { name ... @defer { reviews { body } } } }") == [
        {"data": {"me": {"name": "Ada Lovelace"}}, "hasNext": True},
        {
            "incremental": [
                {
                    "data": {"reviews": [{"body": "Love it!"}, {"body": "Prefer something else."}]},
                    "path": ["me"],
                }
            ],
            "hasNext": False,
        },
    ]
    assert federation.transport.counts() == {"reviews": 1, "users": 1}


async def test_a_deferred_field_of_the_same_subgraph_carries_its_label(federation):
    assert await payloads(federation, '{ me { name ... @defer(label: "profile") { username } } }') == [
        {"data": {"me": {"name": "Ada Lovelace"}}, "hasNext": True},
        {
            "incremental": [{"data": {"username": "@ada"}, "path": ["me"], "label": "profile"}],
            "hasNext": False,
        },
    ]
    assert federation.transport.counts() == {"users": 2}


async def test_nested_defers_in_lists_arrive_parent_first_with_one_entry_per_item(federation):
    query = """
      { topProducts(first: 2) { name ... @defer { price reviews { body ... @defer(label: "inner") { author { name } } } } } }
    """
    assert await payloads(federation, query) == [
        {"data": {"topProducts": [{"name": "Table"}, {"name": "Couch"}]}, "hasNext": True},
        {
            "incremental": [
                {
                    "data": {"price": 899, "reviews": [{"body": "Love it!"}, {"body": "Too expensive."}]},
                    "path": ["topProducts", 0],
                },
                {
                    "data": {"price": 1299, "reviews": [{"body": "Could be better."}]},
                    "path": ["topProducts", 1],
                },
            ],
            "hasNext": True,
        },
        {
            "incremental": [
                {
                    "data": {"author": {"name": "Ada Lovelace"}},
                    "path": ["topProducts", 0, "reviews", 0],
                    "label": "inner",
                },
                {
                    "data": {"author": {"name": "Alan Turing"}},
                    "path": ["topProducts", 0, "reviews", 1],
                    "label": "inner",
                },
                {
                    "data": {"author": {"name": "Grace Hopper"}},
                    "path": ["topProducts", 1, "reviews", 0],
                    "label": "inner",
                },
            ],
            "hasNext": False,
        },
    ]


async def test_defer_if_false_variable_answers_in_one_response(federation):
    query = "query($d: Boolean!) { me { name ... @defer(if: $d) { username } } }"
    outcome = await federation.gateway.execute_incremental(query, {"d": False}, accepts_incremental=True)
    assert outcome == {"data": {"me": {"name": "Ada Lovelace", "username": "@ada"}}}
    assert await payloads(federation, query, {"d": True}) == [
        {"data": {"me": {"name": "Ada Lovelace"}}, "hasNext": True},
        {"incremental": [{"data": {"username": "@ada"}, "path": ["me"]}], "hasNext": False},
    ]


async def test_errors_of_a_deferred_part_come_with_its_payload(federation):
    got = await payloads(federation, "{ me { name ... @defer { avatar } } }")
    assert got[0] == {"data": {"me": {"name": "Ada Lovelace"}}, "hasNext": True}
    [entry] = got[1]["incremental"]
    assert entry["data"] == {"avatar": None}
    assert entry["path"] == ["me"]
    assert [e["path"] for e in entry["errors"]] == [["me", "avatar"]]
    assert got[1]["hasNext"] is False


async def test_a_failed_deferred_fetch_nulls_only_the_deferred_part(federation):
    federation.take_down("reviews")
    got = await payloads(federation, "{ me { name ... @defer { reviews { body } } } }")
    assert got[0] == {"data": {"me": {"name": "Ada Lovelace"}}, "hasNext": True}
    [entry] = got[1]["incremental"]
    assert entry["path"] == ["me"] and entry["data"] is None
    assert entry["errors"]


async def test_without_incremental_delivery_a_deferred_operation_is_refused(federation):
    outcome = await federation.gateway.execute_incremental(
        "{ me { name ... @defer { username } } }", accepts_incremental=False
    )
    assert isinstance(outcome, dict)
    assert outcome["errors"][0]["extensions"]["code"] == "DEFER_NOT_ACCEPTED"


async def test_execute_answers_a_deferred_operation_in_one_complete_response(run):
    response, counts = await run("{ me { name ... @defer { reviews { body } } } }")
    assert response == {
        "data": {
            "me": {
                "name": "Ada Lovelace",
                "reviews": [{"body": "Love it!"}, {"body": "Prefer something else."}],
            }
        }
    }
    assert counts == {"reviews": 1, "users": 1}

"""Failures: a subgraph that is down nulls only its part of the response; a subgraph error for one
entity is re-pathed to that item of the client's response with the subgraph's name."""

from __future__ import annotations

from .testkit import Matches

FEATURE = "shop"


def fetch_failed(subgraph: str, path: list[str | int] | None = None) -> dict:
    error: dict = {"message": Matches(rf"^HTTP fetch failed from subgraph '{subgraph}'")}
    if path is not None:
        error["path"] = path
    error["extensions"] = {"code": "SUBGRAPH_REQUEST_FAILED", "serviceName": subgraph}
    return error


async def test_subgraph_down_during_an_entity_jump_gives_partial_data_and_one_error(run, federation):
    federation.take_down("reviews")
    response, counts = await run("{ topProducts(first: 2) { name reviews { body } } }")
    assert response == {
        "data": {"topProducts": [{"name": "Table", "reviews": None}, {"name": "Couch", "reviews": None}]},
        "errors": [fetch_failed("reviews", ["topProducts"])],
    }
    assert counts == {"products": 1, "reviews": 1}


async def test_subgraph_down_for_a_root_field_nulls_only_that_field(run, federation):
    federation.take_down("products")
    response, counts = await run('{ me { name } product(upc: "1") { name } }')
    assert response == {
        "data": {"me": {"name": "Ada Lovelace"}, "product": None},
        "errors": [fetch_failed("products")],
    }
    assert counts == {"products": 1, "users": 1}


async def test_subgraph_down_for_a_non_null_root_field_nulls_data(run, federation):
    federation.take_down("users")
    response, counts = await run("{ me { name } }")
    assert response == {"data": None, "errors": [fetch_failed("users")]}
    assert counts == {"users": 1}


async def test_subgraph_error_for_one_entity_is_repathed_to_that_list_item(run):
    response, counts = await run("{ topProducts { upc reviews { body } } }")
    assert response == {
        "data": {
            "topProducts": [
                {"upc": "1", "reviews": [{"body": "Love it!"}, {"body": "Too expensive."}]},
                {"upc": "2", "reviews": [{"body": "Could be better."}]},
                {"upc": "3", "reviews": [{"body": "Prefer something else."}]},
                {"upc": "4", "reviews": [{"body": "Bright enough."}]},
                {"upc": "5", "reviews": None},
            ]
        },
        "errors": [
            {
                "message": "Reviews of product 5 are unavailable",
                "path": ["topProducts", 4, "reviews"],
                "extensions": {"code": "DOWNSTREAM_SERVICE_ERROR", "serviceName": "reviews"},
            }
        ],
    }
    assert counts == {"products": 1, "reviews": 1}


async def test_subgraph_error_under_a_single_entity_is_repathed_under_its_field(run):
    response, counts = await run('{ product(upc: "5") { name reviews { body } } }')
    assert response == {
        "data": {"product": {"name": "Clock", "reviews": None}},
        "errors": [
            {
                "message": "Reviews of product 5 are unavailable",
                "path": ["product", "reviews"],
                "extensions": {"code": "DOWNSTREAM_SERVICE_ERROR", "serviceName": "reviews"},
            }
        ],
    }
    assert counts == {"products": 1, "reviews": 1}


async def test_error_of_a_deduplicated_entity_is_repathed_to_every_position_it_fills(run, federation):
    response, counts = await run("{ topProducts(first: 3) { reviews { author { name avatar } } } }")
    assert response == {
        "data": {
            "topProducts": [
                {
                    "reviews": [
                        {"author": {"name": "Ada Lovelace", "avatar": None}},
                        {"author": {"name": "Alan Turing", "avatar": "https://img.example/u2.png"}},
                    ]
                },
                {"reviews": [{"author": {"name": "Grace Hopper", "avatar": "https://img.example/u3.png"}}]},
                {"reviews": [{"author": {"name": "Ada Lovelace", "avatar": None}}]},
            ]
        },
        "errors": [
            {
                "message": "No avatar stored for u1",
                "path": ["topProducts", 0, "reviews", 0, "author", "avatar"],
                "extensions": {"code": "DOWNSTREAM_SERVICE_ERROR", "serviceName": "users"},
            },
            {
                "message": "No avatar stored for u1",
                "path": ["topProducts", 2, "reviews", 0, "author", "avatar"],
                "extensions": {"code": "DOWNSTREAM_SERVICE_ERROR", "serviceName": "users"},
            },
        ],
    }
    assert counts == {"products": 1, "reviews": 1, "users": 1}
    [authors] = federation.representations("users")
    assert len(authors) == 3


async def test_subgraph_answering_http_500_nulls_its_part_with_one_error(run, federation):
    federation.fail_with_status("users", 500)
    response, counts = await run('{ review(id: "r1") { body author { name } } }')
    assert response == {
        "data": {"review": {"body": "Love it!", "author": None}},
        "errors": [
            {
                "message": Matches(r"^HTTP fetch failed from subgraph 'users': 500"),
                "path": ["review", "author"],
                "extensions": {"code": "SUBGRAPH_REQUEST_FAILED", "serviceName": "users"},
            }
        ],
    }
    assert counts == {"reviews": 1, "users": 1}


async def test_subgraph_error_on_a_root_field_keeps_its_code_and_nulls_only_that_field(run):
    response, counts = await run('{ me { name } review(id: "locked") { body } }')
    assert response == {
        "data": {"me": {"name": "Ada Lovelace"}, "review": None},
        "errors": [
            {
                "message": "Review locked is not readable",
                "path": ["review"],
                "extensions": {"code": "FORBIDDEN", "serviceName": "reviews"},
            }
        ],
    }
    assert counts == {"reviews": 1, "users": 1}

"""``@shareable``: a field both subgraphs resolve is taken from the subgraph the fetch is already in."""

from __future__ import annotations

FEATURE = "shareable"


async def test_shareable_field_is_resolved_where_the_query_starts_search(run):
    response, counts = await run('{ search(term: "desk") { name score } }')
    assert response == {
        "data": {"search": [{"name": "Desk lamp", "score": 0.9}, {"name": "Desk", "score": 0.5}]}
    }
    assert counts == {"search": 1}


async def test_shareable_field_is_resolved_where_the_query_starts_catalog(run):
    response, counts = await run("{ products { name description } }")
    assert response == {
        "data": {
            "products": [
                {"name": "Desk", "description": "A sturdy oak desk"},
                {"name": "Desk lamp", "description": "A bright lamp"},
                {"name": "Chair", "description": "A comfy chair"},
            ]
        }
    }
    assert counts == {"catalog": 1}


async def test_only_the_field_missing_in_the_current_subgraph_is_fetched_elsewhere(run, federation):
    response, counts = await run('{ search(term: "lamp") { name description } }')
    assert response == {"data": {"search": [{"name": "Desk lamp", "description": "A bright lamp"}]}}
    assert counts == {"catalog": 1, "search": 1}
    assert "name" not in federation.queried_fields("catalog")


async def test_enum_argument_literal_is_forwarded(run):
    response, counts = await run('{ search(term: "desk", orderBy: NAME) { name } }')
    assert response == {"data": {"search": [{"name": "Desk"}, {"name": "Desk lamp"}]}}
    assert counts == {"search": 1}


async def test_enum_argument_variable_is_forwarded(run, federation):
    response, counts = await run(
        'query ($order: SearchOrder!) { search(term: "desk", orderBy: $order) { name } }', {"order": "NAME"}
    )
    assert response == {"data": {"search": [{"name": "Desk"}, {"name": "Desk lamp"}]}}
    assert counts == {"search": 1}
    assert federation.transport.requests["search"][0]["variables"] == {"order": "NAME"}


async def test_shareable_root_field_is_taken_from_the_subgraph_that_has_all_asked_fields_search(run):
    response, counts = await run("{ featuredProduct { name score } }")
    assert response == {"data": {"featuredProduct": {"name": "Desk lamp", "score": 0.9}}}
    assert counts == {"search": 1}


async def test_shareable_root_field_is_taken_from_the_subgraph_that_has_all_asked_fields_catalog(run):
    response, counts = await run("{ featuredProduct { name description } }")
    assert response == {"data": {"featuredProduct": {"name": "Desk lamp", "description": "A bright lamp"}}}
    assert counts == {"catalog": 1}

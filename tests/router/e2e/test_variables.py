"""Variables and their defaults reach the subgraph that uses them."""

from __future__ import annotations

FEATURE = "shop"

TOP = "query Top($first: Int = 2) { topProducts(first: $first) { name } }"


async def test_variable_default_applies_when_the_variable_is_omitted(run):
    response, counts = await run(TOP)
    assert response == {"data": {"topProducts": [{"name": "Table"}, {"name": "Couch"}]}}
    assert counts == {"products": 1}


async def test_variable_value_given_by_the_client_wins_over_the_default(run):
    response, counts = await run(TOP, {"first": 1})
    assert response == {"data": {"topProducts": [{"name": "Table"}]}}
    assert counts == {"products": 1}


async def test_argument_default_of_the_schema_applies_when_no_argument_is_given(run):
    response, counts = await run("{ topProducts { upc } }")
    assert response == {
        "data": {"topProducts": [{"upc": "1"}, {"upc": "2"}, {"upc": "3"}, {"upc": "4"}, {"upc": "5"}]}
    }
    assert counts == {"products": 1}


async def test_variables_of_two_subgraphs_in_one_operation(run):
    response, counts = await run(
        "query ($upc: String!, $id: ID!) "
        "{ product(upc: $upc) { name } user(id: $id) { name reviews { body } } }",
        {"upc": "3", "id": "u3"},
    )
    assert response == {
        "data": {
            "product": {"name": "Chair"},
            "user": {"name": "Grace Hopper", "reviews": [{"body": "Could be better."}]},
        }
    }
    assert counts == {"products": 1, "reviews": 1, "users": 1}


async def test_operation_name_picks_the_operation_to_run(run):
    response, counts = await run(
        'query Mine { me { name } } query Theirs { user(id: "u2") { name } }', operation_name="Theirs"
    )
    assert response == {"data": {"user": {"name": "Alan Turing"}}}
    assert counts == {"users": 1}


async def test_variable_used_in_an_entity_fetch_is_forwarded_to_that_subgraph(run, federation):
    query = "query ($n: Int) { topProducts(first: 2) { name reviews(first: $n) { body } } }"
    response, counts = await run(query, {"n": 1})
    assert response == {
        "data": {
            "topProducts": [
                {"name": "Table", "reviews": [{"body": "Love it!"}]},
                {"name": "Couch", "reviews": [{"body": "Could be better."}]},
            ]
        }
    }
    assert counts == {"products": 1, "reviews": 1}
    assert federation.transport.requests["reviews"][0]["variables"]["n"] == 1


async def test_literal_argument_in_an_entity_fetch(run):
    response, counts = await run('{ product(upc: "1") { reviews(first: 1) { body } } }')
    assert response == {"data": {"product": {"reviews": [{"body": "Love it!"}]}}}
    assert counts == {"products": 1, "reviews": 1}

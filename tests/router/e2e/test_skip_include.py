"""``@skip``/``@include``, literal and by variable, on fields of one or several subgraphs."""

from __future__ import annotations

FEATURE = "shop"

ADA_REVIEW_IDS = [{"id": "r1"}, {"id": "r4"}]


async def test_literal_skip_and_include_drop_fields_and_the_subgraph_they_need(run):
    response, counts = await run(
        "{ me { name reviews @skip(if: true) { body } "
        "username @include(if: false) legacyId @include(if: true) } }"
    )
    assert response == {"data": {"me": {"name": "Ada Lovelace", "legacyId": "L-1"}}}
    assert counts == {"users": 1}


INCLUDE_REVIEWS = "query ($withReviews: Boolean!) { me { name reviews @include(if: $withReviews) { body } } }"


async def test_include_by_variable_false_skips_the_other_subgraph(run):
    response, counts = await run(INCLUDE_REVIEWS, {"withReviews": False})
    assert response == {"data": {"me": {"name": "Ada Lovelace"}}}
    assert counts == {"users": 1}


async def test_include_by_variable_true_fetches_from_the_other_subgraph(run):
    response, counts = await run(INCLUDE_REVIEWS, {"withReviews": True})
    assert response == {
        "data": {
            "me": {
                "name": "Ada Lovelace",
                "reviews": [{"body": "Love it!"}, {"body": "Prefer something else."}],
            }
        }
    }
    assert counts == {"reviews": 1, "users": 1}


async def test_skip_with_a_defaulted_variable(run):
    response, counts = await run(
        "query ($hide: Boolean = true) { me { name reviews @skip(if: $hide) { body } } }"
    )
    assert response == {"data": {"me": {"name": "Ada Lovelace"}}}
    assert counts == {"users": 1}


CONDITIONAL_AND_PLAIN = "query ($c: Boolean!) { me { reviews @include(if: $c) { body } reviews { id } } }"


async def test_unconditional_sibling_of_a_conditional_field_stays_when_the_condition_is_false(run):
    response, counts = await run(CONDITIONAL_AND_PLAIN, {"c": False})
    assert response == {"data": {"me": {"reviews": ADA_REVIEW_IDS}}}
    assert counts == {"reviews": 1, "users": 1}


async def test_conditional_and_unconditional_selections_merge_when_the_condition_is_true(run):
    response, counts = await run(CONDITIONAL_AND_PLAIN, {"c": True})
    assert response == {
        "data": {
            "me": {
                "reviews": [{"body": "Love it!", "id": "r1"}, {"body": "Prefer something else.", "id": "r4"}]
            }
        }
    }
    assert counts == {"reviews": 1, "users": 1}


CONDITIONS_ON_TWO_SUBGRAPHS = """
query ($c: Boolean!) {
  review(id: "r2") {
    body @skip(if: $c)
    author @include(if: $c) { name }
    id
  }
}
"""


async def test_conditions_on_fields_of_two_subgraphs_when_true(run):
    response, counts = await run(CONDITIONS_ON_TWO_SUBGRAPHS, {"c": True})
    assert response == {"data": {"review": {"author": {"name": "Alan Turing"}, "id": "r2"}}}
    assert counts == {"reviews": 1, "users": 1}


async def test_conditions_on_fields_of_two_subgraphs_when_false(run):
    response, counts = await run(CONDITIONS_ON_TWO_SUBGRAPHS, {"c": False})
    assert response == {"data": {"review": {"body": "Too expensive.", "id": "r2"}}}
    assert counts == {"reviews": 1}


async def test_include_on_an_inline_fragment_spanning_subgraphs(run):
    query = "query ($more: Boolean!) { me { name ... @include(if: $more) { username reviews { id } } } }"
    response, counts = await run(query, {"more": True})
    assert response == {
        "data": {"me": {"name": "Ada Lovelace", "username": "@ada", "reviews": ADA_REVIEW_IDS}}
    }
    assert counts == {"reviews": 1, "users": 1}
    response, counts = await run(query, {"more": False})
    assert response == {"data": {"me": {"name": "Ada Lovelace"}}}
    assert counts == {"users": 1}


ROOT_CONDITION = "query ($c: Boolean!) { me @include(if: $c) { name } topProducts(first: 1) { name } }"


async def test_root_field_excluded_by_variable_sends_nothing_to_its_subgraph(run):
    response, counts = await run(ROOT_CONDITION, {"c": False})
    assert response == {"data": {"topProducts": [{"name": "Table"}]}}
    assert counts == {"products": 1}


async def test_root_field_included_by_variable_is_fetched(run):
    response, counts = await run(ROOT_CONDITION, {"c": True})
    assert response == {"data": {"me": {"name": "Ada Lovelace"}, "topProducts": [{"name": "Table"}]}}
    assert counts == {"products": 1, "users": 1}

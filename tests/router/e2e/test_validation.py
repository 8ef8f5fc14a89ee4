"""Operations that are not valid against the API schema are rejected before any subgraph is called."""

from __future__ import annotations

FEATURE = "shop"


def validation_error(message: str, line: int, column: int) -> dict:
    return {
        "message": message,
        "locations": [{"line": line, "column": column}],
        "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"},
    }


async def test_unknown_field_is_a_validation_error_without_subgraph_requests(run):
    response, counts = await run("{ me { nmae } }")
    assert response == {
        "errors": [validation_error("Cannot query field 'nmae' on type 'User'. Did you mean 'name'?", 1, 8)]
    }
    assert counts == {}


async def test_syntax_error_is_a_parse_error_without_subgraph_requests(run):
    response, counts = await run("{ me { name }")
    assert response == {
        "errors": [
            {
                "message": "Syntax Error: Expected Name, found <EOF>.",
                "locations": [{"line": 1, "column": 14}],
                "extensions": {"code": "GRAPHQL_PARSE_FAILED"},
            }
        ]
    }
    assert counts == {}


async def test_missing_required_argument_is_a_validation_error(run):
    response, counts = await run("{ product { name } }")
    assert response == {
        "errors": [
            validation_error(
                "Argument 'Query.product(upc:)' of type 'String!' is required, but it was not provided.", 1, 3
            )
        ]
    }
    assert counts == {}


async def test_missing_required_variable_is_rejected_without_subgraph_requests(run):
    response, counts = await run("query ($upc: String!) { product(upc: $upc) { name } }")
    assert response == {
        "errors": [
            {
                "message": (
                    "Variable '$upc' has invalid value: "
                    "Expected a value of non-null type 'String!' to be provided."
                ),
                "locations": [{"line": 1, "column": 8}],
                "extensions": {"code": "BAD_USER_INPUT"},
            }
        ]
    }
    assert counts == {}


async def test_variable_of_the_wrong_type_is_rejected_without_subgraph_requests(run):
    response, counts = await run(
        "query ($first: Int) { topProducts(first: $first) { name } }", {"first": "two"}
    )
    assert response == {
        "errors": [
            {
                "message": (
                    "Variable '$first' has invalid value: Int cannot represent non-integer value: 'two'"
                ),
                "locations": [{"line": 1, "column": 8}],
                "extensions": {"code": "BAD_USER_INPUT"},
            }
        ]
    }
    assert counts == {}

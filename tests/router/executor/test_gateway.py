"""The request pipeline: parse, validate, select the operation, coerce variables, plan (cached), run."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from graphql import GraphQLSchema, build_schema

from router.executor import Gateway, GatewayConfigError
from router.planner import PlanningError, UnsupportedFeatureError

from .testkit import FakeSupergraph, StaticPlanner, Subgraphs, data, fetch, gateway

ME = fetch("accounts", "{ me { name } }")


async def test_a_syntax_error_is_a_parse_failure_without_data_or_subgraph_calls() -> None:
    subgraphs = Subgraphs()
    gw, planner = gateway(subgraphs, ME)

    response = await gw.execute("{ me { name }")

    assert response == {
        "errors": [
            {
                "message": "Syntax Error: Expected Name, found <EOF>.",
                "locations": [{"line": 1, "column": 14}],
                "extensions": {"code": "GRAPHQL_PARSE_FAILED"},
            }
        ]
    }
    assert planner.calls == []
    assert subgraphs.counts() == {}


async def test_an_invalid_operation_fails_validation_before_planning() -> None:
    subgraphs = Subgraphs()
    gw, planner = gateway(subgraphs, ME)

    response = await gw.execute("{ me { name password } }")

    assert response == {
        "errors": [
            {
                "message": "Cannot query field 'password' on type 'User'.",
                "locations": [{"line": 1, "column": 13}],
                "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"},
            }
        ]
    }
    assert planner.calls == []
    assert subgraphs.counts() == {}


TWO_OPERATIONS = "query Me { me { name } } query Users { users { name } }"


async def test_the_named_operation_of_several_is_the_one_run() -> None:
    subgraphs = Subgraphs(accounts=data({"me": {"name": "Ada"}}))
    gw, planner = gateway(subgraphs, ME)

    response = await gw.execute(TWO_OPERATIONS, operation_name="Me")

    assert response == {"data": {"me": {"name": "Ada"}}}
    assert planner.calls == [("Me", frozenset())]


@pytest.mark.parametrize(
    ("operation_name", "message"),
    [
        (None, "Must provide operation name if query contains multiple operations."),
        ("Nope", "Unknown operation named 'Nope'."),
    ],
)
async def test_an_unknown_or_ambiguous_operation_is_a_clear_error(
    operation_name: str | None, message: str
) -> None:
    gw, planner = gateway(Subgraphs(), ME)

    response = await gw.execute(TWO_OPERATIONS, operation_name=operation_name)

    assert response == {
        "errors": [{"message": message, "extensions": {"code": "OPERATION_RESOLUTION_FAILURE"}}]
    }
    assert planner.calls == []


async def test_missing_and_mistyped_variables_are_bad_user_input() -> None:
    subgraphs = Subgraphs()
    gw, _ = gateway(subgraphs, fetch("accounts", "{ ... }"))
    query = "query ($id: ID!, $first: Int) { user(id: $id) { name } topProducts(first: $first) { upc } }"

    response = await gw.execute(query, {"first": "ten"})

    assert response == {
        "errors": [
            {
                "message": "Variable '$id' has invalid value: "
                "Expected a value of non-null type 'ID!' to be provided.",
                "locations": [{"line": 1, "column": 8}],
                "extensions": {"code": "BAD_USER_INPUT"},
            },
            {
                "message": "Variable '$first' has invalid value: "
                "Int cannot represent non-integer value: 'ten'",
                "locations": [{"line": 1, "column": 18}],
                "extensions": {"code": "BAD_USER_INPUT"},
            },
        ]
    }
    assert subgraphs.counts() == {}


async def test_plans_are_cached_by_document_operation_name_and_override_labels() -> None:
    subgraphs = Subgraphs(accounts=data({"me": {"name": "Ada"}}))
    gw, planner = gateway(subgraphs, ME)

    for _ in range(3):
        assert await gw.execute("query Me { me { name } }") == {"data": {"me": {"name": "Ada"}}}
    await gw.execute("query Me { me { name } }", operation_name="Me")
    await gw.execute("query Me { me { name } }", override_labels=frozenset({"percent(50)"}))
    await gw.execute("query Me { me { name } }", override_labels=frozenset({"percent(50)"}))

    assert planner.calls == [(None, frozenset()), ("Me", frozenset()), (None, frozenset({"percent(50)"}))]
    assert subgraphs.counts() == {"accounts": 6}


async def test_the_plan_cache_is_bounded_and_evicts_the_least_recently_used() -> None:
    subgraphs = Subgraphs(accounts=data({"me": {"name": "Ada"}}))
    gw, planner = gateway(subgraphs, ME, plan_cache_size=2)

    for query in [
        "{ me { name } }",
        "{ a: me { name } }",
        "{ me { name } }",
        "{ b: me { name } }",
        "{ a: me { name } }",
    ]:
        await gw.execute(query)

    # The third query is a hit; the fourth evicts "a", so the fifth plans "a" again.
    assert len(planner.calls) == 4


async def test_a_planning_error_is_reported_without_data() -> None:
    def failing_planner(*args: Any, **kwargs: Any) -> Any:
        raise PlanningError("Cannot reach field User.name from subgraph accounts.")

    http = httpx.AsyncClient(transport=Subgraphs().transport)
    gw = Gateway(FakeSupergraph(), http=http, planner=failing_planner)

    response = await gw.execute("{ me { name } }")

    assert response == {
        "errors": [
            {
                "message": "Cannot reach field User.name from subgraph accounts.",
                "extensions": {"code": "QUERY_PLANNING_FAILED"},
            }
        ]
    }


async def test_a_planning_error_with_its_own_code_keeps_that_code() -> None:
    def unsupported(*args: Any, **kwargs: Any) -> Any:
        raise UnsupportedFeatureError('Field "User.name" needs a feature this router lacks.')

    http = httpx.AsyncClient(transport=Subgraphs().transport)
    gw = Gateway(FakeSupergraph(), http=http, planner=unsupported)

    response = await gw.execute("{ me { name } }")

    assert response == {
        "errors": [
            {
                "message": 'Field "User.name" needs a feature this router lacks.',
                "extensions": {"code": "UNSUPPORTED_FEATURE"},
            }
        ]
    }


async def test_an_unexpected_exception_is_an_internal_error_without_internals(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken_planner(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret stack detail")

    http = httpx.AsyncClient(transport=Subgraphs().transport)
    gw = Gateway(FakeSupergraph(), http=http, planner=broken_planner)

    response = await gw.execute("{ me { name } }")

    assert response == {
        "errors": [{"message": "Internal server error.", "extensions": {"code": "INTERNAL_SERVER_ERROR"}}]
    }
    assert "secret stack detail" in caplog.text


async def test_subscriptions_are_refused() -> None:
    schema_with_subscription = FakeSupergraph(
        api_schema=build_schema("type Query { a: Int } type Subscription { ticks: Int }")
    )
    http = httpx.AsyncClient(transport=Subgraphs().transport)
    gw = Gateway(schema_with_subscription, http=http, planner=StaticPlanner(None))

    response = await gw.execute("subscription { ticks }")

    assert response == {
        "errors": [
            {
                "message": "Subscriptions are not supported by this router.",
                "extensions": {"code": "OPERATION_RESOLUTION_FAILURE"},
            }
        ]
    }


async def test_subgraph_urls_override_the_supergraphs_routing_urls() -> None:
    subgraphs = Subgraphs(**{"accounts-dev": data({"me": {"name": "Dev"}})})
    gw, _ = gateway(subgraphs, ME, subgraph_urls={"accounts": "http://accounts-dev/graphql"})

    assert await gw.execute("{ me { name } }") == {"data": {"me": {"name": "Dev"}}}
    assert subgraphs.counts() == {"accounts-dev": 1}


async def test_a_subgraph_without_a_url_fails_at_construction_saying_what_to_change() -> None:
    http = httpx.AsyncClient(transport=Subgraphs().transport)
    supergraph = FakeSupergraph(subgraphs={"accounts": "http://accounts/graphql", "reviews": ""})

    with pytest.raises(
        GatewayConfigError, match=r"No routing URL for subgraph\(s\) reviews: .* subgraph_urls"
    ):
        Gateway(supergraph, http=http, planner=StaticPlanner(None))


async def test_variables_that_are_not_an_object_are_bad_user_input() -> None:
    gw, _ = gateway(Subgraphs(), ME)

    response = await gw.execute("{ me { name } }", ["not", "an", "object"])  # type: ignore[arg-type]

    assert response == {
        "errors": [{"message": "Variables must be a JSON object.", "extensions": {"code": "BAD_USER_INPUT"}}]
    }


@dataclass(frozen=True, slots=True, kw_only=True)
class _Join:
    override_label: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class _Field:
    joins: tuple[_Join, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class _Type:
    fields: dict[str, _Field]


@dataclass(frozen=True, slots=True, kw_only=True)
class _SupergraphWithOverrides:
    api_schema: GraphQLSchema
    subgraphs: Mapping[str, str]
    types: dict[str, _Type]


async def test_percentage_override_labels_are_drawn_per_request_and_key_the_plan() -> None:
    base = FakeSupergraph()
    supergraph = _SupergraphWithOverrides(
        api_schema=base.api_schema,
        subgraphs=base.subgraphs,
        types={
            "Product": _Type(
                fields={
                    "price": _Field(joins=(_Join(override_label="percent(100)"),)),
                    "stock": _Field(joins=(_Join(override_label="percent(0)"), _Join(override_label=None))),
                    "color": _Field(joins=(_Join(override_label="beta"),)),
                }
            )
        },
    )
    planner = StaticPlanner(ME)
    subgraphs = Subgraphs(accounts=data({"me": {"name": "Ada"}}))
    gw = Gateway(supergraph, http=httpx.AsyncClient(transport=subgraphs.transport), planner=planner)

    for _ in range(3):
        await gw.execute("{ me { name } }")
    await gw.execute("{ me { name } }", override_labels=frozenset({"beta"}))

    assert planner.calls == [(None, frozenset({"percent(100)"})), (None, frozenset({"beta", "percent(100)"}))]

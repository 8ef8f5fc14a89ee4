"""``@authenticated`` and ``@requiresScopes`` enforced by the router before any subgraph is called.

Each test is an operation, the request's claims (None: anonymous) and the full response, plus which
subgraph resolvers ran: a denied field is never resolved, because it is removed from the plan.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from router.executor import Claims, Gateway
from router.supergraph import load_supergraph

from ..router.e2e.testkit import SubgraphTransport
from . import authz_subgraphs
from .authz_subgraphs import CALLS, FIXTURE, SUBGRAPHS

SIGN_IN = "Unauthorized field or type: sign in to see it."
NO_SCOPE = "Unauthorized field or type: the access token lacks a required scope."


def unauthorized(path: list[str | int], message: str = SIGN_IN) -> dict[str, Any]:
    return {"message": message, "path": path, "extensions": {"code": "UNAUTHORIZED"}}


def without_locations(response: dict[str, Any]) -> dict[str, Any]:
    return {
        **response,
        **(
            {"errors": [{k: v for k, v in e.items() if k != "locations"} for e in response["errors"]]}
            if "errors" in response
            else {}
        ),
    }


def user(*scopes: str) -> Claims:
    return Claims(subject="u1", scopes=frozenset(scopes))


class Router:
    def __init__(self, gateway: Gateway, transport: SubgraphTransport) -> None:
        self.gateway = gateway
        self.transport = transport

    async def run(
        self, query: str, claims: Claims | None, variables: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        CALLS.clear()
        self.transport.requests.clear()
        return without_locations(await self.gateway.execute(query, variables, claims=claims))


@pytest.fixture
async def router() -> AsyncIterator[Router]:
    transport = SubgraphTransport(SUBGRAPHS)
    async with httpx.AsyncClient(transport=transport) as http:
        gateway = Gateway(
            load_supergraph(FIXTURE.read_text()),
            http=http,
            subgraph_urls={name: f"http://{name}/graphql" for name in SUBGRAPHS},
        )
        yield Router(gateway, transport)


async def test_anonymous_request_gets_public_fields_and_unauthorized_nulls(router: Router) -> None:
    response = await router.run("{ users { id name email } }", None)
    # email is String! in [User!]!: the null bubbles to data, and as in graphql-js the list stops at
    # its first bubbling item, so there is one error.
    assert response == {"data": None, "errors": [unauthorized(["users", 0, "email"])]}
    assert CALLS == []


async def test_a_denied_nullable_parent_keeps_the_rest_of_the_query(router: Router) -> None:
    response = await router.run("{ auditLog { message } users { id name } }", None)
    assert response == {
        "data": {
            "auditLog": None,
            "users": [{"id": "u1", "name": "Name u1"}, {"id": "u2", "name": "Name u2"}],
        },
        "errors": [unauthorized(["auditLog"])],
    }
    assert "Query.auditLog" not in CALLS


async def test_signed_in_user_sees_authenticated_fields(router: Router) -> None:
    response = await router.run("{ me { id email orders { id total } } }", user())
    assert response == {
        "data": {"me": {"id": "u1", "email": "u1@example.com", "orders": [{"id": "u1-o1", "total": 10}]}}
    }
    assert sorted(CALLS) == ["Query.me", "User.email", "User.orders"]


async def test_anonymous_root_field_is_null_and_no_subgraph_is_called(router: Router) -> None:
    response = await router.run("{ me { id } }", None)
    # Query.me is non-null: the null reaches the root, so data is null, with one error only.
    assert response == {"data": None, "errors": [unauthorized(["me"])]}
    assert router.transport.counts() == {}


async def test_field_reached_through_an_entity_jump_is_denied_at_each_list_index(router: Router) -> None:
    response = await router.run("{ users { name orders { id } } }", None)
    assert response["data"] is None  # orders is [Order!]! on a [User!]! list
    assert response["errors"] == [unauthorized(["users", 0, "orders"])]
    assert router.transport.counts() == {"accounts": 1}  # the orders subgraph is never called
    assert "User.orders" not in CALLS


async def test_requires_scopes_needs_the_scope_not_just_a_token(router: Router) -> None:
    response = await router.run("query { auditLog { message } me { ssn } }", user())
    assert response == {
        "data": {"auditLog": [{"message": "logged in"}], "me": {"ssn": None}},
        "errors": [unauthorized(["me", "ssn"], NO_SCOPE)],
    }
    assert "User.ssn" not in CALLS

    response = await router.run("{ me { ssn } }", user("pii:read"))
    assert response == {"data": {"me": {"ssn": "ssn-u1"}}}


@pytest.mark.parametrize(
    ("scopes", "allowed"),
    [
        (("admin",), True),
        (("reports:read", "staff"), True),
        (("reports:read",), False),  # one scope of an AND group is not enough
        (("staff", "other"), False),
        ((), False),
    ],
)
async def test_requires_scopes_is_an_or_of_and_groups(
    router: Router, scopes: tuple[str, ...], allowed: bool
) -> None:
    response = await router.run("{ report }", user(*scopes))
    if allowed:
        assert response == {"data": {"report": "all good"}}
    else:
        assert response == {"data": None, "errors": [unauthorized(["report"], NO_SCOPE)]}


async def test_type_level_authenticated_denies_every_field_returning_it(router: Router) -> None:
    assert await router.run("{ auditLog { message } }", None) == {
        "data": {"auditLog": None},
        "errors": [unauthorized(["auditLog"])],
    }
    assert await router.run("{ auditLog { message } }", user()) == {
        "data": {"auditLog": [{"message": "logged in"}]}
    }


async def test_denied_mutation_is_not_executed_but_the_others_are(router: Router) -> None:
    response = await router.run("mutation { ping placeOrder(total: 5) { id } }", None)
    assert response == {"data": None, "errors": [unauthorized(["placeOrder"])]}
    assert "Mutation.placeOrder" not in CALLS
    response = await router.run("mutation { ping placeOrder(total: 5) { id total } }", user())
    assert response == {"data": {"ping": "pong", "placeOrder": {"id": "new", "total": 5}}}


async def test_aliases_and_fragments_are_denied_by_response_key(router: Router) -> None:
    query = """
        query { people: users { ...Person } }
        fragment Person on User { id secret: ssn }
    """
    response = await router.run(query, user())
    assert response == {
        "data": {"people": [{"id": "u1", "secret": None}, {"id": "u2", "secret": None}]},
        "errors": [
            unauthorized(["people", 0, "secret"], NO_SCOPE),
            unauthorized(["people", 1, "secret"], NO_SCOPE),
        ],
    }


async def test_variables_of_a_removed_field_do_not_break_the_plan(router: Router) -> None:
    response = await router.run(
        "mutation Place($total: Int!) { ping placeOrder(total: $total) { id } }", None, {"total": 3}
    )
    assert response == {"data": None, "errors": [unauthorized(["placeOrder"])]}


async def test_plans_are_cached_per_auth_state_not_shared(router: Router) -> None:
    assert (await router.run("{ report }", None))["data"] is None
    assert await router.run("{ report }", user("admin")) == {"data": {"report": "all good"}}
    assert (await router.run("{ report }", None))["data"] is None
    # Scopes the supergraph never mentions do not change the verdict (nor split the cache).
    assert await router.run("{ report }", user("admin", "unrelated")) == {"data": {"report": "all good"}}


async def test_without_claims_the_gateway_enforces_nothing(router: Router) -> None:
    """The keyword's default keeps the Gateway's behaviour for callers that authorize elsewhere."""
    CALLS.clear()
    response = await router.gateway.execute("{ report }")
    assert response == {"data": {"report": "all good"}}


def test_committed_fixture_supergraph_matches_its_subgraphs() -> None:
    if not authz_subgraphs.COMPOSER.parent.joinpath("node_modules").is_dir():
        pytest.skip("node_modules of tests/node are not installed")
    assert authz_subgraphs.compose() == FIXTURE.read_text()

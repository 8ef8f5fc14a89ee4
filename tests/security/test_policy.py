"""``@policy`` enforced by the router before any subgraph is called, like ``@requiresScopes``.

The supergraph is composed from ``policy_subgraphs`` by this repo's composer; the policies are the
router's built-in rules over the verified claims (``ROUTER_POLICIES``). A field whose policies are not
met is removed from the plan, is ``null`` with an ``UNAUTHORIZED`` error at its path, and the rest of
the query runs.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from router.executor import Claims, Gateway, Policies
from router.server import RouterSettings, StartupError, create_app
from router.supergraph import load_supergraph
from subgraphs.common import SubgraphSettings, TokenService

from ..router.e2e.testkit import SubgraphTransport
from .policy_subgraphs import CALLS, SUBGRAPHS, supergraph_sdl

SIGN_IN = "Unauthorized field or type: sign in to see it."
NOT_MET = "Unauthorized field or type: the request does not satisfy a required policy."
RULES = {
    "support": {"claim": "groups", "contains": "support"},
    "admin": {"claim": "role", "equals": "admin"},
    "hr": {"claim": "groups", "contains": "hr"},
    "manager": {"claim": "title", "equals": "manager"},
}
URLS = {name: f"http://{name}/graphql" for name in SUBGRAPHS}


def unauthorized(path: list[str | int], message: str = NOT_MET) -> dict[str, Any]:
    return {"message": message, "path": path, "extensions": {"code": "UNAUTHORIZED"}}


def without_locations(response: dict[str, Any]) -> dict[str, Any]:
    if "errors" not in response:
        return response
    return {
        **response,
        "errors": [{k: v for k, v in e.items() if k != "locations"} for e in response["errors"]],
    }


def user(**claims: Any) -> Claims:
    return Claims(subject="u1", extra={"role": "customer", **claims})


class Router:
    def __init__(self, gateway: Gateway, transport: SubgraphTransport) -> None:
        self.gateway = gateway
        self.transport = transport

    async def run(self, query: str, claims: Claims | None) -> dict[str, Any]:
        CALLS.clear()
        self.transport.requests.clear()
        return without_locations(await self.gateway.execute(query, claims=claims))


@pytest.fixture
async def router() -> AsyncIterator[Router]:
    transport = SubgraphTransport(SUBGRAPHS)
    async with httpx.AsyncClient(transport=transport) as http:
        gateway = Gateway(
            load_supergraph(supergraph_sdl()), http=http, subgraph_urls=URLS, policies=Policies(RULES)
        )
        yield Router(gateway, transport)


async def test_a_field_whose_policy_is_not_met_is_null_with_an_error_and_never_fetched(
    router: Router,
) -> None:
    response = await router.run(
        "{ tickets { id title internalNote customerEmail } }", user(groups=["billing"])
    )
    assert response == {
        "data": {
            "tickets": [{"id": "t1", "title": "Printer on fire", "internalNote": None, "customerEmail": None}]
        },
        "errors": [
            unauthorized(["tickets", 0, "internalNote"]),
            unauthorized(["tickets", 0, "customerEmail"]),
        ],
    }
    assert CALLS == ["Query.tickets"]
    assert "customers" not in router.transport.requests  # the entity jump was planned away


async def test_a_met_policy_lets_the_field_through_including_across_an_entity_jump(router: Router) -> None:
    response = await router.run("{ tickets { internalNote customerEmail } }", user(groups=["support"]))
    assert response == {
        "data": {"tickets": [{"internalNote": "note t1", "customerEmail": "customer-t1@example.com"}]}
    }
    assert sorted(CALLS) == ["Query.tickets", "Ticket.customerEmail", "Ticket.internalNote"]


@pytest.mark.parametrize(
    ("claims", "allowed"),
    [
        ({"groups": ["hr"], "title": "manager"}, True),  # hr AND manager
        ({"role": "admin"}, True),  # or admin
        ({"groups": ["hr"]}, False),  # hr alone is half of an AND
        ({"title": "manager"}, False),
    ],
)
async def test_policies_are_an_or_of_ands(router: Router, claims: dict[str, Any], allowed: bool) -> None:
    response = await router.run("{ payroll }", user(**claims))
    if allowed:
        assert response == {"data": {"payroll": [100, 200]}}
    else:
        assert response == {"data": {"payroll": None}, "errors": [unauthorized(["payroll"])]}


async def test_an_anonymous_request_is_told_to_sign_in(router: Router) -> None:
    response = await router.run("{ payroll tickets { title } }", None)
    assert response == {
        "data": {"payroll": None, "tickets": [{"title": "Printer on fire"}]},
        "errors": [unauthorized(["payroll"], SIGN_IN)],
    }


async def test_a_policy_without_a_rule_denies_everyone(router: Router) -> None:
    response = await router.run("{ vault }", user(role="admin", groups=["support", "hr"], title="manager"))
    assert response == {"data": {"vault": None}, "errors": [unauthorized(["vault"])]}
    assert CALLS == []


async def test_a_type_level_policy_denies_fields_returning_it(router: Router) -> None:
    assert await router.run("{ audit { message } }", user()) == {
        "data": {"audit": None},
        "errors": [unauthorized(["audit"])],
    }
    assert await router.run("{ audit { message } }", user(role="admin")) == {
        "data": {"audit": [{"message": "policy changed"}]}
    }


async def test_a_denied_non_null_field_bubbles_its_null(router: Router) -> None:
    response = await router.run("{ motto tickets { id } }", user())
    assert response == {"data": None, "errors": [unauthorized(["motto"])]}


async def test_plans_are_cached_per_satisfied_policies_not_per_token(router: Router) -> None:
    query = "{ tickets { internalNote } }"
    # Same verdict for two different people: the second run reuses the prepared operation.
    assert (await router.run(query, Claims(subject="a", extra={"groups": ["support"]})))["data"]
    assert (await router.run(query, Claims(subject="b", extra={"groups": ["support", "x"]})))["data"]
    denied = await router.run(query, Claims(subject="c", extra={"groups": ["x"]}))
    assert denied["errors"] == [unauthorized(["tickets", 0, "internalNote"])]
    assert len(router.gateway._operations) == 2


async def test_without_configured_rules_every_policy_denies(caplog: pytest.LogCaptureFixture) -> None:
    transport = SubgraphTransport(SUBGRAPHS)
    with caplog.at_level(logging.WARNING, logger="router.authorization"):
        async with httpx.AsyncClient(transport=transport) as http:
            gateway = Gateway(load_supergraph(supergraph_sdl()), http=http, subgraph_urls=URLS)
            response = without_locations(
                await gateway.execute(
                    "{ payroll }", claims=user(role="admin", groups=["hr"], title="manager")
                )
            )
    assert response == {"data": {"payroll": None}, "errors": [unauthorized(["payroll"])]}
    assert [r.getMessage() for r in caplog.records if "ROUTER_POLICIES" in r.getMessage()] == [
        "the supergraph uses @policy names that ROUTER_POLICIES does not define, so they are never "
        "satisfied and what they protect is denied to every request: admin, hr, manager, support, undefined"
    ]


# -- through the router's HTTP edge, with real tokens ---------------------------------------------

SECRET = "policy-test-jwt-secret-of-at-least-32-chars"
TOKENS = TokenService(SubgraphSettings(environment="test", jwt_secret=SECRET))


async def post(query: str, *, authorization: str | None = None, **settings: Any) -> dict[str, Any]:
    app = create_app(
        supergraph_sdl=supergraph_sdl(),
        settings=RouterSettings(jwt_secret=SECRET, **settings),
        http_transport=SubgraphTransport(SUBGRAPHS),
        subgraph_urls=URLS,
    )
    headers = {"Authorization": authorization} if authorization else {}
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://router") as client,
    ):
        response = await client.post("/graphql", json={"query": query}, headers=headers)
    body: dict[str, Any] = response.json()
    return without_locations(body)


async def test_router_policies_setting_judges_the_verified_tokens_claims() -> None:
    admin = f"Bearer {TOKENS.issue_access(subject='user-9', role='admin', scopes=('admin',))}"
    customer = f"Bearer {TOKENS.issue_access(subject='user-1', role='customer', scopes=())}"
    assert await post("{ payroll }", authorization=admin, policies=RULES) == {"data": {"payroll": [100, 200]}}
    assert await post("{ payroll }", authorization=customer, policies=RULES) == {
        "data": {"payroll": None},
        "errors": [unauthorized(["payroll"])],
    }
    assert await post("{ payroll }", policies=RULES) == {
        "data": {"payroll": None},
        "errors": [unauthorized(["payroll"], SIGN_IN)],
    }


def test_a_malformed_router_policies_setting_stops_the_router_with_what_to_fix() -> None:
    with pytest.raises(StartupError, match=r"ROUTER_POLICIES\['admin'\] has keys \['claim', 'is'\]"):
        create_app(
            supergraph_sdl=supergraph_sdl(),
            settings=RouterSettings(policies={"admin": {"claim": "role", "is": "admin"}}),
            subgraph_urls=URLS,
        )


def test_router_policies_are_read_from_the_environment_as_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROUTER_POLICIES", '{"admin": {"claim": "role", "equals": "admin"}}')
    assert RouterSettings().policies == {"admin": {"claim": "role", "equals": "admin"}}

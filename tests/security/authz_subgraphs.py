"""Two small subgraphs whose schema uses ``@authenticated`` and ``@requiresScopes`` everywhere the
router must enforce them: root fields, entity fields reached through an entity jump, a type-level
requirement, a non-null field (null bubbles), an OR of AND-ed scopes, and a mutation.

- accounts: ``Query.me @authenticated``, ``Query.users`` (public), ``User @key(id)`` with public
  ``name``, non-null ``email @authenticated`` (a null bubbles) and nullable
  ``ssn @requiresScopes([["pii:read"]])``.
- orders:   ``User.orders @authenticated`` (an entity jump), ``Query.report
  @requiresScopes([["admin"], ["reports:read", "staff"]])``, ``Query.auditLog`` returning the
  ``@authenticated`` type ``AuditEntry``, ``Mutation.placeOrder @authenticated`` and a public
  ``Mutation.ping``.

Regenerate the committed supergraph with ``.venv/bin/python -m tests.security.authz_subgraphs``
(needs node and tests/node/node_modules).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import strawberry

FIXTURE = Path(__file__).parent / "fixtures" / "authz.graphql"
COMPOSER = Path(__file__).parents[1] / "node" / "compose.mjs"

#: Every call a subgraph resolver received, so tests can prove a denied field was never resolved.
CALLS: list[str] = []


@strawberry.federation.type(keys=["id"], name="User")
class AccountsUser:
    id: strawberry.ID
    name: str

    @strawberry.federation.field(authenticated=True)
    def email(self) -> str:
        CALLS.append("User.email")
        return f"{self.id}@example.com"

    @strawberry.federation.field(requires_scopes=[["pii:read"]])
    def ssn(self) -> str | None:
        CALLS.append("User.ssn")
        return f"ssn-{self.id}"

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> AccountsUser:
        return cls(id=id, name=f"Name {id}")


@strawberry.type
class AccountsQuery:
    @strawberry.federation.field(authenticated=True)
    def me(self) -> AccountsUser:
        CALLS.append("Query.me")
        return AccountsUser(id=strawberry.ID("u1"), name="Name u1")

    @strawberry.field
    def users(self) -> list[AccountsUser]:
        return [
            AccountsUser(id=strawberry.ID("u1"), name="Name u1"),
            AccountsUser(id=strawberry.ID("u2"), name="Name u2"),
        ]


accounts = strawberry.federation.Schema(query=AccountsQuery, federation_version="2.9")


@strawberry.type
class Order:
    id: strawberry.ID
    total: int


@strawberry.federation.type(authenticated=True)
class AuditEntry:
    message: str


@strawberry.federation.type(keys=["id"], name="User")
class OrdersUser:
    id: strawberry.ID

    @strawberry.federation.field(authenticated=True)
    def orders(self) -> list[Order]:
        CALLS.append("User.orders")
        return [Order(id=strawberry.ID(f"{self.id}-o1"), total=10)]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> OrdersUser:
        return cls(id=id)


@strawberry.type
class OrdersQuery:
    @strawberry.federation.field(requires_scopes=[["admin"], ["reports:read", "staff"]])
    def report(self) -> str:
        CALLS.append("Query.report")
        return "all good"

    @strawberry.field
    def audit_log(self) -> list[AuditEntry] | None:
        CALLS.append("Query.auditLog")
        return [AuditEntry(message="logged in")]


@strawberry.type
class OrdersMutation:
    @strawberry.federation.mutation(authenticated=True)
    def place_order(self, total: int) -> Order:
        CALLS.append("Mutation.placeOrder")
        return Order(id=strawberry.ID("new"), total=total)

    @strawberry.mutation
    def ping(self) -> str:
        return "pong"


orders = strawberry.federation.Schema(
    query=OrdersQuery, mutation=OrdersMutation, types=[OrdersUser], federation_version="2.9"
)

SUBGRAPHS = {"accounts": accounts, "orders": orders}


def _sdl(schema: strawberry.federation.Schema) -> str:
    result = schema.execute_sync("{ _service { sdl } }")
    assert result.data is not None, result.errors
    return str(result.data["_service"]["sdl"])


def compose() -> str:
    subgraphs = [
        {"name": name, "url": f"http://{name}/graphql", "sdl": _sdl(s)} for name, s in SUBGRAPHS.items()
    ]
    proc = subprocess.run(
        ["node", str(COMPOSER)],
        input=json.dumps({"subgraphs": subgraphs}),
        capture_output=True,
        text=True,
        check=True,
        cwd=COMPOSER.parent,
    )
    out = json.loads(proc.stdout)
    if "errors" in out:
        raise SystemExit(f"composition failed: {out['errors']}")
    return str(out["supergraphSdl"]).rstrip("\n") + "\n"


if __name__ == "__main__":
    FIXTURE.write_text(compose())
    sys.stdout.write(f"wrote {FIXTURE}\n")

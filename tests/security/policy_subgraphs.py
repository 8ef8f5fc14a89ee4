"""Two small subgraphs whose schema uses ``@policy`` where the router must enforce it, composed with
this repo's composer (``schema.compose``) when a test asks for the supergraph.

- desk:      ``Query.tickets`` (public), ``Ticket @key(id)`` with public ``title`` and nullable
  ``internalNote @policy([["support"]])``, ``Query.payroll @policy([["hr", "manager"], ["admin"]])``
  (an OR of ANDs), ``Query.vault @policy([["undefined"]])`` (a name no rule defines), non-null
  ``Query.motto @policy([["admin"]])`` (a null bubbles to data), ``Query.audit`` returning the
  type-level ``AuditEntry @policy([["admin"]])``.
- customers: ``Ticket.customerEmail @policy([["support"]])`` (reached through an entity jump).
"""

from __future__ import annotations

from functools import cache

import strawberry

from schema import SubgraphSource, compose

__all__ = ["CALLS", "SUBGRAPHS", "supergraph_sdl"]

#: Every call a subgraph resolver received, so tests can prove a denied field was never resolved.
CALLS: list[str] = []


@strawberry.federation.type(keys=["id"], name="Ticket")
class DeskTicket:
    id: strawberry.ID
    title: str

    @strawberry.federation.field(policy=[["support"]])
    def internal_note(self) -> str | None:
        CALLS.append("Ticket.internalNote")
        return f"note {self.id}"

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> DeskTicket:
        return cls(id=id, title=f"Ticket {id}")


@strawberry.federation.type(policy=[["admin"]])
class AuditEntry:
    message: str


@strawberry.type
class DeskQuery:
    @strawberry.field
    def tickets(self) -> list[DeskTicket]:
        CALLS.append("Query.tickets")
        return [DeskTicket(id=strawberry.ID("t1"), title="Printer on fire")]

    @strawberry.federation.field(policy=[["hr", "manager"], ["admin"]])
    def payroll(self) -> list[int] | None:
        CALLS.append("Query.payroll")
        return [100, 200]

    @strawberry.federation.field(policy=[["undefined"]])
    def vault(self) -> str | None:
        CALLS.append("Query.vault")
        return "gold"

    @strawberry.federation.field(policy=[["admin"]])
    def motto(self) -> str:
        CALLS.append("Query.motto")
        return "ship it"

    @strawberry.field
    def audit(self) -> list[AuditEntry] | None:
        CALLS.append("Query.audit")
        return [AuditEntry(message="policy changed")]


desk = strawberry.federation.Schema(query=DeskQuery, federation_version="2.7")


@strawberry.federation.type(keys=["id"], name="Ticket")
class CustomersTicket:
    id: strawberry.ID

    @strawberry.federation.field(policy=[["support"]])
    def customer_email(self) -> str | None:
        CALLS.append("Ticket.customerEmail")
        return f"customer-{self.id}@example.com"

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> CustomersTicket:
        return cls(id=id)


@strawberry.type
class CustomersQuery:
    @strawberry.field
    def customers_ok(self) -> bool:
        return True


customers = strawberry.federation.Schema(
    query=CustomersQuery, types=[CustomersTicket], federation_version="2.7"
)

SUBGRAPHS = {"desk": desk, "customers": customers}


def _sdl(schema: strawberry.federation.Schema) -> str:
    result = schema.execute_sync("{ _service { sdl } }")
    assert result.data is not None, result.errors
    return str(result.data["_service"]["sdl"])


@cache
def supergraph_sdl() -> str:
    """The two subgraphs composed by this repo's composer."""
    sources = [
        SubgraphSource(name=name, url=f"http://{name}/graphql", sdl=_sdl(s)) for name, s in SUBGRAPHS.items()
    ]
    result = compose(sources).raise_for_errors()
    assert result.supergraph_sdl is not None
    return result.supergraph_sdl

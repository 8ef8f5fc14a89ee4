"""Mutations on several subgraphs. Both append to one shared ``JOURNAL`` when they run, so a test can
check the order the router ran them in.

- accounts: ``Mutation.createUser(name)``; ``User @key(id) { id name }``; ``Query.users``.
- audit:    ``Mutation.log(message)`` returns ``Entry { sequence message }`` (sequence = position in
  the journal); ``User.logCount`` (entries about the user).
"""

from __future__ import annotations

import strawberry

JOURNAL: list[tuple[str, str]] = []


@strawberry.federation.type(keys=["id"])
class User:
    id: strawberry.ID
    name: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> User | None:
        return USERS.get(id)


USERS: dict[str, User] = {}


def reset() -> None:
    JOURNAL.clear()
    USERS.clear()
    USERS.update(
        {
            "u1": User(id=strawberry.ID("u1"), name="Ada"),
            "u2": User(id=strawberry.ID("u2"), name="Alan"),
        }
    )


reset()


@strawberry.type
class AccountsQuery:
    @strawberry.field
    def users(self) -> list[User]:
        return list(USERS.values())


@strawberry.type
class AccountsMutation:
    @strawberry.mutation
    def create_user(self, name: str) -> User:
        user = User(id=strawberry.ID(f"u{len(USERS) + 1}"), name=name)
        USERS[user.id] = user
        JOURNAL.append(("accounts", f"createUser {name}"))
        return user


accounts = strawberry.federation.Schema(
    query=AccountsQuery, mutation=AccountsMutation, federation_version="2.7"
)


@strawberry.type
class Entry:
    sequence: int
    message: str


@strawberry.federation.type(keys=["id"], name="User")
class AuditedUser:
    id: strawberry.ID

    @strawberry.field
    def log_count(self) -> int:
        return sum(1 for source, message in JOURNAL if source == "audit" and self.id in message.split())

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> AuditedUser:
        return cls(id=id)


@strawberry.type
class AuditQuery:
    @strawberry.field
    def journal_size(self) -> int:
        return len(JOURNAL)


@strawberry.type
class AuditMutation:
    @strawberry.mutation
    def log(self, message: str) -> Entry:
        JOURNAL.append(("audit", message))
        return Entry(sequence=len(JOURNAL), message=message)


audit = strawberry.federation.Schema(
    query=AuditQuery, mutation=AuditMutation, types=[AuditedUser], federation_version="2.7"
)

SUBGRAPHS = {"accounts": accounts, "audit": audit}

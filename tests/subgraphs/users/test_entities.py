"""``_entities``: other subgraphs' User references resolve here, batched into one SELECT."""

from __future__ import annotations

from ..harness import System

ENTITIES = """
query($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on User { id name role email } }
}
"""


def users(*ids: str) -> dict[str, object]:
    return {"representations": [{"__typename": "User", "id": user_id} for user_id in ids]}


async def test_entities_resolve_users_in_order_and_unknown_ids_to_null(system_factory) -> None:
    async with system_factory("users") as system:
        body = await system.graphql("users", ENTITIES, users("user-3", "user-404", "user-2"))
    assert body == {
        "data": {
            "_entities": [
                {"id": "user-3", "name": "Bob Builder", "role": "CUSTOMER", "email": None},
                None,
                {"id": "user-2", "name": "Alice Liddell", "role": "CUSTOMER", "email": None},
            ]
        }
    }


async def test_entities_follow_the_email_rule_of_the_viewer(system_factory) -> None:
    async with system_factory("users") as system:
        own = await system.graphql("users", ENTITIES, users("user-2", "user-3"), user="user-2")
        admin = await system.graphql(
            "users", ENTITIES, users("user-2", "user-3"), user="user-1", role="admin"
        )
    assert [entity["email"] for entity in own["data"]["_entities"]] == ["alice@example.com", None]
    assert [entity["email"] for entity in admin["data"]["_entities"]] == [
        "alice@example.com",
        "bob@example.com",
    ]


async def test_a_hundred_representations_cost_exactly_one_select(system_factory) -> None:
    system: System
    ids = [f"user-{n % 6 + 1}" for n in range(100)]  # user-5 and user-6 do not exist
    async with system_factory("users") as system:
        with system.count_queries("users") as statements:
            body = await system.graphql("users", ENTITIES, users(*ids))
    entities = body["data"]["_entities"]
    assert len(entities) == 100
    assert [entity and entity["id"] for entity in entities[:6]] == [
        "user-1",
        "user-2",
        "user-3",
        "user-4",
        None,
        None,
    ]
    selects = [statement for statement in statements if statement.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1, statements
    assert len(statements) == 1, statements

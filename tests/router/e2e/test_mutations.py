"""Mutations on several subgraphs run one after another in document order (the shared journal
records the order the subgraphs saw); fields after a mutation are queried, not mutated."""

from __future__ import annotations

from .subgraphs import mutations

FEATURE = "mutations"


async def test_mutation_fields_of_two_subgraphs_run_in_document_order(run):
    response, counts = await run(
        """
        mutation {
          first: log(message: "start") { sequence }
          createUser(name: "Grace") { id name }
          last: log(message: "end") { sequence message }
        }
        """
    )
    assert response == {
        "data": {
            "first": {"sequence": 1},
            "createUser": {"id": "u3", "name": "Grace"},
            "last": {"sequence": 3, "message": "end"},
        }
    }
    assert mutations.JOURNAL == [("audit", "start"), ("accounts", "createUser Grace"), ("audit", "end")]
    assert counts == {"accounts": 1, "audit": 2}


async def test_adjacent_mutation_fields_of_one_subgraph_share_one_request(run):
    response, counts = await run(
        'mutation { a: log(message: "one") { sequence } b: log(message: "two") { sequence } '
        'createUser(name: "Linus") { name } }'
    )
    assert response == {"data": {"a": {"sequence": 1}, "b": {"sequence": 2}, "createUser": {"name": "Linus"}}}
    assert mutations.JOURNAL == [("audit", "one"), ("audit", "two"), ("accounts", "createUser Linus")]
    assert counts == {"accounts": 1, "audit": 1}


async def test_entity_fields_after_a_mutation_are_fetched_after_it_ran(run):
    response, counts = await run(
        'mutation { welcome: log(message: "welcome u3") { sequence } '
        'createUser(name: "Grace") { id name logCount } }'
    )
    assert response == {
        "data": {"welcome": {"sequence": 1}, "createUser": {"id": "u3", "name": "Grace", "logCount": 1}}
    }
    assert mutations.JOURNAL == [("audit", "welcome u3"), ("accounts", "createUser Grace")]
    assert counts == {"accounts": 1, "audit": 2}


async def test_query_sees_what_the_previous_mutation_did(run):
    await run('mutation { createUser(name: "Grace") { id } }')
    response, counts = await run("{ users { name } journalSize }")
    assert response == {
        "data": {"users": [{"name": "Ada"}, {"name": "Alan"}, {"name": "Grace"}], "journalSize": 1}
    }
    assert counts == {"accounts": 1, "audit": 1}

"""What the executor sends: operation documents, variables, representations and rewrites of fetches."""

from __future__ import annotations

from graphql import parse

from router.planner import (
    Fetch,
    FieldSelection,
    Flatten,
    FragmentSelection,
    KeyRenamer,
    Parallel,
    QueryPlan,
    Sequence,
    ValueSetter,
    plan,
)

from .testkit import supergraph


def _fetches(qp: QueryPlan) -> list[tuple[tuple[str, ...], Fetch]]:
    out: list[tuple[tuple[str, ...], Fetch]] = []

    def walk(node: object) -> None:
        if isinstance(node, Fetch):
            out.append(((), node))
        elif isinstance(node, Flatten):
            out.append((node.path, node.node))
        elif isinstance(node, Sequence | Parallel):
            for child in node.nodes:
                walk(child)
        else:
            for clause in (getattr(node, "if_clause", None), getattr(node, "else_clause", None)):
                if clause is not None:
                    walk(clause)

    walk(qp.node)
    return out


def test_a_root_fetch_declares_only_the_variables_it_uses_with_their_defaults() -> None:
    document = parse(
        "query Top($n: Int = 3, $x: Boolean!, $unused: ID) "
        "{ topProducts(first: $n) { name reviews @include(if: $x) { body } } }"
    )
    (_, root), (path, entity) = _fetches(plan(supergraph("shop"), document))
    assert root.operation == (
        "query Top__products__1($n: Int = 3) { topProducts(first: $n) { __typename name upc } }"
    )
    assert root.operation_kind == "query"
    assert root.operation_name == "Top__products__1"
    assert root.variable_usages == ("n",)
    assert not root.is_entity_fetch
    assert path == ("topProducts", "@")
    assert entity.variable_usages == ()


def test_an_entity_fetch_takes_representations_and_lists_what_they_carry() -> None:
    (_, _), (path, entity) = _fetches(plan(supergraph("shop"), parse("{ me { reviews { body } } }")))
    assert path == ("me",)
    assert entity.operation == (
        "query($representations: [_Any!]!) { _entities(representations: $representations) "
        "{ ... on User { reviews { body } } } }"
    )
    assert entity.requires == (
        FragmentSelection(
            type_condition="User",
            selections=(FieldSelection(name="__typename"), FieldSelection(name="id")),
        ),
    )
    assert entity.to_json()["requires"][0]["typeCondition"] == "User"


def test_variables_used_inside_an_entity_fetch_are_declared_after_representations() -> None:
    document = parse("query ($x: Boolean!) { me { reviews { body @skip(if: $x) id } } }")
    (_, _), (_, entity) = _fetches(plan(supergraph("shop"), document))
    assert entity.operation.startswith("query($representations: [_Any!]!, $x: Boolean!) {")
    assert entity.variable_usages == ("x",)


def test_mutation_fetches_are_mutation_operations() -> None:
    document = parse('mutation { login(username: "a") { name } }')
    ((_, fetch),) = _fetches(plan(supergraph("shop"), document))
    assert fetch.operation_kind == "mutation"
    assert fetch.operation == 'mutation { login(username: "a") { name } }'


def test_an_interface_object_fetch_sets_typename_to_the_interface_object() -> None:
    document = parse("{ accounts { plan } }")
    (_, _), (path, fetch) = _fetches(plan(supergraph("interface_object"), document))
    assert path == ("accounts", "@", "|[Admin,Member]")
    assert fetch.input_rewrites == (
        ValueSetter(path=("... on Admin", "__typename"), set_value_to="Account"),
        ValueSetter(path=("... on Member", "__typename"), set_value_to="Account"),
    )
    assert "{ ... on Account { plan } }" in fetch.operation


def test_a_key_field_hidden_by_a_client_alias_is_renamed_back_in_the_representation() -> None:
    document = parse("{ me { id: legacyId reviews { body } } }")
    (_, root), (_, entity) = _fetches(plan(supergraph("shop"), document))
    assert "me { __typename id: legacyId id__alias_0: id }" in root.operation
    assert entity.requires == (
        FragmentSelection(
            type_condition="User",
            selections=(FieldSelection(name="__typename"), FieldSelection(name="id__alias_0")),
        ),
    )
    assert entity.input_rewrites == (KeyRenamer(path=("... on User", "id__alias_0"), rename_key_to="id"),)


def test_plans_serialise_to_json_with_kind_and_camel_case_keys() -> None:
    data = plan(supergraph("shop"), parse("{ me { reviews { body } } }")).to_json()
    assert data["kind"] == "QueryPlan"
    assert data["node"]["kind"] == "Sequence"
    assert [n["kind"] for n in data["node"]["nodes"]] == ["Fetch", "Flatten"]
    assert data["node"]["nodes"][1]["node"]["serviceName"] == "reviews"


def test_planning_is_deterministic() -> None:
    document = parse(
        "{ topProducts { name inStock shippingEstimate reviews { author { name } } } me { name } }"
    )
    first = plan(supergraph("shop"), document)
    assert all(plan(supergraph("shop"), document) == first for _ in range(3))

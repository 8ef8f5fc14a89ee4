"""Loading a composed supergraph: subgraphs, types and fields per subgraph, keys and join metadata."""

from __future__ import annotations

import pytest

from router.supergraph import FieldJoin, Key, Supergraph, load_supergraph

from .testkit import fixture_sdl


@pytest.fixture(scope="module")
def sg() -> Supergraph:
    return load_supergraph(fixture_sdl("model"))


def test_subgraph_names_and_urls_come_from_the_join_graph_enum(sg: Supergraph) -> None:
    assert dict(sg.subgraphs) == {"orders": "http://orders", "users": "http://users"}
    assert sg.join_version == "v0.4"


def test_root_types_are_read_from_the_schema_definition(sg: Supergraph) -> None:
    assert dict(sg.root_types) == {"query": "Query"}


def test_keys_are_listed_per_subgraph_in_declaration_order(sg: Supergraph) -> None:
    assert sg.keys("User", "users") == (
        Key(graph="users", fields="id"),
        Key(graph="users", fields="email"),
    )
    assert sg.keys("User", "orders") == (Key(graph="orders", fields="id"),)


def test_a_key_with_resolvable_false_is_kept_but_marked(sg: Supergraph) -> None:
    assert sg.keys("Palette", "orders") == (Key(graph="orders", fields="id", resolvable=False),)


def test_a_field_without_join_field_is_resolved_by_every_subgraph_of_its_type(sg: Supergraph) -> None:
    assert sg.field_graphs("User", "id", frozenset()) == ("orders", "users")


def test_shareable_fields_are_resolved_by_each_subgraph_that_does_not_mark_them_external(
    sg: Supergraph,
) -> None:
    assert sg.field_graphs("User", "name", frozenset()) == ("users",)
    assert sg.field_join("User", "name", "orders") == FieldJoin(graph="orders", external=True)


def test_requires_and_provides_are_recorded_on_the_field_join(sg: Supergraph) -> None:
    ship = sg.field_join("User", "ship", "orders")
    buyer = sg.field_join("Order", "buyer", "orders")
    assert ship is not None and ship.requires == "name"
    assert buyer is not None and buyer.provides == "name"


def test_plain_override_moves_the_field_to_the_new_subgraph(sg: Supergraph) -> None:
    assert sg.field_graphs("User", "legacy", frozenset()) == ("orders",)


def test_progressive_override_depends_on_the_enabled_labels(sg: Supergraph) -> None:
    assert sg.field_graphs("User", "weight", frozenset()) == ("users",)
    assert sg.field_graphs("User", "weight", frozenset({"percent(50)"})) == ("orders",)


def test_used_overridden_fields_are_not_resolved_by_their_old_subgraph() -> None:
    sg = load_supergraph(fixture_sdl("override"))
    join = sg.field_join("Account", "code", "old")
    assert join is not None and join.used_overridden
    assert sg.field_graphs("Account", "code", frozenset()) == ("ledger", "new")


def test_interface_object_and_implementations_are_per_subgraph(sg: Supergraph) -> None:
    assert sg.is_interface_object("Node", "orders")
    assert not sg.is_interface_object("Node", "users")
    assert dict(sg.types["Admin"].implements) == {"users": ("Node",)}
    assert sg.possible_types("Node", "users") == ("Admin",)
    assert sg.possible_types("Node", "orders") == ()
    assert sg.field_graphs("Admin", "extra", frozenset()) == ()


def test_union_members_are_per_subgraph(sg: Supergraph) -> None:
    assert sg.possible_types("Found") == ("Order", "User")
    assert sg.possible_types("Found", "orders") == ("Order", "User")
    assert sg.possible_types("Found", "users") == ()


def test_enum_values_are_per_subgraph(sg: Supergraph) -> None:
    assert dict(sg.types["Color"].enum_values) == {
        "RED": ("orders", "users"),
        "BLUE": ("orders",),
        "GREEN": ("users",),
    }


def test_authentication_directives_are_recorded_on_fields(sg: Supergraph) -> None:
    query = sg.types["Query"]
    assert query.fields["me"].authenticated
    assert query.fields["users"].requires_scopes == (("read:users",), ("admin",))
    assert not query.fields["order"].authenticated


def test_inaccessible_elements_are_recorded(sg: Supergraph) -> None:
    assert sg.types["User"].fields["secret"].inaccessible
    assert sg.types["Hidden"].inaccessible


def test_join_and_link_internals_are_not_model_types(sg: Supergraph) -> None:
    assert not {"join__Graph", "join__FieldSet", "link__Import", "link__Purpose"} & set(sg.types)

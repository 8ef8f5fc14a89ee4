"""Reading one subgraph: federation versions, directive names, machinery stripping, root renames."""

from __future__ import annotations

from schema._subgraph import parse_subgraph


def _parse(sdl: str):  # type: ignore[no-untyped-def]
    subgraph, errors = parse_subgraph("s", "http://s", sdl)
    assert not errors, errors
    assert subgraph is not None
    return subgraph


def test_a_subgraph_without_a_federation_link_is_read_as_federation_1_where_everything_is_shareable() -> None:
    subgraph = _parse('type Query { a: T }\ntype T @key(fields: "id") { id: ID! n: Int }')
    assert subgraph.federation_version == "1.0"
    assert subgraph.types["T"].fields["n"].shareable


def test_federation_directives_resolve_through_imports_aliases_and_the_namespace_prefix() -> None:
    subgraph = _parse(
        'extend schema @link(url: "https://specs.apollo.dev/federation/v2.5",'
        ' import: [{name: "@key", as: "@id"}, "@authenticated"])\n'
        'type Query { t: T @authenticated }\ntype T @id(fields: "id")'
        " { id: ID! n: Int @federation__shareable }"
    )
    assert subgraph.federation_version == "2.5"
    assert subgraph.types["T"].keys[0].fields == "id"
    assert subgraph.types["T"].fields["n"].shareable
    assert subgraph.types["Query"].fields["t"].access.authenticated


def test_strawberry_machinery_is_stripped_and_an_entities_only_query_is_dropped() -> None:
    subgraph = _parse(
        'schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"]) { query: Query }\n'
        "type Query { _entities(representations: [_Any!]!): [_Entity]! _service: _Service! }\n"
        'type P @key(fields: "id") { id: ID! }\nscalar _Any\nunion _Entity = P\ntype _Service'
        " { sdl: String! }"
    )
    assert set(subgraph.types) == {"P"}


def test_renamed_root_types_get_their_canonical_names() -> None:
    subgraph = _parse("schema { query: Root }\ntype Root { me: Me }\ntype Me { root: Root }")
    assert set(subgraph.types) == {"Query", "Me"}
    assert subgraph.types["Me"].fields["root"].type == "Query"


def test_a_lone_type_extension_is_an_extension_of_a_type_defined_elsewhere() -> None:
    subgraph = _parse(
        'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\n'
        'extend type User @key(fields: "id") { id: ID! reviews: Int }'
    )
    assert subgraph.types["User"].extension


def test_importing_a_directive_newer_than_the_linked_version_is_an_error() -> None:
    _, errors = parse_subgraph(
        "s",
        "http://s",
        'extend schema @link(url: "https://specs.apollo.dev/federation/v2.0", import: ["@interfaceObject"])\n'
        "type Query { a: Int }",
    )
    assert [e.code for e in errors] == ["INVALID_LINK_DIRECTIVE_USAGE"]


def test_link_less_subgraphs_can_be_read_as_federation_2_on_request() -> None:
    sdl = 'type Query { t: T }\ntype T @key(fields: "id") { id: ID! n: Int @shareable }'
    _, errors = parse_subgraph("s", "http://s", sdl)
    assert [e.code for e in errors] == ["INVALID_GRAPHQL"]  # federation 1 has no @shareable
    subgraph, errors = parse_subgraph("s", "http://s", sdl, assume_federation_version="2.7")
    assert not errors and subgraph is not None
    assert subgraph.federation_version == "2.7"
    assert subgraph.types["T"].fields["n"].shareable

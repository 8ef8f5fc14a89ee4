"""Output field types are covariant across subgraphs; the supergraph takes the most general.

Fixture sets ``field_type_covariant_*``, ``field_type_nullability_*`` and
``field_type_mismatch_sibling_implementations`` check the supergraphs against the oracle; these
tests pin the rules themselves and the one case where the pinned oracle depends on subgraph order.
"""

from __future__ import annotations

import pytest

from schema import SubgraphSource, compose
from schema._typeref import output_supertype

LINK = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])\n'
)
_IMPLEMENTS = {("Book", "Media"), ("Movie", "Media"), ("Book", "Result")}


def _named_subtype(sub: str, sup: str) -> bool:
    return (sub, sup) in _IMPLEMENTS


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("Media", "Book", "Media"),
        ("Book!", "Media", "Media"),
        ("[Book!]!", "[Media]", "[Media]"),
        ("Result", "Book!", "Result"),
        ("Int!", "Int", "Int"),
        ("Book", "Movie", None),
        ("Book", "Media!", None),
        ("[Book]", "Media", None),
        ("[Media!]", "[Book]!", None),
    ],
)
def test_the_more_general_of_two_output_types_is_kept(a: str, b: str, expected: str | None) -> None:
    assert output_supertype(a, b, _named_subtype) == expected
    assert output_supertype(b, a, _named_subtype) == expected


def test_the_interface_wins_even_when_the_subgraph_returning_the_implementation_comes_first() -> None:
    """The pinned oracle keeps the first subgraph's ``Book`` here, which "b" could not honour."""
    result = compose(
        [
            SubgraphSource(
                name="a",
                url="http://a",
                sdl=LINK
                + 'type Query { u: User }\ntype User @key(fields: "id") { id: ID! fav: Book @shareable }\n'
                'type Book @key(fields: "id") { id: ID! }',
            ),
            SubgraphSource(
                name="b",
                url="http://b",
                sdl=LINK + 'type User @key(fields: "id") { id: ID! fav: Media @shareable }\n'
                'interface Media { id: ID! }\ntype Book implements Media @key(fields: "id") { id: ID! n: Int }',
            ),
        ]
    )
    assert result.ok, result.errors
    assert result.supergraph_sdl is not None
    assert (
        '  fav: Media @join__field(graph: A, type: "Book") @join__field(graph: B, type: "Media")'
        in result.supergraph_sdl.splitlines()
    )


def test_sibling_implementations_are_reported_as_a_field_type_mismatch() -> None:
    result = compose(
        [
            SubgraphSource(
                name=name,
                url=f"http://{name}",
                sdl=LINK
                + f'type Query {{ {name}: User }}\ntype User @key(fields: "id") {{ id: ID! fav: {returned} @shareable }}\n'
                "interface Media { id: ID! }\ntype Book implements Media @shareable { id: ID! }\n"
                "type Movie implements Media @shareable { id: ID! }",
            )
            for name, returned in (("a", "Book"), ("b", "Movie"))
        ]
    )
    assert [(e.code, e.coordinate) for e in result.errors] == [("FIELD_TYPE_MISMATCH", "User.fav")]


def test_sibling_implementations_merge_when_a_third_subgraph_returns_their_interface() -> None:
    media = "interface Media { id: ID! }\ntype Book implements Media @shareable { id: ID! }\n"
    media += "type Movie implements Media @shareable { id: ID! }"
    result = compose(
        [
            SubgraphSource(
                name=name,
                url=f"http://{name}",
                sdl=LINK
                + f'type Query {{ {name}: User }}\ntype User @key(fields: "id") {{ id: ID! fav: {returned} @shareable }}\n'
                + media,
            )
            for name, returned in (("a", "Book"), ("b", "Movie"), ("c", "Media"))
        ]
    )
    assert result.ok, result.errors
    assert result.supergraph_sdl is not None
    assert '  fav: Media @join__field(graph: A, type: "Book")' in result.supergraph_sdl


def test_a_root_query_field_records_no_subgraph_type_but_a_mutation_field_does() -> None:
    """As the oracle prints them: a Query field's ``@join__field`` never carries ``type:``."""
    media = 'interface Media { id: ID! }\ntype Book implements Media @key(fields: "id") { id: ID! }\n'
    result = compose(
        [
            SubgraphSource(
                name=name,
                url=f"http://{name}",
                sdl=LINK
                + media
                + f"type Query {{ featured: {returned} @shareable {name}: Int }}\n"
                + f"type Mutation {{ publish: {returned} @shareable }}",
            )
            for name, returned in (("a", "Media"), ("b", "Book!"))
        ]
    )
    assert result.ok, result.errors
    assert result.supergraph_sdl is not None
    assert "  featured: Media\n" in result.supergraph_sdl
    assert (
        '  publish: Media @join__field(graph: A, type: "Media") @join__field(graph: B, type: "Book!")'
        in result.supergraph_sdl
    )


def test_nullability_differing_in_opposite_directions_at_two_levels_is_a_mismatch() -> None:
    result = compose(
        [
            SubgraphSource(
                name=name, url=f"http://{name}", sdl=LINK + f"type Query {{ tags: {t} @shareable }}"
            )
            for name, t in (("a", "[String!]"), ("b", "[String]!"))
        ]
    )
    assert [e.code for e in result.errors] == ["FIELD_TYPE_MISMATCH"]
    assert (
        'it has type "[String!]" in subgraph "a" but type "[String]!" in subgraph "b"'
        in result.errors[0].message
    )

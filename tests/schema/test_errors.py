"""Composition errors say what failed (code), where (subgraph, coordinate) and why (message)."""

from __future__ import annotations

import pytest

from schema import CompositionFailed, SubgraphSource, compose

from ._testkit import FixtureSet, load_fixture_sets

INVALID = [s for s in load_fixture_sets() if not s.valid]
LINK = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])\n'
)


@pytest.mark.parametrize("fixture_set", INVALID, ids=[s.name for s in INVALID])
def test_every_error_names_its_subgraph_or_coordinate(fixture_set: FixtureSet) -> None:
    for error in compose(fixture_set.subgraphs).errors:
        assert error.code.isupper() and error.message
        assert error.subgraph or error.coordinate, error
        if error.subgraph:
            assert error.subgraph in {s.name for s in fixture_set.subgraphs}


def test_invalid_field_sharing_names_the_field_and_both_subgraphs() -> None:
    result = compose(
        [
            SubgraphSource(
                name="a",
                url="http://a",
                sdl=LINK + 'type Query { p: P }\ntype P @key(fields: "id") { id: ID! n: Int }',
            ),
            SubgraphSource(
                name="b", url="http://b", sdl=LINK + 'type P @key(fields: "id") { id: ID! n: Int }'
            ),
        ]
    )
    (error,) = result.errors
    assert (error.code, error.coordinate, error.subgraph) == ("INVALID_FIELD_SHARING", "P.n", "a")
    assert 'resolved from subgraphs "a" and "b"' in error.message


def test_subgraph_rules_prefix_the_message_with_the_subgraph() -> None:
    result = compose(
        [
            SubgraphSource(
                name="shop",
                url="http://s",
                sdl=LINK + 'type Query { t: T }\ntype T @key(fields: "nope") { id: ID! }',
            )
        ]
    )
    (error,) = result.errors
    assert error.code == "KEY_INVALID_FIELDS" and error.subgraph == "shop" and error.coordinate == "T"
    assert error.message.startswith('[shop] On type "T", for @key(fields: "nope")')


def test_satisfiability_errors_show_an_example_query() -> None:
    (fixture_set,) = [s for s in INVALID if s.name == "satisfiability_entity_without_key"]
    (error,) = compose(fixture_set.subgraphs).errors
    assert error.message.splitlines()[:6] == [
        "The following supergraph API query:",
        "{",
        "  a {",
        "    age",
        "  }",
        "}",
    ]
    assert 'because type "User" has no @key defined in subgraph "b"' in error.message


def test_raise_for_errors_raises_composition_failed_with_every_error() -> None:
    (fixture_set,) = [s for s in INVALID if s.name == "invalid_field_sharing_value_type"]
    with pytest.raises(CompositionFailed) as info:
        compose(fixture_set.subgraphs).raise_for_errors()
    assert len(info.value.errors) == 2


def test_duplicate_subgraph_names_are_rejected() -> None:
    source = SubgraphSource(name="a", url="http://a", sdl=LINK + "type Query { a: Int }")
    assert [e.code for e in compose([source, source]).errors] == ["DUPLICATE_SUBGRAPH_NAME"]

"""Satisfiability follows federation's path semantics (fixtures ``satisfiability_*`` carry the verdicts).

The oracle corpus checks verdicts; these tests check what the error says (an example query the
oracle also names) and the cases where we are exact and the pinned oracle is not.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from schema import SubgraphSource, compose

from ._testkit import load_fixture_sets, normalize_supergraph

LINK = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7",'
    ' import: ["@key", "@shareable", "@external", "@provides", "@requires", "@override"])\n'
)
_WALK_PREFIX = "The following supergraph API query:"
_UNSATISFIABLE = [
    s
    for s in load_fixture_sets()
    if any(
        e.code == "SATISFIABILITY_ERROR" and e.message.startswith(_WALK_PREFIX)
        for e in compose(s.subgraphs).errors
    )
]


def _example_query(message: str) -> str:
    """The query of a satisfiability message, arguments dropped (the oracle prints sample values)."""
    return re.sub(r"\([^)]*\)", "", message.split("cannot be satisfied")[0]).strip()


def _sources(**sdl: str) -> list[SubgraphSource]:
    return [SubgraphSource(name=name, url=f"http://{name}", sdl=LINK + text) for name, text in sdl.items()]


@pytest.mark.parametrize("fixture_set", _UNSATISFIABLE, ids=[s.name for s in _UNSATISFIABLE])
def test_each_example_query_we_report_is_one_the_oracle_reports_too(
    fixture_set: Any, oracle_results: dict[str, Any]
) -> None:
    ours = {
        _example_query(e.message)
        for e in compose(fixture_set.subgraphs).errors
        if e.code == "SATISFIABILITY_ERROR" and e.message.startswith(_WALK_PREFIX)
    }
    theirs = {
        _example_query(e["message"])
        for e in oracle_results[fixture_set.name].get("errors", [])
        if e["code"] == "SATISFIABILITY_ERROR"
    }
    assert ours <= theirs


def test_a_field_provided_on_one_path_is_unsatisfiable_on_another_with_the_path_in_the_message() -> None:
    (error,) = compose(
        _sources(
            a='type Query { top: [P] @provides(fields: "name") other: P }\n'
            'type P @key(fields: "id") { id: ID! name: String @external }',
            b='type Query { mine: P }\ntype P @key(fields: "id", resolvable: false) { id: ID! name: String @shareable }',
        )
    ).errors
    assert (error.code, error.coordinate, error.subgraph) == ("SATISFIABILITY_ERROR", "P.name", "a")
    assert error.message.splitlines()[1:6] == ["{", "  other {", "    name", "  }", "}"]
    assert 'field "P.name" is not resolvable because marked @external.' in error.message


def test_an_unreachable_field_of_object_type_is_shown_with_a_selection_placeholder() -> None:
    (error,) = compose(
        _sources(
            a='type Query { latest: R reviews: [R] @provides(fields: "author { id }") }\ntype R @key(fields: "id") { id: ID! author: U @external }\n'
            'type U @key(fields: "id") { id: ID! }',
            b='type Query { u: U }\ntype R @key(fields: "id", resolvable: false) { id: ID! author: U }\n'
            'type U @key(fields: "id") { id: ID! }',
        )
    ).errors
    assert error.coordinate == "R.author"
    assert error.message.splitlines()[1:8] == [
        "{",
        "  latest {",
        "    author {",
        "      ...",
        "    }",
        "  }",
        "}",
    ]


def test_a_provides_through_an_interface_fragment_counts_only_under_the_providing_field() -> None:
    """``other`` reaches ``Book.title`` without the ``@provides``; the pinned oracle misses this.

    It remembers walked (type, subgraph) combinations without the provides they came through,
    so after ``items`` walked ``... on Book`` in "a" it skips ``other``'s ``... on Book``.
    """
    result = compose(
        _sources(
            a='type Query { items: [Item] @provides(fields: "... on Book { title }") other: Item }\n'
            "interface Item { id: ID! }\n"
            'type Book implements Item @key(fields: "id") { id: ID! title: String @external }',
            b='type Query { book: Book }\ntype Book @key(fields: "id", resolvable: false) { id: ID! title: String }',
        )
    )
    (error,) = result.errors
    assert error.coordinate == "Book.title"
    assert "  other {\n    ... on Book {\n      title\n" in error.message


def test_a_requires_is_satisfiable_when_its_fields_are_two_key_jumps_away() -> None:
    result = compose(
        _sources(
            a='type Query { t: T }\ntype T @key(fields: "id") { id: ID! sku: String @shareable }',
            b='type T @key(fields: "sku") { sku: String weight: Int }',
            c='type T @key(fields: "id") { id: ID! weight: Int @external ship: Int @requires(fields: "weight") }',
        )
    )
    assert result.ok, result.errors


def test_the_routers_root_reentry_fixture_composes_to_the_supergraph_the_oracle_writes_without_validation() -> (
    None
):
    """Fields returning ``Query`` re-enter every subgraph's query root (Apollo's composer agrees).

    ``tests/fixtures/root_reentry`` is composed by the oracle with its satisfiability rule off,
    which rejects ``{ viewer { query { latestReviews { id } } } }``; we accept it and must write
    the same supergraph and API schema.
    """
    fixtures = Path(__file__).resolve().parents[1] / "fixtures"
    scenario = fixtures / "root_reentry"
    result = compose(
        [
            SubgraphSource(name=p.stem, url=f"http://{p.stem}", sdl=LINK + p.read_text())
            for p in sorted(scenario.glob("*.graphql"))
        ]
    )
    assert result.ok, result.errors
    assert result.supergraph_sdl is not None and result.api_schema_sdl is not None
    for ours, theirs in (
        (result.supergraph_sdl, fixtures / "root_reentry.graphql"),
        (result.api_schema_sdl, fixtures / "root_reentry.api.graphql"),
    ):
        assert normalize_supergraph(ours) == normalize_supergraph(theirs.read_text())

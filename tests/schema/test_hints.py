"""Composition hints: non-fatal findings with Apollo's codes, printed as warnings, never failing a command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from schema import CompositionHint, SubgraphSource, compose, main_check, main_compose

LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable", "@override"])\n'


def _hints(**sdls: str) -> list[CompositionHint]:
    result = compose([SubgraphSource(name=n, url=f"http://{n}", sdl=LINK + sdl) for n, sdl in sdls.items()])
    assert result.ok, result.errors
    return list(result.hints)


def _codes(hints: list[CompositionHint]) -> list[tuple[str, str | None]]:
    return [(h.code, h.coordinate) for h in hints]


def test_a_consistent_composition_has_no_hints() -> None:
    assert (
        _hints(
            a='type Query { t: T } type T @key(fields: "id") { id: ID! }',
            b='type T @key(fields: "id") { id: ID! x: Int }',
        )
        == []
    )


def test_an_optional_argument_missing_in_one_subgraph_is_dropped_with_a_hint() -> None:
    hints = _hints(
        a="type Query { search(text: String, onlyA: Boolean): [String] @shareable }",
        b="type Query { search(text: String): [String] @shareable }",
    )
    assert _codes(hints) == [("INCONSISTENT_ARGUMENT_PRESENCE", "Query.search(onlyA:)")]
    assert 'defined in subgraph "a" but not in subgraph "b"' in hints[0].message


def test_an_optional_input_field_missing_in_one_subgraph_is_dropped_with_a_hint() -> None:
    hints = _hints(
        a="input F { q: String extra: Int } type Query { a(f: F): Int }",
        b="input F { q: String } type Query { b(f: F): Int }",
    )
    assert _codes(hints) == [("INCONSISTENT_INPUT_OBJECT_FIELD", "F.extra")]


def test_enum_values_in_some_subgraphs_only_hint_by_how_the_enum_is_used() -> None:
    output = _hints(a="enum S { A B } type Query { a: S }", b="enum S { A } type Query { b: S }")
    assert _codes(output) == [("INCONSISTENT_ENUM_VALUE_FOR_OUTPUT_ENUM", "S.B")]
    inputs = _hints(
        a="enum S { A B } type Query { a(s: S): Int }", b="enum S { A } type Query { b(s: S): Int }"
    )
    assert _codes(inputs) == [("INCONSISTENT_ENUM_VALUE_FOR_INPUT_ENUM", "S.B")]


def test_an_enum_nothing_uses_is_hinted() -> None:
    assert _codes(_hints(a="enum Lonely { X } type Query { a: Int }")) == [("UNUSED_ENUM_TYPE", "Lonely")]


def test_compatible_but_different_field_types_are_hinted() -> None:
    hints = _hints(
        a='type Query { t: T } type T @key(fields: "id") { id: ID! name: String! @shareable }',
        b='type T @key(fields: "id") { id: ID! name: String @shareable }',
    )
    assert _codes(hints) == [("INCONSISTENT_BUT_COMPATIBLE_FIELD_TYPE", "T.name")]
    assert '"String"' in hints[0].message and '"String!"' in hints[0].message


def test_a_subgraph_returning_an_implementation_of_the_merged_interface_is_hinted() -> None:
    media = "interface Media { id: ID! } type Book implements Media @shareable { id: ID! }"
    hints = _hints(
        a=f'type Query {{ t: T }} type T @key(fields: "id") {{ id: ID! fav: Media @shareable }} {media}',
        b=f'type T @key(fields: "id") {{ id: ID! fav: Book @shareable }} {media}',
    )
    assert _codes(hints) == [("INCONSISTENT_BUT_COMPATIBLE_FIELD_TYPE", "T.fav")]
    assert 'the supergraph uses "Media" but subgraph "b" defines it as "Book"' in hints[0].message


def test_a_subgraph_returning_a_member_of_the_merged_union_is_hinted() -> None:
    union = "type Book @shareable { id: ID! } type Movie @shareable { id: ID! } union Result = Book | Movie"
    hints = _hints(
        a=f"type Query {{ first: Result @shareable }} {union}",
        b=f"type Query {{ first: Book! @shareable }} {union}",
    )
    assert _codes(hints) == [("INCONSISTENT_BUT_COMPATIBLE_FIELD_TYPE", "Query.first")]
    assert 'subgraph "b" defines it as "Book!"' in hints[0].message


def test_each_differing_subgraph_type_is_named_in_the_hint() -> None:
    hints = _hints(
        a='type Query { t: T } type T @key(fields: "id") { id: ID! tags: [String!] @shareable }',
        b='type T @key(fields: "id") { id: ID! tags: [String]! @shareable }',
        c='type T @key(fields: "id") { id: ID! tags: [String] @shareable }',
    )
    assert _codes(hints) == [("INCONSISTENT_BUT_COMPATIBLE_FIELD_TYPE", "T.tags")]
    assert hints[0].message.endswith(
        'the supergraph uses "[String]" but subgraph "a" defines it as "[String!]" and subgraph "b"'
        ' defines it as "[String]!".'
    )


def test_differing_descriptions_are_hinted() -> None:
    hints = _hints(
        a='type Query { t: T } "A thing" type T @key(fields: "id") { id: ID! }',
        b='"Another thing" type T @key(fields: "id") { id: ID! }',
    )
    assert _codes(hints) == [("INCONSISTENT_DESCRIPTION", "T")]


def test_an_overridden_field_nothing_else_reads_can_be_removed() -> None:
    hints = _hints(
        a='type Query { t: T } type T @key(fields: "id") { id: ID! v: Int }',
        b='type T @key(fields: "id") { id: ID! v: Int @override(from: "a") }',
    )
    assert _codes(hints) == [("OVERRIDDEN_FIELD_CAN_BE_REMOVED", "T.v")]
    assert hints[0].subgraph == "a"


def test_override_from_a_subgraph_that_does_not_exist_is_a_hint_not_an_error() -> None:
    hints = _hints(
        a='type Query { t: T } type T @key(fields: "id") { id: ID! v: Int @override(from: "gone") }'
    )
    assert _codes(hints) == [("FROM_SUBGRAPH_DOES_NOT_EXIST", "T.v")]


@pytest.fixture
def config(tmp_path: Path) -> Path:
    (tmp_path / "a.graphql").write_text(LINK + "enum Lonely { X } type Query { a: Int }")
    (tmp_path / "supergraph.yaml").write_text(
        "federation_version: =2.3.0\nsubgraphs:\n  a:\n    routing_url: http://a\n    schema:\n      file: a.graphql\n"
    )
    return tmp_path / "supergraph.yaml"


def test_compose_prints_hints_as_warnings_and_still_succeeds(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main_compose(["--config", str(config), "--output", str(config.parent / "sg.graphql")]) == 0
    assert "warning [UNUSED_ENUM_TYPE]" in capsys.readouterr().err


def test_check_reports_hints_in_text_and_json_without_failing(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    supergraph = config.parent / "sg.graphql"
    assert main_compose(["--config", str(config), "--output", str(supergraph)]) == 0
    capsys.readouterr()
    args = ["--config", str(config), "--supergraph", str(supergraph), "--base", "none"]
    assert main_check(args) == 0
    assert "warning [UNUSED_ENUM_TYPE]" in capsys.readouterr().out
    assert main_check([*args, "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["hints"] == [
        {
            "code": "UNUSED_ENUM_TYPE",
            "message": report["hints"][0]["message"],
            "subgraph": None,
            "coordinate": "Lonely",
        }
    ]
    assert report["errors"] == [] and report["stale"] is False

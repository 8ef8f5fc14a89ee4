"""Every fixture set composes (or fails) as its ``expected.yaml`` says, with the expected codes."""

from __future__ import annotations

import pytest
from graphql import build_schema, validate_schema

from schema import compose

from ._testkit import FixtureSet, load_fixture_sets

SETS = load_fixture_sets()


def test_the_corpus_has_at_least_forty_sets_valid_and_invalid() -> None:
    assert len(SETS) >= 40
    assert sum(s.valid for s in SETS) >= 15
    assert sum(not s.valid for s in SETS) >= 25


@pytest.mark.parametrize("fixture_set", SETS, ids=[s.name for s in SETS])
def test_fixture_set_composes_as_expected(fixture_set: FixtureSet) -> None:
    result = compose(fixture_set.subgraphs)
    if fixture_set.valid:
        assert result.ok, "\n".join(str(e) for e in result.errors)
        assert result.supergraph_sdl and result.api_schema_sdl
    else:
        codes = {e.code for e in result.errors}
        assert not result.ok, "composed, but expected errors"
        assert set(fixture_set.expected_errors) <= codes, f"got {sorted(codes)}"


@pytest.mark.parametrize("fixture_set", [s for s in SETS if s.valid], ids=[s.name for s in SETS if s.valid])
def test_valid_fixture_set_composes_deterministically(fixture_set: FixtureSet) -> None:
    first = compose(fixture_set.subgraphs)
    second = compose(tuple(reversed(fixture_set.subgraphs)))
    assert first.supergraph_sdl == second.supergraph_sdl


@pytest.mark.parametrize("fixture_set", [s for s in SETS if s.valid], ids=[s.name for s in SETS if s.valid])
def test_valid_fixture_set_yields_schemas_graphql_core_accepts(fixture_set: FixtureSet) -> None:
    """The router reads the supergraph with graphql-core; clients validate against the API schema."""
    result = compose(fixture_set.subgraphs)
    assert result.supergraph_sdl is not None and result.api_schema_sdl is not None
    for sdl in (result.supergraph_sdl, result.api_schema_sdl):
        schema = build_schema(sdl)
        assert validate_schema(schema) == []

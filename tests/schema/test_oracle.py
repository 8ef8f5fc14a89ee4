"""Interoperability: our composer and ``@theguild/federation-composition`` agree on the corpus.

Same verdict for every set; for valid sets, semantically equal supergraph and API schema
(normalised by ``_testkit.normalize_supergraph``); for invalid sets, our expected code is among the
oracle's. A set whose ``expected.yaml`` has ``oracle_difference`` documents a deliberate
difference and is checked to still differ, so the note cannot go stale.
"""

from __future__ import annotations

import difflib
from typing import Any

import pytest

from schema import api_schema_from_supergraph, compose, diff_api_schemas

from ._testkit import FixtureSet, load_fixture_sets, normalize_supergraph

SETS = load_fixture_sets()
#: The oracle wrapper reports graphql-js parse failures as PARSE_ERROR.
_EQUIVALENT_CODES = {"PARSE_ERROR": "INVALID_GRAPHQL"}


def _agreement(fixture_set: FixtureSet, oracle: dict[str, Any]) -> str | None:
    """``None`` when we agree with the oracle, else a readable description of the difference."""
    ours = compose(fixture_set.subgraphs)
    oracle_valid = "errors" not in oracle
    if ours.ok != oracle_valid:
        theirs = [e["code"] for e in oracle.get("errors", [])]
        ours_codes = [e.code for e in ours.errors]
        return f"verdict differs: ours ok={ours.ok} {ours_codes}, oracle ok={oracle_valid} {theirs}"
    if not ours.ok:
        oracle_codes = {_EQUIVALENT_CODES.get(e["code"], e["code"]) for e in oracle["errors"]}
        if not set(fixture_set.expected_errors) & oracle_codes:
            return f"codes differ: expected {fixture_set.expected_errors}, oracle {sorted(oracle_codes)}"
        if any(e["code"] in _EQUIVALENT_CODES for e in oracle["errors"]):
            return "oracle used an equivalent code"
        return None
    assert ours.supergraph_sdl is not None and ours.api_schema_sdl is not None
    for label, theirs_sdl, our_sdl in (
        ("supergraph", oracle["supergraphSdl"], ours.supergraph_sdl),
        ("API schema", oracle["publicSdl"], ours.api_schema_sdl),
    ):
        a, b = normalize_supergraph(theirs_sdl), normalize_supergraph(our_sdl)
        if a != b:
            return f"{label} differs:\n" + "\n".join(
                difflib.unified_diff(a, b, "oracle", "ours", lineterm="", n=0)
            )
    return None


@pytest.mark.parametrize("fixture_set", SETS, ids=[s.name for s in SETS])
def test_composition_agrees_with_the_oracle(fixture_set: FixtureSet, oracle_results: dict[str, Any]) -> None:
    difference = _agreement(fixture_set, oracle_results[fixture_set.name])
    if fixture_set.oracle_difference:
        assert difference is not None, "listed as a deliberate difference, but we now agree: drop the note"
    else:
        assert difference is None, difference


def test_deliberate_differences_are_few_and_explained() -> None:
    deliberate = [s for s in SETS if s.oracle_difference]
    assert len(deliberate) <= 7
    assert all(len(s.oracle_difference or "") > 40 for s in deliberate)


@pytest.mark.parametrize("fixture_set", [s for s in SETS if s.valid], ids=[s.name for s in SETS if s.valid])
def test_api_schema_derived_from_the_oracles_supergraph_has_no_changes_against_ours(
    fixture_set: FixtureSet, oracle_results: dict[str, Any]
) -> None:
    """``supergraph check`` may diff against a base another composer wrote; that must be quiet."""
    oracle = oracle_results[fixture_set.name]
    if "errors" in oracle:
        pytest.skip("the oracle rejects this set (a listed deliberate difference)")
    ours = compose(fixture_set.subgraphs)
    assert ours.api_schema_sdl is not None
    assert diff_api_schemas(api_schema_from_supergraph(oracle["supergraphSdl"]), ours.api_schema_sdl) == []


def test_a_missing_node_is_reported_so_ci_can_fail_instead_of_skipping(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """conftest turns OracleUnavailable into a skip locally and a failure when CI=true."""
    from . import _testkit

    monkeypatch.setattr(_testkit.shutil, "which", lambda _name: None)
    with pytest.raises(_testkit.OracleUnavailable, match="node is not installed"):
        _testkit.ensure_oracle()

"""Planner testkit: load a named fixture supergraph, plan an operation, compare the text form."""

from __future__ import annotations

import textwrap
from functools import cache
from pathlib import Path

from graphql import parse, validate

from router.planner import plan, print_plan
from router.supergraph import Supergraph, load_supergraph

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@cache
def supergraph(name: str) -> Supergraph:
    return load_supergraph((FIXTURES / f"{name}.graphql").read_text())


def plan_text(
    fixture: str,
    operation: str,
    operation_name: str | None = None,
    *,
    override_labels: frozenset[str] = frozenset(),
) -> str:
    sg = supergraph(fixture)
    document = parse(operation)
    errors = validate(sg.api_schema, document)
    assert not errors, errors
    return print_plan(plan(sg, document, operation_name, override_labels=override_labels))


def assert_plan(
    fixture: str,
    operation: str,
    expected: str,
    operation_name: str | None = None,
    *,
    override_labels: frozenset[str] = frozenset(),
) -> None:
    got = plan_text(fixture, operation, operation_name, override_labels=override_labels)
    assert got == textwrap.dedent(expected).strip(), "\n" + got

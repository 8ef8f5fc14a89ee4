"""Every fetch the planner makes is a valid operation for its subgraph, and runs after its inputs.

Checked on random operations.

Random operations over each composed fixture (fixed seeds, so failures reproduce; with aliases and
variable @skip/@include) are planned and
each fetch's document is validated against the subgraph's own schema: no field, fragment or type
a subgraph does not have, no conflicting response keys, every variable declared.
"""

from __future__ import annotations

import random

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLUnionType,
    get_named_type,
    parse,
    validate,
)

from router.planner import plan

from .testkit import FIXTURES, check_plan, supergraph

SCENARIOS = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())
OPERATIONS_PER_SCENARIO = 10


def _literal(type_: object) -> str:
    named = get_named_type(type_)  # type: ignore[arg-type]
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    if isinstance(type_, GraphQLList):
        return f"[{_literal(type_.of_type)}]"
    if isinstance(named, GraphQLEnumType):
        return next(iter(named.values))
    if isinstance(named, GraphQLInputObjectType):
        return "{}"
    if isinstance(named, GraphQLScalarType) and named.name in ("Int", "Float"):
        return "1"
    if isinstance(named, GraphQLScalarType) and named.name == "Boolean":
        return "true"
    return '"1"'


def _selection(schema: object, type_: object, depth: int, rng: random.Random) -> str:
    named = get_named_type(type_)  # type: ignore[arg-type]
    parts: list[str] = []
    if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
        fields = list(named.fields.items())
        for name, field in rng.sample(fields, rng.randint(1, min(4, len(fields)))):
            leaf = isinstance(get_named_type(field.type), GraphQLScalarType | GraphQLEnumType)
            if not leaf and depth == 0:
                continue
            args = [
                f"{a}: {_literal(arg.type)}"
                for a, arg in field.args.items()
                if isinstance(arg.type, GraphQLNonNull)
            ]
            text = (f"{name}{len(parts)}: " if rng.random() < 0.15 else "") + name
            text += f"({', '.join(args)})" if args else ""
            if rng.random() < 0.2:
                text += rng.choice((" @include(if: $v)", " @skip(if: $v)"))
            if not leaf:
                text += " " + _selection(schema, field.type, depth - 1, rng)
            parts.append(text)
    if isinstance(named, GraphQLInterfaceType | GraphQLUnionType):
        possible = sorted(t.name for t in schema.get_possible_types(named))  # type: ignore[attr-defined]
        for name in rng.sample(possible, min(len(possible), rng.randint(1, 2))):
            parts.append(f"... on {name} {_selection(schema, schema.get_type(name), depth, rng)}")  # type: ignore[attr-defined]
    if not parts or rng.random() < 0.2:
        parts.append("__typename")
    return "{ " + " ".join(parts) + " }"


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_random_operations_plan_into_valid_fetches_that_run_after_their_inputs(scenario: str) -> None:
    sg = supergraph(scenario)
    schema = sg.api_schema
    rng = random.Random(scenario)
    planned = 0
    for _ in range(OPERATIONS_PER_SCENARIO):
        root = schema.query_type
        assert root is not None
        selection = _selection(schema, root, 3, rng)
        document = parse(("query ($v: Boolean!) " if "$v" in selection else "") + selection)
        if validate(schema, document):
            continue  # e.g. two fragments selecting one response key with different types
        planned += 1
        check_plan(scenario, plan(sg, document))
    assert planned >= OPERATIONS_PER_SCENARIO // 2

"""Every fetch the planner makes is a valid operation for its subgraph (checked on random operations).

Random operations over each composed fixture (fixed seeds, so failures reproduce) are planned and
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

from router.planner import Condition, Fetch, Flatten, Parallel, PlanNode, Sequence, plan

from .subgraph_schemas import FIXTURES, subgraph_schema
from .testkit import supergraph

SCENARIOS = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())
OPERATIONS_PER_SCENARIO = 15


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
            text = name + (f"({', '.join(args)})" if args else "")
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


def _fetches(node: PlanNode | None) -> list[Fetch]:
    if node is None:
        return []
    if isinstance(node, Fetch):
        return [node]
    if isinstance(node, Flatten):
        return [node.node]
    if isinstance(node, Sequence | Parallel):
        return [f for child in node.nodes for f in _fetches(child)]
    assert isinstance(node, Condition)
    return _fetches(node.if_clause) + _fetches(node.else_clause)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_fetch_of_random_operations_validates_against_its_subgraph(scenario: str) -> None:
    sg = supergraph(scenario)
    schema = sg.api_schema
    rng = random.Random(scenario)
    planned = 0
    for _ in range(OPERATIONS_PER_SCENARIO):
        root = schema.query_type
        assert root is not None
        document = parse(_selection(schema, root, 3, rng))
        if validate(schema, document):
            continue  # e.g. two fragments selecting one response key with different types
        planned += 1
        for fetch in _fetches(plan(sg, document).node):
            errors = validate(subgraph_schema(scenario, fetch.service_name), parse(fetch.operation))
            assert not errors, f"{fetch.service_name}: {fetch.operation}\n{errors}"
    assert planned >= OPERATIONS_PER_SCENARIO // 2

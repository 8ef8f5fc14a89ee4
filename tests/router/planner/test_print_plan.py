"""The text form of plans: every node kind, rewrites, paths with list items and type filters."""

from __future__ import annotations

import textwrap

from router.planner import (
    Condition,
    Fetch,
    FieldSelection,
    Flatten,
    FragmentSelection,
    KeyRenamer,
    Parallel,
    QueryPlan,
    Sequence,
    ValueSetter,
    print_plan,
)

ROOT = Fetch(
    service_name="a", operation="query { t { __typename id } }", selection_text="{ t { __typename id } }"
)
ENTITY = Fetch(
    service_name="b",
    operation="query($r: [_Any!]!) { _entities(representations: $r) { ... on I { x } } }",
    requires=(FragmentSelection(type_condition="T", selections=(FieldSelection(name="__typename"),)),),
    requires_text="{ ... on T { __typename id } }",
    selection_text="{ ... on I { x } }",
    input_rewrites=(ValueSetter(path=("... on T", "__typename"), set_value_to="I"),),
    output_rewrites=(KeyRenamer(path=("... on I", "x__alias_0"), rename_key_to="x"),),
)


def test_an_empty_plan_prints_as_an_empty_block() -> None:
    assert print_plan(QueryPlan()) == "QueryPlan {\n}"


def test_every_node_kind_prints_indented_with_trailing_commas() -> None:
    flatten = Flatten(path=("t", "@", "|[T,U]", "children", "@"), node=ENTITY)
    plan = QueryPlan(
        node=Sequence(
            nodes=(
                ROOT,
                Parallel(
                    nodes=(
                        Condition(condition="x", if_clause=flatten),
                        Condition(condition="y", else_clause=flatten),
                        Condition(condition="z", if_clause=ROOT, else_clause=flatten),
                    )
                ),
            )
        )
    )
    entity = (
        'Fetch(service: "b", inputRewrites: [... on T/__typename = "I"], outputRewrites: '
        "[... on I/x__alias_0 -> x]) { { ... on T { __typename id } } => { ... on I { x } } },"
    )
    expected = f"""
        QueryPlan {{
          Sequence {{
            Fetch(service: "a") {{ {{ t {{ __typename id }} }} }},
            Parallel {{
              Include(if: $x) {{
                Flatten(path: "t.@|[T,U].children.@") {{
                  {entity}
                }},
              }},
              Skip(if: $y) {{
                Flatten(path: "t.@|[T,U].children.@") {{
                  {entity}
                }},
              }},
              Condition(if: $z) {{
                Fetch(service: "a") {{ {{ t {{ __typename id }} }} }},
              }} else {{
                Flatten(path: "t.@|[T,U].children.@") {{
                  {entity}
                }},
              }},
            }},
          }},
        }}
    """
    assert print_plan(plan) == textwrap.dedent(expected).strip()

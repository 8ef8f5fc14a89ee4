"""Planning stays fast: bounded enumeration with a greedy fallback past the cap."""

from __future__ import annotations

import time

import pytest
from graphql import parse

from router.planner import PlanningError, plan, print_plan

from .testkit import supergraph


def test_many_fields_with_several_options_plan_quickly_past_the_enumeration_cap() -> None:
    labels = " ".join(f"l{i}: label" for i in range(40))  # 2**40 assignments: far past the cap
    started = time.perf_counter()
    text = print_plan(plan(supergraph("keys"), parse(f"{{ items {{ {labels} price }} }}")))
    assert time.perf_counter() - started < 2.0
    assert text.count("Fetch(") == 2
    assert 'Fetch(service: "pricing")' in text


def test_a_wide_and_deep_query_plans_in_well_under_a_second() -> None:
    selection = "name inStock shippingEstimate reviews { body author { name reviews { product { name } } } }"
    fields = " ".join(f"a{i}: topProducts {{ {selection} }}" for i in range(20))
    started = time.perf_counter()
    qp = plan(supergraph("shop"), parse(f"{{ {fields} }}"))
    assert time.perf_counter() - started < 1.0
    assert print_plan(qp).count('Fetch(service: "products") { { a0: topProducts') == 1


def test_planning_past_twice_its_time_budget_is_a_planning_error() -> None:
    with pytest.raises(PlanningError, match="took too long"):
        plan(supergraph("shop"), parse("{ me { name } }"), timeout_seconds=0)

"""Apply ``@skip``/``@include`` ("Field Collection" of the GraphQL spec, section 6.3.2).

Literal arguments are decided now; a variable argument becomes a ``VarCondition`` the plan keeps
(a ``Condition`` node, or the directive passed on to the subgraph).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from graphql.language import ast

from .._operation import VarCondition

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["selection_conditions"]


def selection_conditions(directives: Sequence[ast.DirectiveNode] | None) -> tuple[VarCondition, ...] | None:
    """The variable conditions of a selection, or None when a literal ``@skip``/``@include`` drops it."""
    out: list[VarCondition] = []
    for directive in directives or ():
        name = directive.name.value
        if name not in ("skip", "include"):
            continue
        include = name == "include"
        for argument in directive.arguments or ():
            if argument.name.value != "if":
                continue
            value = argument.value
            if isinstance(value, ast.BooleanValueNode):
                if value.value != include:
                    return None
            elif isinstance(value, ast.VariableNode):
                condition = VarCondition(variable=value.name.value, include=include)
                if VarCondition(variable=condition.variable, include=not include) in out:
                    return None  # @skip(if: $x) @include(if: $x) never runs
                if condition not in out:
                    out.append(condition)
    return tuple(sorted(out))

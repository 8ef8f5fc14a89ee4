"""Turn the operation's selection sets into ``OpField``/``OpFragment`` trees, inlining named fragments.

Fragment spreads become inline fragments with the fragment's type condition ("Fragment Spreads",
GraphQL spec 5.5.1); literal ``@skip``/``@include`` are applied on the way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from graphql import print_ast
from graphql.language import ast

from .._operation import OpField, OpFragment, OpSelection, list_depth_of
from ..errors import PlanningError
from ._skip_include import selection_conditions

if TYPE_CHECKING:
    from collections.abc import Mapping

    from router.supergraph import Supergraph

__all__ = ["inline_fragments"]

INTROSPECTION_ROOT_FIELDS = frozenset({"__schema", "__type"})
_ROUTER_DIRECTIVES = frozenset({"skip", "include", "defer", "stream"})


def inline_fragments(
    supergraph: Supergraph,
    type_name: str,
    selection_set: ast.SelectionSetNode | None,
    fragments: Mapping[str, ast.FragmentDefinitionNode],
    *,
    is_root: bool = False,
) -> tuple[OpSelection, ...]:
    """The selections of ``selection_set`` on ``type_name``; ``is_root`` drops fields the router answers."""
    out: list[OpSelection] = []
    for node in selection_set.selections if selection_set else ():
        conditions = selection_conditions(node.directives)
        if conditions is None:
            continue
        if isinstance(node, ast.FieldNode):
            name = node.name.value
            if name == "__typename":
                if not is_root:
                    out.append(
                        OpField(
                            name=name, alias=node.alias.value if node.alias else None, conditions=conditions
                        )
                    )
                continue
            if is_root and name in INTROSPECTION_ROOT_FIELDS:
                continue
            field = supergraph.types[type_name].fields.get(name)
            if field is None:
                raise PlanningError(f"unknown field {type_name}.{name}: validate the operation first")
            out.append(
                OpField(
                    name=name,
                    alias=node.alias.value if node.alias else None,
                    arguments=_arguments(node.arguments),
                    variables=_variables(*(node.arguments or ()), *_passed_on(node)),
                    conditions=conditions,
                    directives="".join(f" {print_ast(d)}" for d in _passed_on(node)),
                    type_name=field.named_type,
                    list_depth=list_depth_of(field.type),
                    selections=inline_fragments(supergraph, field.named_type, node.selection_set, fragments),
                )
            )
        elif isinstance(node, ast.InlineFragmentNode):
            tc = node.type_condition.name.value if node.type_condition else None
            out.append(
                OpFragment(
                    type_condition=tc,
                    conditions=conditions,
                    selections=inline_fragments(
                        supergraph, tc or type_name, node.selection_set, fragments, is_root=is_root
                    ),
                )
            )
        elif isinstance(node, ast.FragmentSpreadNode):
            fragment = fragments.get(node.name.value)
            if fragment is None:
                raise PlanningError(f"unknown fragment {node.name.value!r}")
            tc = fragment.type_condition.name.value
            out.append(
                OpFragment(
                    type_condition=tc,
                    conditions=conditions,
                    selections=inline_fragments(
                        supergraph, tc, fragment.selection_set, fragments, is_root=is_root
                    ),
                )
            )
    return tuple(out)


def _arguments(arguments: tuple[ast.ArgumentNode, ...] | None) -> str:
    if not arguments:
        return ""
    return "(" + ", ".join(print_ast(a) for a in arguments) + ")"


def _passed_on(node: ast.FieldNode) -> tuple[ast.DirectiveNode, ...]:
    """Directives the subgraph gets as written: all but @skip/@include (decided here) and
    @defer/@stream (this router answers without incremental delivery)."""
    return tuple(d for d in node.directives or () if d.name.value not in _ROUTER_DIRECTIVES)


def _variables(*nodes: ast.ArgumentNode | ast.DirectiveNode) -> frozenset[str]:
    names: set[str] = set()

    def visit(value: ast.ValueNode) -> None:
        if isinstance(value, ast.VariableNode):
            names.add(value.name.value)
        elif isinstance(value, ast.ListValueNode):
            for v in value.values:
                visit(v)
        elif isinstance(value, ast.ObjectValueNode):
            for f in value.fields:
                visit(f.value)

    for node in nodes:
        if isinstance(node, ast.DirectiveNode):
            for argument in node.arguments or ():
                visit(argument.value)
        else:
            visit(node.value)
    return frozenset(names)

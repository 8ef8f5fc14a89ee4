"""Turn the operation's selection sets into ``OpField``/``OpFragment`` trees, inlining named fragments.

Fragment spreads become inline fragments with the fragment's type condition ("Fragment Spreads",
GraphQL spec 5.5.1); literal ``@skip``/``@include`` are applied on the way. A fragment with an active
``@defer`` (``if`` true, absent, or a variable the request sets to true) gets a ``DeferMark``: its
number in document order, label, response path and the fragment's text (see ``DeferCollector``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from graphql import print_ast
from graphql.language import ast

from .._operation import DeferMark, OpField, OpFragment, OpSelection, list_depth_of
from ..errors import PlanningError
from ._skip_include import selection_conditions

if TYPE_CHECKING:
    from collections.abc import Mapping

    from router.supergraph import Supergraph

__all__ = ["DeferCollector", "inline_fragments"]

INTROSPECTION_ROOT_FIELDS = frozenset({"__schema", "__type"})
_ROUTER_DIRECTIVES = frozenset({"skip", "include", "defer", "stream"})


@dataclass(slots=True, kw_only=True)
class DeferCollector:
    """The active ``@defer`` fragments found so far, in document order.

    ``variables``: values of the variables ``@defer(if: $v)`` reads (a plan per combination); a
    variable not given takes the argument's default, ``true``.
    """

    variables: Mapping[str, bool]
    marks: list[DeferMark] = field(default_factory=list)

    def mark(
        self,
        node: ast.InlineFragmentNode | ast.FragmentSpreadNode,
        *,
        path: tuple[str, ...],
        parent_type: str,
        parent: int | None,
    ) -> DeferMark | None:
        """The mark of ``node`` when it carries an active ``@defer``, else None."""
        directive = next((d for d in node.directives or () if d.name.value == "defer"), None)
        if directive is None:
            return None
        label: str | None = None
        for argument in directive.arguments or ():
            value = argument.value
            if argument.name.value == "if":
                if isinstance(value, ast.BooleanValueNode) and not value.value:
                    return None
                if isinstance(value, ast.VariableNode) and self.variables.get(value.name.value) is False:
                    return None
            elif argument.name.value == "label" and isinstance(value, ast.StringValueNode):
                label = value.value
        others = tuple(d for d in node.directives or () if d is not directive)
        undeferred: ast.SelectionNode = (
            ast.InlineFragmentNode(
                type_condition=node.type_condition, directives=others, selection_set=node.selection_set
            )
            if isinstance(node, ast.InlineFragmentNode)
            else ast.FragmentSpreadNode(name=node.name, directives=others)
        )
        text = print_ast(ast.SelectionSetNode(selections=(undeferred,)))
        mark = DeferMark(
            id=len(self.marks),
            label=label,
            path=path,
            parent_type=parent_type,
            # One line: the text form prints it (string values keep their content, only layout goes).
            subselection=" ".join(text.split()),
            parent=parent,
        )
        self.marks.append(mark)
        return mark


def inline_fragments(
    supergraph: Supergraph,
    type_name: str,
    selection_set: ast.SelectionSetNode | None,
    fragments: Mapping[str, ast.FragmentDefinitionNode],
    *,
    is_root: bool = False,
    defers: DeferCollector | None = None,
    path: tuple[str, ...] = (),
    parent_defer: int | None = None,
) -> tuple[OpSelection, ...]:
    """The selections of ``selection_set`` on ``type_name``; ``is_root`` drops fields the router answers.

    ``defers`` collects active ``@defer`` fragments (without it ``@defer`` is ignored); ``path`` is
    the response path of the objects ``selection_set`` applies to, ``parent_defer`` the deferred
    fragment it is in.
    """
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
                    selections=inline_fragments(
                        supergraph,
                        field.named_type,
                        node.selection_set,
                        fragments,
                        defers=defers,
                        path=(*path, node.alias.value if node.alias else name)
                        + ("@",) * list_depth_of(field.type),
                        parent_defer=parent_defer,
                    ),
                )
            )
        elif isinstance(node, ast.InlineFragmentNode):
            tc = node.type_condition.name.value if node.type_condition else None
            mark = (
                defers.mark(node, path=path, parent_type=type_name, parent=parent_defer) if defers else None
            )
            out.append(
                OpFragment(
                    type_condition=tc,
                    conditions=conditions,
                    selections=inline_fragments(
                        supergraph,
                        tc or type_name,
                        node.selection_set,
                        fragments,
                        is_root=is_root,
                        defers=defers,
                        path=path,
                        parent_defer=mark.id if mark else parent_defer,
                    ),
                    defer=mark,
                )
            )
        elif isinstance(node, ast.FragmentSpreadNode):
            fragment = fragments.get(node.name.value)
            if fragment is None:
                raise PlanningError(f"unknown fragment {node.name.value!r}")
            tc = fragment.type_condition.name.value
            mark = (
                defers.mark(node, path=path, parent_type=type_name, parent=parent_defer) if defers else None
            )
            out.append(
                OpFragment(
                    type_condition=tc,
                    conditions=conditions,
                    selections=inline_fragments(
                        supergraph,
                        tc,
                        fragment.selection_set,
                        fragments,
                        is_root=is_root,
                        defers=defers,
                        path=path,
                        parent_defer=mark.id if mark else parent_defer,
                    ),
                    defer=mark,
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

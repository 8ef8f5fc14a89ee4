"""The deterministic text form of a plan (what ``supergraph plan`` prints and tests snapshot).

Format as in PLANNER.md: two-space indentation, each child followed by a comma; an entity fetch
prints ``{ requires } => { selection }`` and its rewrites as ``path/segments = "value"`` or
``path/segments -> key``; ``Condition`` prints as ``Include(if: $v)``,
``Skip(if: $v)`` or ``Condition(if: $v) { ... } else { ... }``; ``Defer`` prints ``Primary { ... }``
then each ``Deferred(id: "1", depends: "0", label: "x", path: "a.@", subselection: "{ ... }") { ... }``;
``Subscription`` prints ``Primary { ... }`` then ``Rest { ... }`` when there is a rest.
"""

from __future__ import annotations

import json

from .nodes import (
    Condition,
    Defer,
    Fetch,
    Flatten,
    Parallel,
    PlanNode,
    QueryPlan,
    Rewrite,
    Sequence,
    Subscription,
    ValueSetter,
)

__all__ = ["print_plan"]


def print_plan(plan: QueryPlan) -> str:
    """The plan as indented text."""
    lines = ["QueryPlan {"]
    if plan.node is not None:
        _node(plan.node, 1, lines)
    lines.append("}")
    return "\n".join(lines)


def _path(path: tuple[str, ...]) -> str:
    out = ""
    for segment in path:
        if segment.startswith("|[") or not out:
            out += segment
        else:
            out += "." + segment
    return out


def _node(node: PlanNode, depth: int, lines: list[str]) -> None:
    pad = "  " * depth
    if isinstance(node, Fetch):
        body = (
            f"{node.requires_text} => {node.selection_text}" if node.is_entity_fetch else node.selection_text
        )
        options = "".join(
            f", {label}: [{', '.join(_rewrite(r) for r in rewrites)}]"
            for label, rewrites in (
                ("inputRewrites", node.input_rewrites),
                ("outputRewrites", node.output_rewrites),
                ("contextRewrites", node.context_rewrites),
            )
            if rewrites
        )
        lines.append(f'{pad}Fetch(service: "{node.service_name}"{options}) {{ {body} }},')
    elif isinstance(node, Flatten):
        lines.append(f'{pad}Flatten(path: "{_path(node.path)}") {{')
        _node(node.node, depth + 1, lines)
        lines.append(f"{pad}}},")
    elif isinstance(node, Sequence | Parallel):
        lines.append(f"{pad}{type(node).__name__} {{")
        for child in node.nodes:
            _node(child, depth + 1, lines)
        lines.append(f"{pad}}},")
    elif isinstance(node, Defer):
        lines.append(f"{pad}Defer {{")
        lines.append(f"{pad}  Primary {{")
        if node.primary is not None:
            _node(node.primary, depth + 2, lines)
        lines.append(f"{pad}  }},")
        for deferred in node.deferred:
            options = f'id: "{deferred.id}"'
            if deferred.depends is not None:
                options += f', depends: "{deferred.depends}"'
            if deferred.label is not None:
                options += f", label: {json.dumps(deferred.label)}"
            options += f', path: "{_path(deferred.query_path)}"'
            options += f", subselection: {json.dumps(deferred.subselection)}"
            lines.append(f"{pad}  Deferred({options}) {{")
            if deferred.node is not None:
                _node(deferred.node, depth + 2, lines)
            lines.append(f"{pad}  }},")
        lines.append(f"{pad}}},")
    elif isinstance(node, Subscription):
        lines.append(f"{pad}Subscription {{")
        lines.append(f"{pad}  Primary {{")
        _node(node.primary, depth + 2, lines)
        lines.append(f"{pad}  }},")
        if node.rest is not None:
            lines.append(f"{pad}  Rest {{")
            _node(node.rest, depth + 2, lines)
            lines.append(f"{pad}  }},")
        lines.append(f"{pad}}},")
    elif isinstance(node, Condition):
        if node.if_clause is not None and node.else_clause is None:
            lines.append(f"{pad}Include(if: ${node.condition}) {{")
            _node(node.if_clause, depth + 1, lines)
        elif node.if_clause is None and node.else_clause is not None:
            lines.append(f"{pad}Skip(if: ${node.condition}) {{")
            _node(node.else_clause, depth + 1, lines)
        else:
            lines.append(f"{pad}Condition(if: ${node.condition}) {{")
            if node.if_clause is not None:
                _node(node.if_clause, depth + 1, lines)
            lines.append(f"{pad}}} else {{")
            if node.else_clause is not None:
                _node(node.else_clause, depth + 1, lines)
        lines.append(f"{pad}}},")


def _rewrite(rewrite: Rewrite) -> str:
    path = "/".join(rewrite.path)
    if isinstance(rewrite, ValueSetter):
        return f"{path} = {json.dumps(rewrite.set_value_to)}"
    return f"{path} -> {rewrite.rename_key_to}"

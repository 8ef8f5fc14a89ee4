"""Supergraph SDL -> API schema SDL, for supergraphs we did not just compose (e.g. the git base).

The API schema is what clients see: the supergraph without the core/join machinery
(``@link``, ``join__*``, ``link__*``), without ``@tag``/``@inaccessible`` applications and without
anything ``@inaccessible`` (the inaccessible spec, v0.2). Works on any composer's output, so
``supergraph check`` can diff against a base committed by another tool.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    DirectiveDefinitionNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    InputObjectTypeDefinitionNode,
    InterfaceTypeDefinitionNode,
    ObjectTypeDefinitionNode,
    ScalarTypeDefinitionNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    UnionTypeDefinitionNode,
    parse,
    print_ast,
    value_from_ast_untyped,
)

__all__ = ["api_schema_from_supergraph"]

_SPEC_DIRECTIVES = frozenset(
    {
        "link",
        "tag",
        "inaccessible",
        "authenticated",
        "requiresScopes",
        "policy",
        "context",
        "cost",
        "listSize",
    }
)
_SPEC_PREFIXES = ("join__", "link__", "context__", "requiresScopes__", "policy__", "federation__")


def _is_spec_name(name: str, renamed: frozenset[str] = frozenset()) -> bool:
    return name in _SPEC_DIRECTIVES or name in renamed or name.startswith(_SPEC_PREFIXES)


def _renamed_cost_directives(document: DocumentNode) -> frozenset[str]:
    """Local names the cost spec's ``@link`` gives its directives (``import: [{name: "@cost", as: ...}]``)."""
    names: set[str] = set()
    for d in document.definitions:
        if not isinstance(d, SchemaDefinitionNode | SchemaExtensionNode):
            continue
        for directive in d.directives or ():
            args = {a.name.value: value_from_ast_untyped(a.value) for a in directive.arguments or ()}
            if directive.name.value != "link" or "/cost/" not in str(args.get("url", "")):
                continue
            prefix = str(args.get("as") or "cost")
            names.update({prefix, f"{prefix}__listSize"})
            for item in args.get("import") or ():
                if isinstance(item, dict) and item.get("as"):
                    names.add(str(item["as"]).removeprefix("@"))
    return frozenset(names)


def _inaccessible(node: Any) -> bool:
    return any(d.name.value == "inaccessible" for d in getattr(node, "directives", None) or ())


def _visible_directives(node: Any, renamed: frozenset[str] = frozenset()) -> tuple[Any, ...]:
    return tuple(
        d for d in getattr(node, "directives", None) or () if not _is_spec_name(d.name.value, renamed)
    )


def _copy(node: Any, **changes: Any) -> Any:
    values = {key: getattr(node, key) for key in node.keys}
    values.update(changes)
    return type(node)(**values)


def api_schema_from_supergraph(supergraph_sdl: str) -> str:
    """Strip the join machinery and every ``@inaccessible`` element; print what clients see."""
    document = parse(supergraph_sdl, no_location=True)
    renamed = _renamed_cost_directives(document)
    hidden_types = {
        d.name.value
        for d in document.definitions
        if hasattr(d, "name") and not isinstance(d, DirectiveDefinitionNode) and _inaccessible(d)
    }
    definitions: list[Any] = []
    for d in document.definitions:
        if isinstance(d, SchemaDefinitionNode | SchemaExtensionNode):
            continue
        name = d.name.value  # type: ignore[attr-defined]
        if _is_spec_name(name, renamed) or name in hidden_types:
            continue
        if isinstance(d, DirectiveDefinitionNode):
            definitions.append(d)
            continue
        changes: dict[str, Any] = {"directives": _visible_directives(d, renamed)}
        if isinstance(d, ObjectTypeDefinitionNode | InterfaceTypeDefinitionNode):
            changes["fields"] = tuple(
                _copy(
                    f,
                    directives=_visible_directives(f, renamed),
                    arguments=tuple(
                        _copy(a, directives=_visible_directives(a, renamed))
                        for a in f.arguments or ()
                        if not _inaccessible(a)
                    ),
                )
                for f in d.fields or ()
                if not _inaccessible(f)
            )
            changes["interfaces"] = tuple(i for i in d.interfaces or () if i.name.value not in hidden_types)
        elif isinstance(d, InputObjectTypeDefinitionNode):
            changes["fields"] = tuple(
                _copy(f, directives=_visible_directives(f, renamed))
                for f in d.fields or ()
                if not _inaccessible(f)
            )
        elif isinstance(d, EnumTypeDefinitionNode):
            changes["values"] = tuple(
                _copy(v, directives=_visible_directives(v, renamed))
                for v in d.values or ()
                if not _inaccessible(v)
            )
        elif isinstance(d, UnionTypeDefinitionNode):
            changes["types"] = tuple(t for t in d.types or () if t.name.value not in hidden_types)
        elif not isinstance(d, ScalarTypeDefinitionNode):
            continue
        definitions.append(_copy(d, **changes))
    return print_ast(DocumentNode(definitions=tuple(definitions))) + "\n"

"""Resolve ``@link`` imports and ``as:`` renames to the directive names a supergraph actually uses.

Implements the naming rules of the core schema / link spec v1.0: a spec's own directive is named
``@<alias>`` (``as:`` or the spec name), its other elements ``<alias>__<name>``, unless imported, in
which case they are named as imported (``"@key"`` or ``{name: "@key", as: "@myKey"}``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from graphql import value_from_ast_untyped

from .errors import UnsupportedSupergraphError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from graphql import DocumentNode

__all__ = ["Link", "read_links"]

_URL = re.compile(r"/(?P<name>[A-Za-z_][A-Za-z0-9_-]*)/v(?P<major>\d+)\.(?P<minor>\d+)/?$")


@dataclass(frozen=True, slots=True, kw_only=True)
class Link:
    """One ``@link`` on the schema."""

    url: str
    spec: str
    version: tuple[int, int]
    alias: str
    imports: Mapping[str, str]
    """element name in the spec (``@key``, ``FieldSet``) -> local name."""

    def directive(self, name: str) -> str:
        """Local name (without ``@``) of the spec directive ``name``."""
        imported = self.imports.get("@" + name)
        if imported is not None:
            return imported.lstrip("@")
        if name == self.spec:
            return self.alias
        return f"{self.alias}__{name}"

    def owns(self, name: str, *, is_directive: bool) -> bool:
        """Whether a local type or directive name belongs to this spec."""
        if name.startswith(self.alias + "__"):
            return True
        if is_directive:
            return name == self.alias or ("@" + name) in {v for v in self.imports.values()}
        return name in {v for v in self.imports.values() if not v.startswith("@")}


def read_links(document: DocumentNode) -> tuple[Link, ...]:
    """Every ``@link`` applied to the schema definition or its extensions."""
    out: list[Link] = []
    for definition in document.definitions:
        if definition.kind not in ("schema_definition", "schema_extension"):
            continue
        for directive in getattr(definition, "directives", None) or ():
            args = {a.name.value: value_from_ast_untyped(a.value) for a in directive.arguments or ()}
            if directive.name.value == "core" or "feature" in args:
                raise UnsupportedSupergraphError(
                    "this is a federation 1 supergraph (@core): recompose it with a federation 2 composer "
                    "(join spec v0.3 or newer)"
                )
            url = args.get("url")
            if not isinstance(url, str):
                continue
            out.append(_link(url, args))
    return tuple(out)


def _link(url: str, args: dict[str, Any]) -> Link:
    m = _URL.search(url)
    if m is None:
        raise UnsupportedSupergraphError(f"cannot read the spec name and version of @link(url: {url!r})")
    spec = m["name"]
    alias = args.get("as") or spec
    imports: dict[str, str] = {}
    for item in args.get("import") or ():
        if isinstance(item, str):
            imports[item] = item
        elif isinstance(item, dict) and isinstance(item.get("name"), str):
            imports[item["name"]] = str(item.get("as") or item["name"])
    return Link(
        url=url,
        spec=spec,
        version=(int(m["major"]), int(m["minor"])),
        alias=str(alias),
        imports=MappingProxyType(imports),
    )

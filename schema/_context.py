"""The context spec's small grammar: ``@fromContext(field:)`` references and ``@context`` names.

Federation 2.8 lets a type set a named context (``@context(name: "user")``) and an argument
below it read a value from there (``@fromContext(field: "$user { id }")``). The reference is
``$`` + a GraphQL name + a selection on the context's type; the selection is kept verbatim,
because the supergraph's ``join__field(contextArguments:)`` carries it as the subgraph wrote it.
"""

from __future__ import annotations

import re

from ._model import ContextReference

__all__ = ["context_name_in_supergraph", "is_valid_context_name", "parse_context_reference"]

#: What GraphQL ignores between tokens: whitespace, commas, BOM and ``#`` comments.
_IGNORED = re.compile(r"(?:[ \t\r\n,\ufeff]|#[^\r\n]*)*")
_NAME = re.compile(r"[_A-Za-z][_A-Za-z0-9]*")
_CONTEXT_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*")


def parse_context_reference(field: str) -> ContextReference:
    """Split ``"$name selection"`` into the context name and the selection text after it."""
    position = _skip_ignored(field, 0)
    if not field.startswith("$", position):
        return ContextReference(field=field, context=None, selection="")
    name = _NAME.match(field, _skip_ignored(field, position + 1))
    if name is None:
        return ContextReference(field=field, context=None, selection="")
    return ContextReference(field=field, context=name.group(), selection=field[name.end() :])


def is_valid_context_name(name: str) -> bool:
    """Context names are ASCII letters then letters or digits (no ``_``: the supergraph adds ``graph__``)."""
    return _CONTEXT_NAME.fullmatch(name) is not None


def context_name_in_supergraph(graph: str, name: str) -> str:
    """Contexts are per subgraph; the supergraph qualifies them with the subgraph's name."""
    return f"{graph}__{name}"


def _skip_ignored(text: str, position: int) -> int:
    match = _IGNORED.match(text, position)
    return match.end() if match else position

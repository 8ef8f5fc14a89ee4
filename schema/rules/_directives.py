"""Custom directives: ``@composeDirective`` must name one directive, defined alike everywhere.

Type-system directives of a subgraph do not reach the supergraph unless the subgraph asks with
``@composeDirective(name:)`` (federation 2.1). The named directive must be defined in that
subgraph, must not be a federation or built-in directive, and every subgraph composing it must
define it with the same arguments, since the supergraph can hold only one definition
(``DIRECTIVE_COMPOSITION_ERROR``). Executable directives are kept by the composer when every
subgraph defines them alike (see ``schema._compose``).
"""

from __future__ import annotations

from collections.abc import Iterator

from .._merge import Supergraph
from .._subgraph import FEDERATION_DIRECTIVES
from ..errors import CompositionError

_RESERVED = frozenset({"deprecated", "specifiedBy", "include", "skip", "oneOf", "defer", "stream", "link"})


def check_directives(supergraph: Supergraph) -> Iterator[CompositionError]:
    """Validate every ``@composeDirective`` and the definitions it composes."""
    definitions: dict[str, list[tuple[str, dict[str, str]]]] = {}
    for g, subgraph in sorted(supergraph.subgraphs.items()):
        for name in subgraph.composed_directives:
            if name in FEDERATION_DIRECTIVES or name in _RESERVED:
                yield CompositionError(
                    code="DIRECTIVE_COMPOSITION_ERROR",
                    message=(
                        f'[{g}] Directive "@{name}" should not be explicitly manually composed since it'
                        " is a built-in or federation directive."
                    ),
                    subgraph=g,
                    coordinate=f"@{name}",
                )
                continue
            definition = subgraph.directive_definitions.get(name)
            if definition is None:
                yield CompositionError(
                    code="DIRECTIVE_COMPOSITION_ERROR",
                    message=(
                        "Could not find matching directive definition for argument to @composeDirective"
                        f' "@{name}"'
                        f' in subgraph "{g}".'
                    ),
                    subgraph=g,
                    coordinate=f"@{name}",
                )
                continue
            shape = {arg.name: f"{arg.type}={arg.default}" for arg in definition.args.values()}
            definitions.setdefault(name, []).append((g, shape))
    for name, shapes in sorted(definitions.items()):
        first_graph, first = shapes[0]
        for g, shape in shapes[1:]:
            if shape != first:
                yield CompositionError(
                    code="DIRECTIVE_COMPOSITION_ERROR",
                    message=(
                        f'Composed directive "@{name}" has incompatible definitions: its arguments in'
                        " subgraph"
                        f' "{g}" differ from those in subgraph "{first_graph}".'
                    ),
                    subgraph=g,
                    coordinate=f"@{name}",
                )

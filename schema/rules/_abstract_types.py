"""Interfaces and unions across subgraphs: implementations must carry every interface field.

Interfaces merge by union of fields and implementations by union of ``implements``, so a field
one subgraph adds to an interface must exist on every type implementing it in the supergraph
(``INTERFACE_FIELD_NO_IMPLEM``); union members are unioned and need no check beyond
:mod:`schema.rules._types`. Fields an ``@interfaceObject`` adds are given to implementations
by the merge, so they never trip this rule.
"""

from __future__ import annotations

from collections.abc import Iterator

from .._merge import Supergraph
from ..errors import CompositionError


def check_abstract_types(supergraph: Supergraph) -> Iterator[CompositionError]:
    """``INTERFACE_FIELD_NO_IMPLEM`` for each implementation missing an interface field."""
    for interface in supergraph.types.values():
        if interface.kind != "INTERFACE":
            continue
        for name in supergraph.possible_types(interface.name):
            implementation = supergraph.types[name]
            implementing_graph = next(
                (g for g, t in sorted(implementation.by_graph.items()) if interface.name in t.interfaces),
                None,
            )
            for field_name, f in interface.fields.items():
                if field_name in implementation.fields:
                    continue
                declared_in = sorted(f.by_graph)[0] if f.by_graph else "?"
                yield CompositionError(
                    code="INTERFACE_FIELD_NO_IMPLEM",
                    message=(
                        f'Interface field "{interface.name}.{field_name}" is declared in subgraph'
                        f' "{declared_in}" but'
                        f' type "{name}", which implements "{interface.name}" in subgraph'
                        f' "{implementing_graph}" does'
                        f' not have field "{field_name}".'
                    ),
                    subgraph=implementing_graph,
                    coordinate=f"{name}.{field_name}",
                )

"""``@interfaceObject``: a subgraph adds fields to an interface it sees as an object type.

Federation 2.3: the router resolves such fields by turning an implementation into the
interface's key, so the interface must be an *entity* interface (``@key``) in some subgraph that
defines it as an interface, and the ``@interfaceObject`` type needs a ``@key`` itself
(``INTERFACE_OBJECT_USAGE_ERROR``).
"""

from __future__ import annotations

from collections.abc import Iterator

from .._merge import Supergraph
from ..errors import CompositionError


def check_interface_objects(supergraph: Supergraph) -> Iterator[CompositionError]:
    """Each ``@interfaceObject`` needs a keyed interface elsewhere and a key of its own."""
    for t in supergraph.types.values():
        if not t.interface_object_graphs:
            continue
        interface_graphs = [g for g, named in sorted(t.by_graph.items()) if not named.interface_object]
        keyed = [g for g in interface_graphs if t.by_graph[g].keys]
        for g in t.interface_object_graphs:
            if not t.by_graph[g].keys:
                yield CompositionError(
                    code="INTERFACE_OBJECT_USAGE_ERROR",
                    message=(
                        f"[{g}] The @interfaceObject directive can only be applied to entity types but type"
                        f' "{t.name}" has no @key in this subgraph.'
                    ),
                    subgraph=g,
                    coordinate=t.name,
                )
            elif not keyed:
                where = (
                    f'it is an interface in subgraph "{interface_graphs[0]}" without any @key'
                    if interface_graphs
                    else "no subgraph defines it as an interface"
                )
                yield CompositionError(
                    code="INTERFACE_OBJECT_USAGE_ERROR",
                    message=(
                        f'Type "{t.name}" is declared with @interfaceObject in subgraph "{g}" but {where}; an'
                        " @interfaceObject needs an interface with @key in some subgraph."
                    ),
                    subgraph=g,
                    coordinate=t.name,
                )

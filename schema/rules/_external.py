"""``@external`` across subgraphs: it must point at a real definition and be used.

An ``@external`` field says "another subgraph resolves this; I only reference it". So some
subgraph must define it without ``@external`` (``EXTERNAL_MISSING_ON_BASE``), with a compatible
type (``EXTERNAL_TYPE_MISMATCH``), and the declaring subgraph must use it in a ``@key``,
``@requires`` or ``@provides`` or to satisfy an interface (``EXTERNAL_UNUSED``).
"""

from __future__ import annotations

from collections.abc import Iterator

from .._merge import Supergraph
from ..errors import CompositionError
from ._common import subgraphs_phrase


def check_external(supergraph: Supergraph) -> Iterator[CompositionError]:
    """Report missing bases, type mismatches and unused ``@external`` fields."""
    for t in supergraph.types.values():
        if t.kind != "OBJECT":
            continue
        for f in t.fields.values():
            externals = sorted(g for g, fd in f.by_graph.items() if fd.external)
            if not externals:
                continue
            resolving = sorted(g for g, fd in f.by_graph.items() if not fd.external)
            coordinate = f"{t.name}.{f.name}"
            if not resolving:
                yield CompositionError(
                    code="EXTERNAL_MISSING_ON_BASE",
                    message=(
                        f'Field "{coordinate}" is marked @external on all the subgraphs in which it is listed'
                        f" ({subgraphs_phrase(externals)})."
                    ),
                    subgraph=externals[0],
                    coordinate=coordinate,
                )
                continue
            base_graph = resolving[0]
            for g in externals:
                if (g, t.name, f.name) in supergraph.key_fields:
                    continue  # a key field only has to identify the entity
                if f.by_graph[g].type != f.type:
                    yield CompositionError(
                        code="EXTERNAL_TYPE_MISMATCH",
                        message=(
                            f'Type of field "{coordinate}" is incompatible across subgraphs (where marked'
                            " @external):"
                            f' it has type "{f.type}" in subgraph "{base_graph}" but type'
                            f' "{f.by_graph[g].type}" in subgraph "{g}"'
                        ),
                        subgraph=g,
                        coordinate=coordinate,
                    )
            for g in externals:
                if supergraph.subgraphs[g].is_fed1:
                    continue
                usage = (g, t.name, f.name)
                if (
                    usage in supergraph.key_fields
                    or usage in supergraph.required
                    or usage in supergraph.provided
                ):
                    continue
                if _satisfies_interface(supergraph, g, t.name, f.name):
                    continue
                yield CompositionError(
                    code="EXTERNAL_UNUSED",
                    message=(
                        f'[{g}] Field "{coordinate}" is marked @external but is not used in any'
                        " federation directive"
                        " (@key, @provides, @requires) or to satisfy an interface; the field declaration"
                        " has no use"
                        " and should be removed (or the field should not be @external)."
                    ),
                    subgraph=g,
                    coordinate=coordinate,
                )


def _satisfies_interface(supergraph: Supergraph, graph: str, type_name: str, field_name: str) -> bool:
    subgraph = supergraph.subgraphs[graph]
    named = subgraph.types[type_name]
    for interface in named.interfaces:
        interface_type = subgraph.types.get(interface)
        if interface_type is not None and field_name in interface_type.fields:
            return True
    return False

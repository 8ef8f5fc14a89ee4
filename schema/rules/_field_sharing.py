"""Field sharing: a field resolved by several subgraphs must be ``@shareable`` in all of them.

Implements "Sharing types and fields" of federation 2: by default each field has exactly one
owner, so two subgraphs cannot silently disagree on a value. Fields selected by a key
(nested ones included) are shareable implicitly, ``@external`` definitions do not resolve, a
subgraph whose field was moved away with ``@override`` no longer resolves it, and federation 1
subgraphs share everything.
"""

from __future__ import annotations

from collections.abc import Iterator

from .._merge import Supergraph
from ..errors import CompositionError
from ._common import subgraphs_phrase


def check_field_sharing(supergraph: Supergraph) -> Iterator[CompositionError]:
    """``INVALID_FIELD_SHARING`` for every object field resolved non-shareably from 2+ subgraphs."""
    for t in supergraph.types.values():
        if t.kind != "OBJECT":
            continue
        for f in t.fields.values():
            overridden = {fd.override for fd in f.by_graph.values() if fd.override}
            resolving = sorted(g for g, fd in f.by_graph.items() if not fd.external and g not in overridden)
            if len(resolving) < 2:
                continue
            non_shareable = [
                g
                for g in resolving
                if not f.by_graph[g].shareable and (g, t.name, f.name) not in supergraph.key_fields
            ]
            if not non_shareable:
                continue
            where = "all of them" if len(non_shareable) == len(resolving) else subgraphs_phrase(non_shareable)
            yield CompositionError(
                code="INVALID_FIELD_SHARING",
                message=(
                    f'Non-shareable field "{t.name}.{f.name}" is resolved from multiple subgraphs: it is'
                    " resolved"
                    f" from {subgraphs_phrase(resolving)} and defined as non-shareable in {where}"
                ),
                subgraph=non_shareable[0],
                coordinate=f"{t.name}.{f.name}",
            )

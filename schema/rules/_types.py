"""Types and field types agree across subgraphs: ``TYPE_KIND_MISMATCH``, ``FIELD_TYPE_MISMATCH``.

A name means one type in the supergraph, so every subgraph must define it as the same kind
(an ``@interfaceObject`` counts as the interface it stands for), and a field's type where it is
resolved must be, in every subgraph, a subtype of one subgraph's type (a non-null form, an
implementation of the interface, a member of the union, a list of such): the supergraph takes
that most general type and records each subgraph's own with ``@join__field(type:)``. Nullability
that differs in opposite directions at two levels (``[String!]`` and ``[String]!``) has no such
type, so it is a mismatch.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise

from .._merge import Supergraph, is_named_subtype
from .._typeref import output_supertype
from ..errors import CompositionError
from ._common import KIND_NAMES


def check_types(supergraph: Supergraph) -> Iterator[CompositionError]:
    """Report kind mismatches, then output field type mismatches (non-external definitions)."""
    kinds: dict[str, dict[str, str]] = {}
    for graph, subgraph in supergraph.subgraphs.items():
        for named in subgraph.types.values():
            kind = "INTERFACE" if named.interface_object else named.kind
            kinds.setdefault(named.name, {})[graph] = kind
    for type_name, by_graph in sorted(kinds.items()):
        distinct = sorted(set(by_graph.values()))
        if len(distinct) > 1:
            first, second = distinct[0], distinct[1]
            g1 = next(g for g, k in sorted(by_graph.items()) if k == first)
            g2 = next(g for g, k in sorted(by_graph.items()) if k == second)
            yield CompositionError(
                code="TYPE_KIND_MISMATCH",
                message=(
                    f'Type "{type_name}" has mismatched kind: it is defined as {KIND_NAMES[first]} in'
                    " subgraph"
                    f' "{g1}" but {KIND_NAMES[second]} in subgraph "{g2}"'
                ),
                subgraph=g2,
                coordinate=type_name,
            )
    for t in supergraph.types.values():
        for f in t.fields.values():
            resolved = [(g, fd) for g, fd in sorted(f.by_graph.items()) if not fd.external]
            for (g1, f1), (g2, f2) in pairwise(resolved):
                if not _compatible(supergraph, f.type, f1.type, f2.type):
                    yield CompositionError(
                        code="FIELD_TYPE_MISMATCH",
                        message=(
                            f'Type of field "{t.name}.{f.name}" is incompatible across subgraphs: it has type'
                            f' "{f1.type}" in subgraph "{g1}" but type "{f2.type}" in subgraph "{g2}"'
                        ),
                        subgraph=g2,
                        coordinate=f"{t.name}.{f.name}",
                    )
                    break


def _compatible(supergraph: Supergraph, merged: str, a: str, b: str) -> bool:
    """Both fit the supergraph's type (which is one of the subgraphs' own, see ``_merge``).

    Checked against the merged type rather than pairwise: ``Book`` and ``Movie`` from two
    subgraphs are fine when a third returns ``Media``, and so are ``[String!]`` and ``[String]!``
    when a third returns ``[String]``; alone, those two have no common type and do not compose.
    """
    return all(
        output_supertype(merged, t, lambda sub, sup: is_named_subtype(supergraph.types, sub, sup)) == merged
        for t in (a, b)
    )

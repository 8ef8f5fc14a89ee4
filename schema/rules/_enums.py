"""Enum merging by use: ``ENUM_VALUE_MISMATCH``, ``EMPTY_MERGED_ENUM_TYPE``.

An enum only used as output gets the union of values (a client must be ready for any of them);
one only used as input gets the intersection (every subgraph must accept what a client sends);
one used both ways must define the same values everywhere. The merge applies the union or
intersection; these rules report when that is impossible or leaves nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

from .._merge import Supergraph
from .._typeref import named_type
from ..errors import CompositionError


def check_enums(supergraph: Supergraph) -> Iterator[CompositionError]:
    """Check every enum against how the subgraphs use it."""
    for t in supergraph.types.values():
        if t.kind != "ENUM":
            continue
        as_input, as_output = supergraph.enum_usage.get(t.name, (False, False))
        if as_input and as_output:
            graphs = sorted(t.by_graph)
            for value in t.values.values():
                missing = [g for g in graphs if g not in value.graphs]
                if not missing:
                    continue
                input_example, output_example = _examples(supergraph, t.name)
                yield CompositionError(
                    code="ENUM_VALUE_MISMATCH",
                    message=(
                        f'Enum type "{t.name}" is used as both input type (for example, as type of'
                        f' "{input_example}") and output type (for example, as type of'
                        f' "{output_example}"), but value'
                        f' "{value.name}" is not defined in all the subgraphs defining "{t.name}":'
                        f' "{value.name}" is'
                        f' defined in subgraph "{sorted(value.graphs)[0]}" but not in subgraph "{missing[0]}"'
                    ),
                    subgraph=missing[0],
                    coordinate=f"{t.name}.{value.name}",
                )
        if not t.values:
            yield CompositionError(
                code="EMPTY_MERGED_ENUM_TYPE",
                message=(
                    f'None of the values of enum type "{t.name}" are defined consistently in all the'
                    " subgraphs"
                    " defining that type. As only values common to all subgraphs are merged, this would"
                    " result in"
                    " an empty type."
                ),
                coordinate=t.name,
            )


def _examples(supergraph: Supergraph, enum: str) -> tuple[str, str]:
    """One input and one output coordinate using ``enum``, for the message."""
    input_example = output_example = ""
    for t in supergraph.types.values():
        for f in t.fields.values():
            if not output_example and named_type(f.type) == enum:
                output_example = f"{t.name}.{f.name}"
            for arg in f.args.values():
                if not input_example and named_type(arg.type) == enum:
                    input_example = f"{t.name}.{f.name}({arg.name}:)"
        for input_field in t.input_fields.values():
            if not input_example and named_type(input_field.type) == enum:
                input_example = f"{t.name}.{input_field.name}"
    return input_example, output_example

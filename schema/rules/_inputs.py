"""Arguments and input objects merge by intersection, so they must agree where they overlap.

A client sends arguments and input objects to whichever subgraph resolves the field, so the
supergraph keeps only what every subgraph accepts. That makes a *required* argument or input
field that some subgraph lacks an error (``REQUIRED_ARGUMENT_MISSING_IN_SOME_SUBGRAPH``,
``REQUIRED_INPUT_FIELD_MISSING_IN_SOME_SUBGRAPH``), as are type and default mismatches
(``FIELD_ARGUMENT_TYPE_MISMATCH``, ``FIELD_TYPE_MISMATCH``, ``*_DEFAULT_MISMATCH``) and an input
object left with no field (``EMPTY_MERGED_INPUT_TYPE``).

Types may differ only in their outer nullability (``[String]`` and ``[String]!`` merge to the
latter); a difference inside a list (``[String]`` and ``[String!]``) is a mismatch, as the oracle
(``@theguild/federation-composition``) has it. Apollo's composer would accept some of those; being
stricter never yields a supergraph the router cannot serve.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from itertools import pairwise

from .._merge import Supergraph
from .._model import Argument
from ..errors import CompositionError
from ._common import is_required


def check_inputs_and_arguments(supergraph: Supergraph) -> Iterator[CompositionError]:
    """Check field arguments of objects/interfaces and fields of input objects."""
    for t in supergraph.types.values():
        if t.kind in ("OBJECT", "INTERFACE"):
            for f in t.fields.values():
                if f.from_interface_object:
                    continue
                per_graph = {g: fd.args for g, fd in sorted(f.by_graph.items())}
                yield from _check_values(per_graph, f"{t.name}.{f.name}", argument=True)
        elif t.kind == "INPUT_OBJECT":
            per_graph = {g: named.input_fields for g, named in sorted(t.by_graph.items())}
            yield from _check_values(per_graph, t.name, argument=False)
            if not t.input_fields:
                yield CompositionError(
                    code="EMPTY_MERGED_INPUT_TYPE",
                    message=(
                        f'None of the fields of input object type "{t.name}" are consistently defined in'
                        " all the"
                        " subgraphs defining that type. As only fields common to all subgraphs are"
                        " merged, this"
                        " would result in an empty type."
                    ),
                    coordinate=t.name,
                )


def _check_values(
    per_graph: Mapping[str, Mapping[str, Argument]], owner: str, *, argument: bool
) -> Iterator[CompositionError]:
    names: list[str] = []
    for values in per_graph.values():
        names += [n for n in values if n not in names]
    for name in names:
        coordinate = f"{owner}({name}:)" if argument else f"{owner}.{name}"
        label = f'Argument "{coordinate}"' if argument else f'Input object field "{coordinate}"'
        defined = [(g, values[name]) for g, values in per_graph.items() if name in values]
        missing = [g for g, values in per_graph.items() if name not in values]
        required = [g for g, value in defined if is_required(value.type, value.default)]
        if missing and required:
            code = (
                "REQUIRED_ARGUMENT_MISSING_IN_SOME_SUBGRAPH"
                if argument
                else "REQUIRED_INPUT_FIELD_MISSING_IN_SOME_SUBGRAPH"
            )
            yield CompositionError(
                code=code,
                message=(
                    f"{label} is required in some subgraphs but does not appear in all subgraphs: it is"
                    " required in"
                    f' subgraph "{required[0]}" but does not appear in subgraph "{missing[0]}"'
                ),
                subgraph=missing[0],
                coordinate=coordinate,
            )
        for (g1, v1), (g2, v2) in pairwise(defined):
            if v1.type.removesuffix("!") != v2.type.removesuffix("!"):
                kind = "argument" if argument else "field"
                yield CompositionError(
                    code="FIELD_ARGUMENT_TYPE_MISMATCH" if argument else "FIELD_TYPE_MISMATCH",
                    message=(
                        f'Type of {kind} "{coordinate}" is incompatible across subgraphs: it has type'
                        f' "{v1.type}" in'
                        f' subgraph "{g1}" but type "{v2.type}" in subgraph "{g2}"'
                    ),
                    subgraph=g2,
                    coordinate=coordinate,
                )
                break
        defaults = [(g, v.default) for g, v in defined if v.default is not None]
        for (g1, d1), (g2, d2) in pairwise(defaults):
            if d1 != d2:
                yield CompositionError(
                    code="FIELD_ARGUMENT_DEFAULT_MISMATCH" if argument else "INPUT_FIELD_DEFAULT_MISMATCH",
                    message=(
                        f'{"Argument" if argument else "Input field"} "{coordinate}" has incompatible'
                        " default values"
                        f' across subgraphs: it has default value {d1} in subgraph "{g1}" but default'
                        f" value {d2} in"
                        f' subgraph "{g2}"'
                    ),
                    subgraph=g2,
                    coordinate=coordinate,
                )
                break

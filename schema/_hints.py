"""Composition hints: what composed fine but probably is not what the subgraph authors meant.

A hint never fails composition. Each notices something the merge decided silently: an argument,
input field or input enum value dropped because one subgraph lacks it, an output enum value only
some subgraphs can return, a field type that differs but is compatible (nullability, or a
subtype: an implementation or union member of the merged type), descriptions that
disagree, an enum nothing uses, an ``@override`` whose old field could go or whose source
subgraph does not exist. Codes are the ones Apollo's composition documents for the same
situations (``INCONSISTENT_ARGUMENT_PRESENCE``, ``UNUSED_ENUM_TYPE``, ...), so they can be looked up.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ._merge import MergedField, MergedType, Supergraph, is_named_subtype
from ._model import Argument, Field
from ._typeref import is_output_subtype, parse_type_ref
from .errors import Finding
from .rules._common import subgraphs_phrase

__all__ = ["CompositionHint", "collect_hints"]


@dataclass(frozen=True, slots=True, kw_only=True)
class CompositionHint(Finding):
    """One non-fatal finding of composition: never fails ``compose`` or ``check``."""


def collect_hints(supergraph: Supergraph) -> list[CompositionHint]:
    """Every hint for a merged supergraph, in a stable order (by type, then rule)."""
    hints: list[CompositionHint] = []
    for name in sorted(supergraph.types):
        t = supergraph.types[name]
        hints += _descriptions(t)
        if t.kind in ("OBJECT", "INTERFACE"):
            hints += _fields(supergraph, t)
        elif t.kind == "INPUT_OBJECT":
            hints += _input_fields(t)
        elif t.kind == "ENUM":
            hints += _enum(supergraph, t)
    return hints


def _hint(code: str, message: str, coordinate: str, subgraph: str | None = None) -> CompositionHint:
    return CompositionHint(code=code, message=message, subgraph=subgraph, coordinate=coordinate)


def _inconsistent_descriptions(coordinate: str, by_graph: dict[str, str | None]) -> Iterator[CompositionHint]:
    """INCONSISTENT_DESCRIPTION: the supergraph keeps one description; the others are lost."""
    described = {g: " ".join(d.split()) for g, d in sorted(by_graph.items()) if d and d.strip()}
    if len(set(described.values())) < 2:
        return
    kept_graph = next(iter(described))
    others = [g for g, d in described.items() if d != described[kept_graph]]
    yield _hint(
        "INCONSISTENT_DESCRIPTION",
        f'Element "{coordinate}" has inconsistent descriptions across subgraphs: the supergraph uses the'
        f' one of subgraph "{kept_graph}"; {subgraphs_phrase(others)} describe it differently.',
        coordinate,
    )


def _descriptions(t: MergedType) -> Iterator[CompositionHint]:
    yield from _inconsistent_descriptions(t.name, {g: n.description for g, n in t.by_graph.items()})
    for f in t.fields.values():
        yield from _inconsistent_descriptions(
            f"{t.name}.{f.name}", {g: d.description for g, d in f.by_graph.items()}
        )


def _fields(supergraph: Supergraph, t: MergedType) -> Iterator[CompositionHint]:
    for f in t.fields.values():
        coordinate = f"{t.name}.{f.name}"
        defining = sorted(f.by_graph)
        yield from _compatible_field_types(supergraph, coordinate, f)
        yield from _argument_presence(coordinate, defining, f.by_graph)
        yield from _override(supergraph, t, coordinate, f.by_graph)


def _compatible_field_types(
    supergraph: Supergraph, coordinate: str, f: MergedField
) -> Iterator[CompositionHint]:
    """INCONSISTENT_BUT_COMPATIBLE_FIELD_TYPE: some subgraphs return a subtype of the supergraph's
    type: a non-null form (``String!`` for ``String``), an implementation of its interface or a
    member of its union (``Book`` for ``Media``), or a list of such. Clients see only the general
    type, so a subgraph's stronger promise is lost on them."""
    merged = parse_type_ref(f.type)
    differing: dict[str, list[str]] = {}
    for g in sorted(f.by_graph):
        own = f.by_graph[g]
        if own.external or own.type == f.type:
            continue
        if not is_output_subtype(
            parse_type_ref(own.type), merged, lambda sub, sup: is_named_subtype(supergraph.types, sub, sup)
        ):
            return  # not compatible: an error of rules._types, not a hint
        differing.setdefault(own.type, []).append(g)
    if not differing:
        return
    defined_as = " and ".join(
        f'{subgraphs_phrase(graphs)} {"defines" if len(graphs) == 1 else "define"} it as "{own_type}"'
        for own_type, graphs in differing.items()
    )
    yield _hint(
        "INCONSISTENT_BUT_COMPATIBLE_FIELD_TYPE",
        f'Type of field "{coordinate}" is inconsistent but compatible across subgraphs: the supergraph'
        f' uses "{f.type}" but {defined_as}.',
        coordinate,
    )


def _argument_presence(
    coordinate: str, defining: list[str], by_graph: dict[str, Field]
) -> Iterator[CompositionHint]:
    """INCONSISTENT_ARGUMENT_PRESENCE: an optional argument not every subgraph has is dropped."""
    seen: dict[str, list[tuple[str, Argument]]] = {}
    for g in defining:
        for arg in by_graph[g].args.values():
            seen.setdefault(arg.name, []).append((g, arg))
    for name, per_graph in seen.items():
        present = [g for g, _ in per_graph]
        if len(present) == len(defining) or any(arg.from_context for _, arg in per_graph):
            continue
        missing = [g for g in defining if g not in present]
        yield _hint(
            "INCONSISTENT_ARGUMENT_PRESENCE",
            f'Optional argument "{coordinate}({name}:)" will not be included in the supergraph as it does not'
            f" appear in all subgraphs: it is defined in {subgraphs_phrase(present)} but not in"
            f" {subgraphs_phrase(missing)}.",
            f"{coordinate}({name}:)",
        )


def _override(
    supergraph: Supergraph, t: MergedType, coordinate: str, by_graph: dict[str, Field]
) -> Iterator[CompositionHint]:
    for g in sorted(by_graph):
        source = by_graph[g].override
        if source is None or source == g:
            continue
        if source not in supergraph.subgraphs:
            yield _hint(
                "FROM_SUBGRAPH_DOES_NOT_EXIST",
                f'Source subgraph "{source}" for field "{coordinate}" on subgraph "{g}" does not exist.',
                coordinate,
                g,
            )
            continue
        if source not in by_graph or by_graph[g].override_label:
            continue
        used = (source, t.name, coordinate.removeprefix(f"{t.name}."))
        if (
            used not in supergraph.key_fields
            and used not in supergraph.required
            and used not in supergraph.provided
        ):
            yield _hint(
                "OVERRIDDEN_FIELD_CAN_BE_REMOVED",
                f'Field "{coordinate}" on subgraph "{source}" is overridden by subgraph "{g}"; consider removing'
                f' it from "{source}".',
                coordinate,
                source,
            )


def _input_fields(t: MergedType) -> Iterator[CompositionHint]:
    """INCONSISTENT_INPUT_OBJECT_FIELD: an optional input field not every subgraph has is dropped."""
    defining = sorted(t.by_graph)
    for g in defining:
        for name in t.by_graph[g].input_fields:
            if name in t.input_fields:
                continue
            present = [x for x in defining if name in t.by_graph[x].input_fields]
            if present[0] != g:
                continue  # one hint per field, from the first subgraph that has it
            missing = [x for x in defining if x not in present]
            yield _hint(
                "INCONSISTENT_INPUT_OBJECT_FIELD",
                f'Input object field "{t.name}.{name}" will not be included in the supergraph as it does not'
                f" appear in all subgraphs: it is defined in {subgraphs_phrase(present)} but not in"
                f" {subgraphs_phrase(missing)}.",
                f"{t.name}.{name}",
            )


def _enum(supergraph: Supergraph, t: MergedType) -> Iterator[CompositionHint]:
    as_input, as_output = supergraph.enum_usage.get(t.name, (False, False))
    defining = sorted(t.by_graph)
    if not as_input and not as_output:
        yield _hint(
            "UNUSED_ENUM_TYPE",
            f'Enum type "{t.name}" is defined but unused. It will be included in the supergraph with all the'
            " values appearing in any subgraph (as if it was only used as an output type).",
            t.name,
        )
        return
    if as_input and as_output:
        return  # values must match everywhere: ENUM_VALUE_MISMATCH, an error, covers it
    values = sorted({v for g in defining for v in t.by_graph[g].values})
    for value in values:
        present = [g for g in defining if value in t.by_graph[g].values]
        if len(present) == len(defining):
            continue
        missing = [g for g in defining if g not in present]
        coordinate = f"{t.name}.{value}"
        if as_input:
            yield _hint(
                "INCONSISTENT_ENUM_VALUE_FOR_INPUT_ENUM",
                f'Value "{value}" of enum type "{t.name}" will not be part of the supergraph as it is not'
                f' defined in all the subgraphs defining "{t.name}": it is defined in'
                f" {subgraphs_phrase(present)} but not in {subgraphs_phrase(missing)}.",
                coordinate,
            )
        else:
            yield _hint(
                "INCONSISTENT_ENUM_VALUE_FOR_OUTPUT_ENUM",
                f'Value "{value}" of enum type "{t.name}" has been added to the supergraph but is only defined'
                f' in a subset of the subgraphs defining "{t.name}": it is defined in'
                f" {subgraphs_phrase(present)} but not in {subgraphs_phrase(missing)}.",
                coordinate,
            )

"""Demand control: ``@cost`` and ``@listSize`` (federation 2.9, cost spec v0.1) must be usable.

The router estimates an operation's cost from these directives, so each must say something it can
apply. ``@cost`` is not allowed on interface fields or their arguments, whose cost is the
implementation's (``COST_APPLIED_TO_INTERFACE_FIELD``). ``@listSize`` belongs on a list field, or on
a field whose ``sizedFields`` are lists (``LIST_SIZE_INVALID_SIZED_FIELD``,
``LIST_SIZE_APPLIED_TO_NON_LIST``); its slicing arguments must be ``Int`` arguments of the field
(``LIST_SIZE_INVALID_SLICING_ARGUMENT``) and its assumed size not negative
(``LIST_SIZE_INVALID_ASSUMED_SIZE``). Across subgraphs, a slicing argument that is not in every
subgraph of the field is disregarded, and a field left with none is an error; ``@cost``/``@listSize``
must be imported under one name everywhere (``LINK_IMPORT_NAME_MISMATCH``), since the supergraph
holds one. Messages and codes are the ones ``@theguild/federation-composition`` reports.
"""

from __future__ import annotations

from collections.abc import Iterator

from .._merge import Supergraph
from .._model import Field, ListSize, NamedType, Subgraph
from .._typeref import named_type, parse_type_ref
from ..errors import CompositionError

_MALFORMED = {
    "assumedSize": ("LIST_SIZE_INVALID_ASSUMED_SIZE", "must be an integer"),
    "slicingArguments": ("LIST_SIZE_INVALID_SLICING_ARGUMENT", "must be a list of strings"),
    "sizedFields": ("LIST_SIZE_INVALID_SIZED_FIELD", "must be a list of strings"),
    "requireOneSlicingArgument": (
        "LIST_SIZE_INVALID_REQUIRE_ONE_SLICING_ARGUMENT",
        "must be a boolean when defined",
    ),
}


def check_cost_directives(subgraph: Subgraph) -> Iterator[CompositionError]:
    """Each ``@cost`` and ``@listSize`` of one subgraph is where it may be and says something valid."""
    for named in subgraph.types.values():
        if named.kind not in ("OBJECT", "INTERFACE"):
            continue
        for f in named.fields.values():
            coordinate = f"{named.name}.{f.name}"
            if named.kind == "INTERFACE":
                if f.cost is not None:
                    yield _error(
                        subgraph,
                        coordinate,
                        "COST_APPLIED_TO_INTERFACE_FIELD",
                        f'@cost cannot be applied to interface "{coordinate}"',
                    )
                for arg in f.args.values():
                    if arg.cost is not None:
                        yield _error(
                            subgraph,
                            f"{coordinate}({arg.name}:)",
                            "COST_APPLIED_TO_INTERFACE_FIELD",
                            f'@cost cannot be applied to interface "{coordinate}" argument "{arg.name}"',
                        )
            if f.list_size is not None:
                yield from _check_list_size(subgraph, coordinate, f, f.list_size)


def _check_list_size(
    subgraph: Subgraph, coordinate: str, f: Field, list_size: ListSize
) -> Iterator[CompositionError]:
    """Implements the checks of the cost spec's ``@listSize`` section, first failure per field."""
    quoted = f'"{coordinate}"'
    if list_size.malformed is not None:
        code, must = _MALFORMED[list_size.malformed]
        yield _error(subgraph, coordinate, code, f"The value of @listSize({list_size.malformed}:) {must}")
        return
    if list_size.assumed_size is not None and list_size.assumed_size < 0:
        yield _error(
            subgraph,
            coordinate,
            "LIST_SIZE_INVALID_ASSUMED_SIZE",
            f"{quoted} has negative @listSize(assumedSize:) value",
        )
        return
    if not list_size.sized_fields and not _is_list(f.type):
        yield _error(
            subgraph,
            coordinate,
            "LIST_SIZE_INVALID_SIZED_FIELD",
            f"{quoted} is not a list. Try to add @listSize(sizedFields:) argument.",
        )
        return
    if list_size.sized_fields:
        target = subgraph.types.get(named_type(f.type))
        if target is None or target.kind not in ("OBJECT", "INTERFACE"):
            yield _error(
                subgraph,
                coordinate,
                "LIST_SIZE_INVALID_SIZED_FIELD",
                f"{quoted} has @listSize(sizedFields:) applied, but the output type is not a composite type",
            )
            return
        problems = list(_sized_field_problems(subgraph, coordinate, target, list_size.sized_fields))
        yield from problems
        if problems:
            return
    for name in list_size.slicing_arguments or ():
        arg = f.args.get(name)
        if arg is None:
            problem = "that does not exist"
        elif not _is_int(arg.type):
            problem = "that is not an integer"
        else:
            continue
        yield _error(
            subgraph,
            coordinate,
            "LIST_SIZE_INVALID_SLICING_ARGUMENT",
            f'{quoted} references "{name}" argument in @listSize(slicingArguments:) {problem}.',
        )


def _sized_field_problems(
    subgraph: Subgraph, coordinate: str, target: NamedType, sized_fields: tuple[str, ...]
) -> Iterator[CompositionError]:
    quoted = f'"{coordinate}"'
    for name in sized_fields:
        sized = target.fields.get(name)
        if sized is not None and not _is_list(sized.type):
            yield _error(
                subgraph,
                coordinate,
                "LIST_SIZE_APPLIED_TO_NON_LIST",
                f'{quoted} references "{name}" field in @listSize(sizedFields:) argument that is not a list.',
            )
    for name in sized_fields:
        if name not in target.fields:
            yield _error(
                subgraph,
                coordinate,
                "LIST_SIZE_INVALID_SIZED_FIELD",
                f'{quoted} references "{name}" field in @listSize(sizedFields:) argument that does not exist.',
            )


def check_list_size_across_subgraphs(supergraph: Supergraph) -> Iterator[CompositionError]:
    """Slicing arguments must survive merging; ``@cost``/``@listSize`` have one name everywhere."""
    for t in supergraph.types.values():
        for f in t.fields.values():
            given = any(fd.list_size and fd.list_size.slicing_arguments for fd in f.by_graph.values())
            if given and f.list_size is not None and not f.list_size.slicing_arguments:
                yield CompositionError(
                    code="LIST_SIZE_INVALID_SLICING_ARGUMENT",
                    message=(
                        f'All arguments for @listSize(slicingArguments:) on field "{t.name}.{f.name}" were'
                        " disregarded. For an argument to be valid, it must be defined in every subgraph"
                        " where the field exists."
                    ),
                    coordinate=f"{t.name}.{f.name}",
                )
    for canonical in ("cost", "listSize"):
        by_name: dict[str, list[str]] = {}
        for g, subgraph in sorted(supergraph.subgraphs.items()):
            local = subgraph.cost_imports.get(canonical)
            if local is not None:
                by_name.setdefault(local, []).append(g)
        if len(by_name) > 1:
            spellings = " and ".join(
                f'"@{name}" in subgraph{"s" if len(gs) > 1 else ""} ' + ", ".join(f'"{g}"' for g in gs)
                for name, gs in by_name.items()
            )
            yield CompositionError(
                code="LINK_IMPORT_NAME_MISMATCH",
                message=(
                    f'The import name "@{canonical}" is imported with mismatched name between subgraphs:'
                    f" it is imported as {spellings}"
                ),
                coordinate=f"@{canonical}",
            )


def _is_list(type_text: str) -> bool:
    return parse_type_ref(type_text).name is None


def _is_int(type_text: str) -> bool:
    return parse_type_ref(type_text).name == "Int"


def _error(subgraph: Subgraph, coordinate: str, code: str, message: str) -> CompositionError:
    return CompositionError(
        code=code, message=f"[{subgraph.name}] {message}", subgraph=subgraph.name, coordinate=coordinate
    )

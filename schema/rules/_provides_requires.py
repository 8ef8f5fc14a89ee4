"""``@requires`` and ``@provides`` in one subgraph: valid field sets over ``@external`` fields.

``@requires(fields:)`` names fields of the parent type that another subgraph resolves and this
one needs first; ``@provides(fields:)`` names fields of the returned entity this subgraph can
resolve on that path. Both only make sense for fields the subgraph marks ``@external`` (it does
not otherwise resolve them), hence ``*_FIELDS_MISSING_EXTERNAL``; the field set must parse and
name existing fields (``*_INVALID_FIELDS``), required fields take no arguments
(``REQUIRES_FIELDS_HAS_ARGS``) and ``@provides`` needs a composite type
(``PROVIDES_ON_NON_OBJECT_FIELD``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from graphql import FieldNode, InlineFragmentNode, SelectionSetNode

from .._fieldset import FieldSetError, parse_field_set
from .._model import Field, NamedType, Subgraph
from .._typeref import named_type
from ..errors import CompositionError

_ErrorFactory = Callable[[str, str], CompositionError]


def check_provides_and_requires(subgraph: Subgraph) -> Iterator[CompositionError]:
    """Validate every ``@requires`` and ``@provides`` in ``subgraph``."""
    for t in subgraph.types.values():
        for f in t.fields.values():
            if f.requires is not None:
                yield from _check(subgraph, t, f, "requires", f.requires, t)
            if f.provides is not None:
                target = subgraph.types.get(named_type(f.type))
                if target is None or target.kind not in ("OBJECT", "INTERFACE", "UNION"):
                    yield CompositionError(
                        code="PROVIDES_ON_NON_OBJECT_FIELD",
                        message=(
                            f'[{subgraph.name}] Invalid @provides directive on field "{t.name}.{f.name}":'
                            " field has"
                            f' type "{f.type}" which is not a Composite Type'
                        ),
                        subgraph=subgraph.name,
                        coordinate=f"{t.name}.{f.name}",
                    )
                    continue
                yield from _check(subgraph, t, f, "provides", f.provides, target)


def _check(
    subgraph: Subgraph, parent: NamedType, f: Field, directive: str, fields: str, target: NamedType
) -> Iterator[CompositionError]:
    code_prefix = directive.upper()
    prefix = f'[{subgraph.name}] On field "{parent.name}.{f.name}", for @{directive}(fields: "{fields}"): '

    def error(code: str, detail: str) -> CompositionError:
        return CompositionError(
            code=f"{code_prefix}_{code}",
            message=prefix + detail,
            subgraph=subgraph.name,
            coordinate=f"{parent.name}.{f.name}",
        )

    try:
        selection_set = parse_field_set(fields)
    except FieldSetError as exc:
        yield error("INVALID_FIELDS", str(exc))
        return
    yield from _walk(subgraph, target, selection_set, error, directive, top_level=True)


def _walk(
    subgraph: Subgraph,
    t: NamedType,
    selection_set: SelectionSetNode,
    error: _ErrorFactory,
    directive: str,
    *,
    top_level: bool,
) -> Iterator[CompositionError]:
    for selection in selection_set.selections:
        if isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition.name.value if selection.type_condition else t.name
            target = subgraph.types.get(condition)
            if target is None:
                yield error("INVALID_FIELDS", f'Unknown type "{condition}".')
            else:
                yield from _walk(
                    subgraph, target, selection.selection_set, error, directive, top_level=top_level
                )
            continue
        assert isinstance(selection, FieldNode)
        name = selection.name.value
        if name == "__typename":
            continue
        field = t.fields.get(name)
        if field is None:
            yield error(
                "INVALID_FIELDS",
                f'Cannot query field "{name}" on type "{t.name}" (if the field is defined in another'
                " subgraph,"
                " you need to add it to this subgraph with @external).",
            )
            continue
        if field.args:
            yield error(
                "FIELDS_HAS_ARGS", f'field "{t.name}.{name}" cannot be included because it has arguments'
            )
        if top_level and not field.external and not subgraph.is_fed1:
            yield error(
                "FIELDS_MISSING_EXTERNAL",
                f'field "{t.name}.{name}" should not be part of a @{directive} since it is already'
                " provided by this subgraph (it is not marked @external)",
            )
        target = subgraph.types.get(named_type(field.type))
        if selection.selection_set is not None:
            if target is None or target.kind in ("SCALAR", "ENUM"):
                yield error(
                    "INVALID_FIELDS",
                    f'Field "{name}" must not have a selection since type "{field.type}" has no subfields.',
                )
            else:
                yield from _walk(subgraph, target, selection.selection_set, error, directive, top_level=False)
        elif target is not None and target.kind in ("OBJECT", "INTERFACE", "UNION"):
            yield error(
                "INVALID_FIELDS",
                f'Field "{t.name}.{name}" of type "{field.type}" must have a selection of subfields.',
            )

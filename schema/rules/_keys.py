"""Entity keys: ``@key(fields:)`` must select existing, argument-free, non-abstract fields.

Implements the ``@key`` rules of the federation spec for one subgraph: the field set parses
(``KEY_INVALID_FIELDS``), names fields the type has (``KEY_INVALID_FIELDS``), selects no field
with arguments (``KEY_FIELDS_HAS_ARGS``) nor of interface/union type
(``KEY_FIELDS_SELECT_INVALID_TYPE``), carries no directives (``KEY_DIRECTIVE_IN_FIELDS_ARG``),
and a key on an interface is repeated on every implementation in that subgraph
(``INTERFACE_KEY_NOT_ON_IMPLEMENTATION``), since the router resolves the interface through them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from graphql import FieldNode, InlineFragmentNode, SelectionSetNode

from .._fieldset import FieldSetError, normalize_field_set, parse_field_set
from .._model import NamedType, Subgraph
from .._typeref import named_type
from ..errors import CompositionError

_ErrorFactory = Callable[[str, str], CompositionError]


def check_keys(subgraph: Subgraph) -> Iterator[CompositionError]:
    """Validate every ``@key`` of every type in ``subgraph``."""
    for t in subgraph.types.values():
        for key in t.keys:
            prefix = f'[{subgraph.name}] On type "{t.name}", for @key(fields: "{key.fields}"): '

            def error(code: str, detail: str, t: NamedType = t, prefix: str = prefix) -> CompositionError:
                return CompositionError(
                    code=code, message=prefix + detail, subgraph=subgraph.name, coordinate=t.name
                )

            try:
                selection_set = parse_field_set(key.fields)
            except FieldSetError as exc:
                yield error("KEY_INVALID_FIELDS", str(exc))
                continue
            yield from _walk(subgraph, t, selection_set, error)
        if t.kind == "INTERFACE" and t.keys:
            yield from _interface_keys_on_implementations(subgraph, t)


def _walk(
    subgraph: Subgraph, t: NamedType, selection_set: SelectionSetNode, make: _ErrorFactory
) -> Iterator[CompositionError]:
    for selection in selection_set.selections:
        if isinstance(selection, InlineFragmentNode):
            yield make("KEY_INVALID_FIELDS", "fragments are not allowed in @key")
            continue
        assert isinstance(selection, FieldNode)
        name = selection.name.value
        if selection.directives:
            yield make(
                "KEY_DIRECTIVE_IN_FIELDS_ARG", f'field "{t.name}.{name}" cannot carry directives in @key'
            )
        f = t.fields.get(name)
        if f is None:
            yield make(
                "KEY_INVALID_FIELDS",
                f'Cannot query field "{name}" on type "{t.name}" (the field should either be added to this'
                " subgraph or, if it should not be resolved by this subgraph, you need to add it to this"
                " subgraph"
                " with @external).",
            )
            continue
        if f.args:
            yield make(
                "KEY_FIELDS_HAS_ARGS",
                f"field {t.name}.{name} cannot be included because it has arguments (fields with argument are"
                " not allowed in @key)",
            )
        target = subgraph.types.get(named_type(f.type))
        if target is not None and target.kind in ("INTERFACE", "UNION"):
            kind = "Interface" if target.kind == "INTERFACE" else "Union"
            yield make(
                "KEY_FIELDS_SELECT_INVALID_TYPE",
                f'field "{t.name}.{name}" is a {kind} type which is not allowed in @key',
            )
            continue
        composite = target is not None and target.kind == "OBJECT"
        if composite and selection.selection_set is None:
            yield make(
                "KEY_INVALID_FIELDS",
                f'Field "{t.name}.{name}" of type "{f.type}" must have a selection of subfields.',
            )
        elif not composite and selection.selection_set is not None:
            yield make(
                "KEY_INVALID_FIELDS",
                f'Field "{name}" must not have a selection since type "{f.type}" has no subfields.',
            )
        elif target is not None and selection.selection_set is not None:
            yield from _walk(subgraph, target, selection.selection_set, make)


def _interface_keys_on_implementations(
    subgraph: Subgraph, interface: NamedType
) -> Iterator[CompositionError]:
    for implementation in subgraph.types.values():
        if interface.name not in implementation.interfaces:
            continue
        own = {normalize_field_set(k.fields) for k in implementation.keys}
        for key in interface.keys:
            if normalize_field_set(key.fields) not in own:
                yield CompositionError(
                    code="INTERFACE_KEY_NOT_ON_IMPLEMENTATION",
                    message=(
                        f'[{subgraph.name}] Key @key(fields: "{key.fields}") on interface type'
                        f' "{interface.name}"'
                        f' is missing on implementation type "{implementation.name}".'
                    ),
                    subgraph=subgraph.name,
                    coordinate=implementation.name,
                )

"""``@inaccessible`` consistency: what is hidden from the API schema leaves it whole.

``@inaccessible`` on any subgraph's definition hides the element from clients (the merge
propagates it). The API schema must still be valid: no visible field, argument or input field
may use a hidden type (``REFERENCED_INACCESSIBLE``), a visible type cannot lose all its fields or
values (``ONLY_INACCESSIBLE_CHILDREN``), a hidden argument or input field cannot be required
(``REQUIRED_INACCESSIBLE``), ``Query`` cannot be hidden (``QUERY_ROOT_TYPE_INACCESSIBLE``) and a
hidden field cannot implement a visible interface field (``IMPLEMENTED_BY_INACCESSIBLE``).
"""

from __future__ import annotations

from collections.abc import Iterator

from .._merge import MergedType, Supergraph
from .._typeref import named_type
from ..errors import CompositionError
from ._common import is_required


def check_inaccessible(supergraph: Supergraph) -> Iterator[CompositionError]:
    """Validate the API schema that hiding ``@inaccessible`` elements leaves."""
    types = supergraph.types

    def hidden(type_name: str) -> bool:
        t = types.get(type_name)
        return t is not None and t.inaccessible

    query = types.get("Query")
    if query is not None and query.inaccessible:
        yield CompositionError(
            code="QUERY_ROOT_TYPE_INACCESSIBLE",
            message=(
                'Type "Query" is @inaccessible but is the root query type, which must be in the API schema.'
            ),
            coordinate="Query",
        )
    for t in types.values():
        if t.inaccessible:
            continue
        for f in t.fields.values():
            coordinate = f"{t.name}.{f.name}"
            if not f.inaccessible and hidden(named_type(f.type)):
                yield _referenced(named_type(f.type), coordinate)
            for arg in f.args.values():
                arg_coordinate = f"{coordinate}({arg.name}:)"
                if f.inaccessible:
                    continue
                if arg.inaccessible and is_required(arg.type, arg.default):
                    yield CompositionError(
                        code="REQUIRED_INACCESSIBLE",
                        message=(
                            f'Argument "{arg_coordinate}" is @inaccessible but is a required argument of'
                            " its field."
                        ),
                        coordinate=arg_coordinate,
                    )
                elif not arg.inaccessible and hidden(named_type(arg.type)):
                    yield _referenced(named_type(arg.type), arg_coordinate)
        for input_field in t.input_fields.values():
            coordinate = f"{t.name}.{input_field.name}"
            if input_field.inaccessible and is_required(input_field.type, input_field.default):
                yield CompositionError(
                    code="REQUIRED_INACCESSIBLE",
                    message=(
                        f'Input field "{coordinate}" is @inaccessible but is a required input field of'
                        " its type."
                    ),
                    coordinate=coordinate,
                )
            elif not input_field.inaccessible and hidden(named_type(input_field.type)):
                yield _referenced(named_type(input_field.type), coordinate)
        if _only_hidden_children(t):
            yield CompositionError(
                code="ONLY_INACCESSIBLE_CHILDREN",
                message=(
                    f'Type "{t.name}" is in the API schema but all of its {_children(t)} are @inaccessible.'
                ),
                coordinate=t.name,
            )
        if t.kind == "OBJECT":
            for interface_name in t.interfaces:
                interface = types.get(interface_name)
                if interface is None or interface.inaccessible:
                    continue
                for name, interface_field in interface.fields.items():
                    own = t.fields.get(name)
                    if own is not None and own.inaccessible and not interface_field.inaccessible:
                        yield CompositionError(
                            code="IMPLEMENTED_BY_INACCESSIBLE",
                            message=(
                                f'Field "{t.name}.{name}" is @inaccessible but implements the interface field'
                                f' "{interface_name}.{name}", which is in the API schema.'
                            ),
                            coordinate=f"{t.name}.{name}",
                        )


def _referenced(type_name: str, coordinate: str) -> CompositionError:
    return CompositionError(
        code="REFERENCED_INACCESSIBLE",
        message=(
            f'Type "{type_name}" is @inaccessible but is referenced by "{coordinate}", which is in the'
            " API schema."
        ),
        coordinate=coordinate,
    )


def _children(t: MergedType) -> str:
    return {"ENUM": "values", "UNION": "members"}.get(t.kind, "fields")


def _only_hidden_children(t: MergedType) -> bool:
    if t.kind in ("OBJECT", "INTERFACE"):
        return bool(t.fields) and all(f.inaccessible for f in t.fields.values())
    if t.kind == "INPUT_OBJECT":
        return bool(t.input_fields) and all(f.inaccessible for f in t.input_fields.values())
    if t.kind == "ENUM":
        return bool(t.values) and all(v.inaccessible for v in t.values.values())
    return False

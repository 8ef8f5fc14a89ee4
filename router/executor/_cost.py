"""Demand control: the static estimated cost of an operation, before any subgraph is called.

Implements the IBM GraphQL Cost Directive spec's field cost with Apollo Router's defaults ('static
estimated' demand control): an object, interface or union costs 1, a scalar or enum 0, a mutation
adds 10 once; ``@cost(weight:)`` replaces a field's (or its type's) weight and adds the weight of
each argument or input field the operation gives; a list multiplies the cost of its items by its
size: the value of a ``@listSize`` slicing argument (``first: 20``, literal or variable), else the
field's ``assumedSize``, else the router's default list size. ``sizedFields`` hands a connection's
size to its lists (``edges``). Fields skipped by ``@skip``/``@include`` cost nothing; fragments on
several types of an abstract field are all counted (an upper bound, as Apollo Router does).

The estimate is compiled once per prepared operation into a small formula whose only inputs are the
variables that change it (slicing arguments, ``@skip(if: $v)``, costed input objects); evaluating
it for a request is a walk over that formula, memoised by those variables' values.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from graphql import (
    BooleanValueNode,
    FieldNode,
    FragmentSpreadNode,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLUnionType,
    InlineFragmentNode,
    IntValueNode,
    OperationType,
    VariableNode,
    get_named_type,
    get_nullable_type,
    value_from_ast_untyped,
)

from ._cache import LruCache
from ._response_errors import client_error

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

    from graphql import (
        FragmentDefinitionNode,
        GraphQLField,
        GraphQLInputType,
        GraphQLOutputType,
        GraphQLSchema,
        OperationDefinitionNode,
        SelectionSetNode,
        ValueNode,
    )

__all__ = [
    "COST_ESTIMATED_TOO_EXPENSIVE",
    "CostFormula",
    "DemandControl",
    "compile_cost",
]

COST_ESTIMATED_TOO_EXPENSIVE = "COST_ESTIMATED_TOO_EXPENSIVE"
_MUTATION_COST = 10

DemandControlMode = Literal["measure", "enforce"]


@dataclass(frozen=True, slots=True, kw_only=True)
class DemandControl:
    """How the Gateway applies cost estimates.

    ``measure`` estimates every operation and reports it (``observer(cost, operation_name)``, and
    ``extensions.cost`` where query plans are shown); ``enforce`` also rejects an operation whose
    estimate exceeds ``max_cost`` with ``COST_ESTIMATED_TOO_EXPENSIVE`` before any subgraph call.
    ``list_size`` is the size assumed for a list without ``@listSize``.
    """

    mode: DemandControlMode = "measure"
    max_cost: int | None = None
    list_size: int = 10
    observer: Callable[[int, str | None], None] | None = None

    def __post_init__(self) -> None:
        if self.mode == "enforce" and self.max_cost is None:
            raise ValueError("demand control in enforce mode needs a maximum cost")
        if self.list_size < 0 or (self.max_cost is not None and self.max_cost < 0):
            raise ValueError("demand control's list size and maximum cost cannot be negative")

    def rejection(self, estimated: int) -> dict[str, Any] | None:
        """The error that rejects an operation of cost ``estimated``, or None when it may run."""
        if self.mode != "enforce" or self.max_cost is None or estimated <= self.max_cost:
            return None
        return client_error(
            f"The operation's estimated cost {estimated} exceeds the maximum cost {self.max_cost}.",
            code=COST_ESTIMATED_TOO_EXPENSIVE,
            extensions={"cost": {"estimated": estimated, "max": self.max_cost}},
        )


# -- the formula ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Size:
    """A list's size: the largest given slicing argument, else ``fallback``.

    ``slicing`` holds literal ints and variable names (str) of the slicing arguments given.
    """

    slicing: tuple[int | str, ...]
    fallback: int

    def value(self, variables: Mapping[str, Any]) -> int:
        given = [
            v
            for s in self.slicing
            if isinstance(v := variables.get(s) if isinstance(s, str) else s, int) and not isinstance(v, bool)
        ]
        return max(given) if given else self.fallback


@dataclass(frozen=True, slots=True)
class _InputCost:
    """The ``@cost`` of the input fields in one argument's value (known only with the variables)."""

    value: ValueNode
    type: GraphQLInputType


@dataclass(frozen=True, slots=True)
class _Field:
    weight: int
    arguments: int
    inputs: tuple[_InputCost, ...]
    size: _Size | None
    children: tuple[_Node, ...]


@dataclass(frozen=True, slots=True)
class _Condition:
    """``@skip(if: $v)``/``@include(if: $v)``: ``children`` count when ``$v`` is ``include_when``."""

    variable: str
    include_when: bool
    children: tuple[_Node, ...]


_Node = _Field | _Condition


@dataclass(slots=True)
class CostFormula:
    """An operation's estimated cost as a function of the variables that change it."""

    base: int
    nodes: tuple[_Node, ...]
    variables: tuple[str, ...]
    input_costs: Mapping[str, Mapping[str, int]]
    _memo: LruCache[str, int] = field(default_factory=lambda: LruCache(64))

    def evaluate(self, variables: Mapping[str, Any]) -> int:
        """The estimate for these (coerced) variable values."""
        if not self.variables:
            key = ""
        else:
            key = json.dumps([variables.get(v) for v in self.variables], sort_keys=True, default=str)
        cached = self._memo.get(key)
        if cached is None:
            cached = self.base + sum(self._cost(node, variables) for node in self.nodes)
            self._memo.put(key, cached)
        return cached

    def _cost(self, node: _Node, variables: Mapping[str, Any]) -> int:
        if isinstance(node, _Condition):
            if (variables.get(node.variable) is True) != node.include_when:
                return 0
            return sum(self._cost(child, variables) for child in node.children)
        own = node.weight + sum(self._cost(child, variables) for child in node.children)
        size = node.size.value(variables) if node.size is not None else 1
        inputs = 0
        for i in node.inputs:
            inputs += _input_cost(value_from_ast_untyped(i.value, dict(variables)), i.type, self.input_costs)
        return size * own + node.arguments + inputs


def _input_cost(value: Any, type_: GraphQLInputType, input_costs: Mapping[str, Mapping[str, int]]) -> int:
    """Sum of the ``@cost`` weights of the input fields present in ``value``, nested ones included."""
    nullable = get_nullable_type(type_)
    if isinstance(nullable, GraphQLList):
        items = value if isinstance(value, list) else [value]
        return sum(_input_cost(item, nullable.of_type, input_costs) for item in items)
    if not isinstance(nullable, GraphQLInputObjectType) or not isinstance(value, dict):
        return 0
    weights = input_costs.get(nullable.name, {})
    total = 0
    for name, item in value.items():
        input_field = nullable.fields.get(name)
        if input_field is None:
            continue
        total += weights.get(name, 0) + _input_cost(item, input_field.type, input_costs)
    return total


# -- compiling ------------------------------------------------------------------------------------


def compile_cost(
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    schema: GraphQLSchema,
    supergraph: Any,
    *,
    list_size: int,
) -> CostFormula:
    """Compile ``operation`` (validated against ``schema``, the API schema) into its cost formula.

    ``supergraph`` is the loaded model (``router.supergraph.Supergraph``) whose types and fields
    carry ``@cost``/``@listSize``; anything without them gets the defaults.
    """
    compiler = _Compiler(schema, getattr(supergraph, "types", {}), fragments, list_size)
    root = schema.get_root_type(operation.operation)
    nodes = compiler.selection_set(operation.selection_set, root) if root is not None else ()
    return CostFormula(
        base=_MUTATION_COST if operation.operation is OperationType.MUTATION else 0,
        nodes=nodes,
        variables=tuple(sorted(compiler.variables)),
        input_costs=compiler.input_costs,
    )


class _Compiler:
    def __init__(
        self,
        schema: GraphQLSchema,
        types: Mapping[str, Any],
        fragments: Mapping[str, FragmentDefinitionNode],
        list_size: int,
    ) -> None:
        self._schema = schema
        self._types = types
        self._fragments = fragments
        self._list_size = list_size
        self.variables: set[str] = set()
        self.input_costs: dict[str, dict[str, int]] = {
            name: {f: sf.cost for f, sf in t.fields.items() if sf.cost is not None}
            for name, t in types.items()
            if getattr(t, "kind", None) == "input" and any(sf.cost is not None for sf in t.fields.values())
        }

    def selection_set(
        self, selection_set: SelectionSetNode, parent: Any, sized: Mapping[str, _Size] | None = None
    ) -> tuple[_Node, ...]:
        nodes: list[_Node] = []
        for selection in selection_set.selections:
            condition = self._condition(selection.directives or ())
            if condition is False:
                continue
            if isinstance(selection, FieldNode):
                compiled: Iterable[_Node] = self._field(selection, parent, sized)
            elif isinstance(selection, InlineFragmentNode):
                target = (
                    self._schema.get_type(selection.type_condition.name.value)
                    if selection.type_condition is not None
                    else parent
                )
                compiled = self.selection_set(selection.selection_set, target, sized)
            else:
                assert isinstance(selection, FragmentSpreadNode)
                fragment = self._fragments[selection.name.value]
                target = self._schema.get_type(fragment.type_condition.name.value)
                compiled = self.selection_set(fragment.selection_set, target, sized)
            if isinstance(condition, tuple):
                nodes.append(_Condition(condition[0], condition[1], tuple(compiled)))
            else:
                nodes.extend(compiled)
        return tuple(nodes)

    def _condition(self, directives: Iterable[Any]) -> bool | tuple[str, bool] | None:
        """False when a literal ``@skip``/``@include`` drops the selection; ``(variable, include_when)``
        when a variable decides it; None when it always counts."""
        for directive in directives:
            name = directive.name.value
            if name not in ("skip", "include"):
                continue
            value = next((a.value for a in directive.arguments or () if a.name.value == "if"), None)
            include_when = name == "include"
            if isinstance(value, BooleanValueNode):
                if value.value != include_when:
                    return False
            elif isinstance(value, VariableNode):
                self.variables.add(value.name.value)
                return value.name.value, include_when
        return None

    def _field(self, node: FieldNode, parent: Any, sized: Mapping[str, _Size] | None) -> tuple[_Node, ...]:
        name = node.name.value
        if name.startswith("__") or not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return ()  # __typename and introspection are answered by the router itself
        definition: GraphQLField | None = parent.fields.get(name)
        if definition is None:
            return ()
        model_type = self._types.get(parent.name)
        model = model_type.fields.get(name) if model_type is not None else None
        named = get_named_type(definition.type)
        weight = self._weight(model, named)
        arguments, inputs = self._arguments(node, definition, model)
        list_size = model.list_size if model is not None else None
        own_size = self._size(node, list_size)
        size: _Size | None = None
        if sized is not None and name in sized:
            size = sized[name]  # a connection's size, handed down by its @listSize(sizedFields:)
        elif list_size is not None and list_size.sized_fields:
            size = own_size if _is_list(definition.type) else None
        elif _is_list(definition.type):
            size = own_size
        child_sized = (
            {f: own_size for f in list_size.sized_fields}
            if list_size is not None and list_size.sized_fields
            else None
        )
        children = (
            self.selection_set(node.selection_set, named, child_sized)
            if node.selection_set is not None
            else ()
        )
        return (_Field(weight, arguments, inputs, size, children),)

    def _weight(self, model: Any, named: Any) -> int:
        if model is not None and model.cost is not None:
            return int(model.cost)
        type_model = self._types.get(named.name)
        if type_model is not None and type_model.cost is not None:
            return int(type_model.cost)
        return 1 if isinstance(named, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType) else 0

    def _arguments(
        self, node: FieldNode, definition: GraphQLField, model: Any
    ) -> tuple[int, tuple[_InputCost, ...]]:
        weights: Mapping[str, int] = model.argument_costs if model is not None else {}
        total = 0
        inputs: list[_InputCost] = []
        for argument in node.arguments or ():
            total += weights.get(argument.name.value, 0)
            arg_definition = definition.args.get(argument.name.value)
            if arg_definition is None or not self._has_input_costs(arg_definition.type):
                continue
            self.variables.update(_variables_in(argument.value))
            inputs.append(_InputCost(argument.value, arg_definition.type))
        return total, tuple(inputs)

    def _has_input_costs(self, type_: GraphQLInputType, seen: frozenset[str] = frozenset()) -> bool:
        named = get_named_type(type_)
        if not isinstance(named, GraphQLInputObjectType) or named.name in seen:
            return False
        if named.name in self.input_costs:
            return True
        return any(self._has_input_costs(f.type, seen | {named.name}) for f in named.fields.values())

    def _size(self, node: FieldNode, list_size: Any) -> _Size:
        if list_size is None:
            return _Size((), self._list_size)
        slicing: list[int | str] = []
        for argument in node.arguments or ():
            if argument.name.value not in list_size.slicing_arguments:
                continue
            if isinstance(argument.value, IntValueNode):
                slicing.append(int(argument.value.value))
            elif isinstance(argument.value, VariableNode):
                self.variables.add(argument.value.name.value)
                slicing.append(argument.value.name.value)
        fallback = list_size.assumed_size if list_size.assumed_size is not None else self._list_size
        return _Size(tuple(slicing), fallback)


def _is_list(type_: GraphQLOutputType) -> bool:
    inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
    return isinstance(inner, GraphQLList)


def _variables_in(value: ValueNode) -> set[str]:
    if isinstance(value, VariableNode):
        return {value.name.value}
    found: set[str] = set()
    for item in getattr(value, "values", None) or ():
        found |= _variables_in(item)
    for object_field in getattr(value, "fields", None) or ():
        found |= _variables_in(object_field.value)
    return found

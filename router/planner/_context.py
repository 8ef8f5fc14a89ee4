"""Bind ``@fromContext`` arguments: read each from the nearest ancestor that sets its context.

Join spec v0.5 ``contextArguments`` ask the router to read a value on an ancestor whose type sets a
``@context`` (the argument's ``selection``, e.g. ``{ currency }`` or ``... on A { x } ... on B { y }``)
and pass it as the argument. This pass runs on the normalized operation, before the walk, and turns
that into things the rest of the planner already knows how to plan (as Apollo's planner does with
its ``contextualArgument_<n>_<i>`` variables and ``contextRewrites``):

- the ancestor's selection set gets the context selection, its top-level fields aliased by the
  variable name (``contextualArgument_1_0: currency``), so the fetch resolving the ancestor returns
  it (through key jumps when another subgraph resolves those fields);
- the field gets the argument as an operation variable (``label(locale: $contextualArgument_1_0)``)
  declared with the argument's type. A contextual field edge is only taken by an entity jump into
  the field's own type (``_walk`` treats it like ``@requires``), so the fetch holding it runs at the
  field's parent and can be given, per entity, the value found by walking up the response;
- ``ContextBindings`` remember, per variable, the rewrite paths from the entity up to the value
  (``..`` per object level, ``... on T``, response keys) and which injected fields the entity fetch
  must wait for (``_fetch_graph`` adds those dependencies, ``_assemble`` the ``contextRewrites``).

Only fields no subgraph resolves plainly are bound (the query graph prefers plain edges). A field
that two subgraphs resolve with different context arguments is refused with ``UNSUPPORTED_FEATURE``;
one whose context no enclosing selection sets cannot be planned (``UnsatisfiableError``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from ._operation import OpField, OpFragment, parse_field_set
from .errors import UnsatisfiableError, UnsupportedFeatureError
from .nodes import KeyRenamer

if TYPE_CHECKING:
    from collections.abc import Mapping

    from router.supergraph import ContextArgument, Supergraph

    from ._operation import OpSelection
    from ._query_graph import QueryGraph
    from .normalize import NormalizedOperation

__all__ = ["ContextBindings", "bind_context_arguments"]

VARIABLE_PREFIX = "contextualArgument"
_FRAGMENT = "... on "
_TYPENAME = OpField(name="__typename")


@dataclass(frozen=True, slots=True, kw_only=True)
class ContextBindings:
    """What the fetch graph and assembly need to know about bound context arguments."""

    rewrites: Mapping[str, tuple[KeyRenamer, ...]] = field(default_factory=dict)
    """variable -> where to read its value from an entity position (alternatives, first found wins)."""
    producers: Mapping[str, str] = field(default_factory=dict)
    """response key of an injected ancestor field -> the variable it carries."""

    def __bool__(self) -> bool:
        return bool(self.rewrites)


NO_BINDINGS = ContextBindings()


def bind_context_arguments(
    graph: QueryGraph, operation: NormalizedOperation
) -> tuple[NormalizedOperation, ContextBindings]:
    """The operation with context selections and argument variables added, and their bindings."""
    if not graph.contextual_fields:
        return operation, NO_BINDINGS
    binder = _Binder(graph)
    selections = binder.rewrite(operation.root_type, operation.selections, [], new_level=True)
    if not binder.rewrites:
        return operation, NO_BINDINGS
    definitions = {**operation.variable_definitions, **binder.definitions}
    bound = replace(operation, selections=selections, variable_definitions=definitions)
    return bound, ContextBindings(rewrites=binder.rewrites, producers=binder.producers)


class _Scope:
    """A selection set being rebuilt (a field's, or an inline fragment's within it)."""

    __slots__ = ("extra", "serial", "type_name")

    def __init__(self, type_name: str, serial: int) -> None:
        self.type_name = type_name
        self.serial = serial
        self.extra: list[OpSelection] = []


_Level = list[_Scope]
"""One object level of the response: the field's selection set and the fragments open inside it."""


class _Binder:
    def __init__(self, graph: QueryGraph) -> None:
        self.graph = graph
        self.sg: Supergraph = graph.supergraph
        self.rewrites: dict[str, tuple[KeyRenamer, ...]] = {}
        self.producers: dict[str, str] = {}
        self.definitions: dict[str, str] = {}
        self._bound: dict[tuple[int, str, str, str], str] = {}
        self._count = 0
        self._scopes = 0

    def rewrite(
        self, type_name: str, selections: tuple[OpSelection, ...], levels: list[_Level], *, new_level: bool
    ) -> tuple[OpSelection, ...]:
        """``selections`` on ``type_name`` with contextual fields bound; ``levels`` are the ancestors.

        ``new_level``: a field's selection set (one object level down); an inline fragment is not.
        """
        if new_level:
            levels.append([])
        self._scopes += 1
        scope = _Scope(type_name, self._scopes)
        levels[-1].append(scope)
        out: list[OpSelection] = []
        for s in selections:
            if isinstance(s, OpField):
                if (type_name, s.name) in self.graph.contextual_fields:
                    s = self._bind(type_name, s, levels)
                if s.selections:
                    sub = self.rewrite(s.type_name, s.selections, levels, new_level=True)
                    s = replace(s, selections=sub)
                out.append(s)
            else:
                sub = self.rewrite(s.type_condition or type_name, s.selections, levels, new_level=False)
                out.append(replace(s, selections=sub))
        levels[-1].pop()
        if new_level:
            levels.pop()
        return (*out, *scope.extra)

    def _bind(self, type_name: str, f: OpField, levels: list[_Level]) -> OpField:
        joins = [
            j
            for j in self.sg.types[type_name].fields[f.name].joins
            if j.context_arguments and j.is_active(self.graph.override_labels)
        ]
        if len(joins) != 1:
            raise UnsupportedFeatureError(
                f'Field "{type_name}.{f.name}" takes @fromContext arguments in several subgraphs'
                f" ({', '.join(sorted(str(j.graph) for j in joins))}), which this router cannot plan."
            )
        arguments: list[str] = []
        variables = set(f.variables)
        for index, argument in enumerate(joins[0].context_arguments):
            variable = self._variable(type_name, f, argument, index, levels)
            arguments.append(f"{argument.name}: ${variable}")
            variables.add(variable)
        text = ", ".join(arguments)
        merged = f"{f.arguments[:-1]}, {text})" if f.arguments else f"({text})"
        return replace(f, arguments=merged, variables=frozenset(variables))

    def _variable(
        self, type_name: str, f: OpField, argument: ContextArgument, index: int, levels: list[_Level]
    ) -> str:
        """The variable carrying ``argument``: its selection injected at the nearest setter.

        Every scope of one level is the same response object; the outermost scope whose own type
        sets the context is preferred (``owners { ... }`` rather than inside ``... on Person``), then
        the outermost whose type gets it from an interface or union.
        """
        for up, level in enumerate(reversed(levels)):
            found = [(scope, self._setter(scope.type_name, argument.context)) for scope in level]
            direct = [(scope, s) for scope, s in found if s == scope.type_name]
            inherited = [(scope, s) for scope, s in found if s is not None]
            if direct or inherited:
                scope, setter = (direct or inherited)[0]
                assert setter is not None
                return self._inject(scope, setter, up, argument, index)
        context = argument.context.split("__", 1)[-1]
        raise UnsatisfiableError(
            f'cannot plan "{type_name}.{f.name}": its argument "{argument.name}" comes from context'
            f' "{context}", which no enclosing selection sets'
        )

    def _setter(self, type_name: str, context: str) -> str | None:
        """The type setting ``context`` for objects of ``type_name``: itself or an abstract type above it."""
        if context in self.sg.types[type_name].contexts:
            return type_name
        for t in sorted(self.sg.types):
            if context in self.sg.types[t].contexts and type_name in self.sg.possible_types(t):
                return t
        return None

    def _inject(self, scope: _Scope, setter: str, up: int, argument: ContextArgument, index: int) -> str:
        selection = argument.selection.strip()
        if selection.startswith("{") and selection.endswith("}"):
            selection = selection[1:-1]
        key = (scope.serial, setter, " ".join(selection.split()), argument.type)
        variable = self._bound.get(key)
        if variable is not None:
            return variable
        self._count += 1
        variable = f"{VARIABLE_PREFIX}_{self._count}_{index}"
        self._bound[key] = variable
        injected, paths = _aliased(parse_field_set(self.sg, setter, selection), variable, ())
        if setter != scope.type_name:
            injected = (OpFragment(type_condition=setter, selections=injected),)
            paths = [(f"{_FRAGMENT}{setter}", *p) for p in paths]
        if any(p[0].startswith(_FRAGMENT) for p in paths) and _TYPENAME not in scope.extra:
            # ``... on T`` is matched against __typename, which a concrete field may not select yet.
            scope.extra.append(_TYPENAME)
        scope.extra.extend(injected)
        self.rewrites[variable] = tuple(
            KeyRenamer(path=("..",) * up + p, rename_key_to=variable) for p in paths
        )
        for p in paths:
            self.producers[next(s for s in p if not s.startswith(_FRAGMENT))] = variable
        self.definitions[variable] = f"${variable}: {argument.type}"
        return variable


def _aliased(
    selections: tuple[OpSelection, ...], variable: str, prefix: tuple[str, ...]
) -> tuple[tuple[OpSelection, ...], list[tuple[str, ...]]]:
    """Alias top-level fields (through fragments) by ``variable``; the response path of each leaf."""
    out: list[OpSelection] = []
    paths: list[tuple[str, ...]] = []
    n = 0
    for s in selections:
        if isinstance(s, OpField):
            alias = variable if n == 0 else f"{variable}_{n}"
            n += 1
            out.append(replace(s, alias=alias))
            paths.extend((*prefix, alias, *leaf) for leaf in _leaves(s.selections))
        else:
            sub, sub_paths = _aliased(s.selections, variable, (*prefix, f"{_FRAGMENT}{s.type_condition}"))
            out.append(replace(s, selections=sub))
            paths.extend(sub_paths)
    return tuple(out), paths


def _leaves(selections: tuple[OpSelection, ...]) -> list[tuple[str, ...]]:
    """Response paths below a field to each scalar it selects (``[()]`` for a scalar field)."""
    if not selections:
        return [()]
    out: list[tuple[str, ...]] = []
    for s in selections:
        if isinstance(s, OpField):
            out.extend((s.response_key, *leaf) for leaf in _leaves(s.selections))
        else:
            out.extend((f"{_FRAGMENT}{s.type_condition}", *leaf) for leaf in _leaves(s.selections))
    return out

"""Which concrete types a type condition covers, answered from the API schema and memoised.

Flatten type filters (``|[Book,Movie]``), fragments in ``requires`` and ``... on T`` rewrite
segments all compare an object's ``__typename`` to a type condition. A condition naming an
interface or union matches its possible types; any name also matches itself (an
``@interfaceObject`` representation carries the interface's name as ``__typename``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from graphql import GraphQLObjectType, is_abstract_type

if TYPE_CHECKING:
    from collections.abc import Callable, Hashable

    from graphql import GraphQLSchema

__all__ = ["PossibleTypes"]

_COMPILED_SIZE = 4096


class PossibleTypes:
    """Memoised ``typename matches condition`` against one schema (build once per schema)."""

    def __init__(self, schema: GraphQLSchema) -> None:
        self._schema = schema
        self._names: dict[str, frozenset[str]] = {}
        self._compiled: dict[Hashable, Any] = {}

    @property
    def schema(self) -> GraphQLSchema:
        return self._schema

    def names(self, condition: str) -> frozenset[str]:
        """The type names an object may carry in ``__typename`` to match ``condition``."""
        names = self._names.get(condition)
        if names is None:
            type_ = self._schema.get_type(condition)
            if type_ is not None and is_abstract_type(type_):
                possible = self._schema.get_possible_types(type_)
                names = frozenset((condition, *(t.name for t in possible)))
            else:
                names = frozenset((condition,))
            self._names[condition] = names
        return names

    def compiled(self, key: Hashable, build: Callable[[], Any]) -> Any:
        """``build()`` memoised under ``key``: per-schema compiled forms of plan parts (a Flatten
        path's walker, a ``requires`` projection), so each request runs them instead of
        re-interpreting the plan. Bounded: cleared when full (plans are cached, keys repeat)."""
        found = self._compiled.get(key)
        if found is None:
            if len(self._compiled) >= _COMPILED_SIZE:
                self._compiled.clear()
            found = self._compiled[key] = build()
        return found

    def is_object_type(self, name: object) -> bool:
        """Whether ``name`` is a concrete (object) type of the schema."""
        return isinstance(name, str) and isinstance(self._schema.get_type(name), GraphQLObjectType)

    def matches(self, typename: object, condition: str) -> bool:
        return isinstance(typename, str) and typename in self.names(condition)

"""Which concrete types a type condition covers, answered from the API schema and memoised.

Flatten type filters (``|[Book,Movie]``), fragments in ``requires`` and ``... on T`` rewrite
segments all compare an object's ``__typename`` to a type condition. A condition naming an
interface or union matches its possible types; any name also matches itself (an
``@interfaceObject`` representation carries the interface's name as ``__typename``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from graphql import GraphQLObjectType, is_abstract_type

if TYPE_CHECKING:
    from graphql import GraphQLSchema

__all__ = ["PossibleTypes"]


class PossibleTypes:
    """Memoised ``typename matches condition`` against one schema (build once per schema)."""

    def __init__(self, schema: GraphQLSchema) -> None:
        self._schema = schema
        self._names: dict[str, frozenset[str]] = {}

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

    def is_object_type(self, name: object) -> bool:
        """Whether ``name`` is a concrete (object) type of the schema."""
        return isinstance(name, str) and isinstance(self._schema.get_type(name), GraphQLObjectType)

    def matches(self, typename: object, condition: str) -> bool:
        return isinstance(typename, str) and typename in self.names(condition)

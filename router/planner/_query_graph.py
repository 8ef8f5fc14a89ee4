"""The query graph: where each (type, subgraph) node can go, built once per supergraph and override outcome.

Nodes are *(type, subgraph)*. Edges (PLANNER.md, stage 2):

- field edges: the subgraph resolves the field itself (with its ``@requires``/``@provides``);
- key edges: an entity jumps into a subgraph through one of that subgraph's *resolvable* keys, to
  the same type, or to an ``@interfaceObject`` standing for one of its interfaces;
- downcasts: the object types an abstract type can be in that subgraph (``possible_types``);
- root type re-entry: a ``Query`` object a field returned (not the operation's root) can go to the
  query root of any subgraph (``reentry_graphs``), no condition; the walk costs it like a key jump.

A subgraph whose ``@join__field`` has ``contextArguments`` (``@fromContext``) gets a *contextual*
field edge only when no subgraph resolves the field plainly (plain edges are preferred: they need no
value from an ancestor). Such fields are listed in ``contextual_fields``; like ``@requires`` fields
they are reached only through an entity jump, whose fetch receives the context values (``_context``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from graphql import GraphQLObjectType

if TYPE_CHECKING:
    from router.supergraph import Supergraph

__all__ = ["FieldEdge", "KeyEdge", "QueryGraph", "query_graph"]


@dataclass(frozen=True, slots=True, kw_only=True)
class FieldEdge:
    """``graph`` resolves the field; ``requires``/``provides`` are join spec field sets."""

    graph: str
    requires: str | None = None
    provides: str | None = None
    contextual: bool = False
    """The subgraph needs ``@fromContext`` arguments for this field: resolvable only by an entity jump."""


@dataclass(frozen=True, slots=True, kw_only=True)
class KeyEdge:
    """An entity jump into ``target_type`` of ``graph``, looked up by ``key``."""

    target_type: str
    graph: str
    key: str


class QueryGraph:
    """Edges of the query graph for one supergraph and one set of enabled override labels."""

    def __init__(self, supergraph: Supergraph, override_labels: frozenset[str]) -> None:
        self.supergraph = supergraph
        self.override_labels = override_labels
        self._fields: dict[tuple[str, str], dict[str, FieldEdge]] = {}
        self._keys: dict[str, tuple[KeyEdge, ...]] = {}
        self._condition_only: dict[tuple[str, str], dict[str, FieldEdge]] = {}
        #: (type, field) resolvable only by subgraphs that need context arguments from the router.
        self.contextual_fields: frozenset[tuple[str, str]] = frozenset()
        contextual: set[tuple[str, str]] = set()
        for t in supergraph.types.values():
            if not t.is_composite:
                continue
            for name, f in t.fields.items():
                for overridden in f.joins:
                    if overridden.graph is not None and overridden.used_overridden:
                        # Overridden, but its old subgraph still reads it for a key or @requires.
                        edge = FieldEdge(graph=overridden.graph)
                        self._condition_only.setdefault((t.name, overridden.graph), {})[name] = edge
                graphs = supergraph.field_graphs(t.name, name, override_labels)
                plain = [g for g in graphs if not ((j := f.join(g)) is not None and j.context_arguments)]
                if graphs and not plain:
                    contextual.add((t.name, name))
                for graph in plain or graphs:
                    join = f.join(graph)
                    self._fields.setdefault((t.name, graph), {})[name] = FieldEdge(
                        graph=graph,
                        requires=join.requires if join else None,
                        provides=join.provides if join else None,
                        contextual=not plain,
                    )
        self.contextual_fields = frozenset(contextual)
        for t in supergraph.types.values():
            if t.kind in ("object", "interface"):
                self._keys[t.name] = self._key_edges(t.name)

    def _key_edges(self, type_name: str) -> tuple[KeyEdge, ...]:
        sg = self.supergraph
        edges: list[KeyEdge] = []
        targets = [type_name]
        st = sg.schema.get_type(type_name)
        if isinstance(st, GraphQLObjectType):
            targets += sorted(i.name for i in st.interfaces)
        for target in targets:
            for graph in sg.subgraphs:
                if target != type_name and not sg.is_interface_object(target, graph):
                    continue
                for key in sg.keys(target, graph):
                    if key.resolvable:
                        edges.append(KeyEdge(target_type=target, graph=graph, key=key.fields))
        return tuple(edges)

    def field_edge(
        self, type_name: str, graph: str, field_name: str, *, for_condition: bool = False
    ) -> FieldEdge | None:
        """The edge for ``type_name.field_name`` in ``graph``, if that subgraph resolves it.

        ``for_condition``: the field is wanted for a key or ``@requires`` condition, which may also
        read a field overridden away from ``graph`` (``usedOverridden``).
        """
        if field_name == "__typename":
            return FieldEdge(graph=graph)
        edge = self._fields.get((type_name, graph), {}).get(field_name)
        if edge is None and for_condition:
            edge = self._condition_only.get((type_name, graph), {}).get(field_name)
        return edge

    def field_graphs(self, type_name: str, field_name: str) -> tuple[str, ...]:
        return tuple(
            g for g in self.supergraph.subgraphs if field_name in self._fields.get((type_name, g), {})
        )

    def reentry_graphs(self, type_name: str, field_name: str) -> tuple[str, ...]:
        """Subgraphs whose query root resolves ``field_name``, when ``type_name`` is the query root type.

        The root type re-entry edges (Apollo's ``RootTypeResolution``) out of a ``Query`` object: any
        subgraph can be asked a plain ``query`` there. Empty for every other type.
        """
        if type_name != self.supergraph.root_types.get("query"):
            return ()
        return self.field_graphs(type_name, field_name)

    def key_edges(self, type_name: str) -> tuple[KeyEdge, ...]:
        """Every entity jump out of ``type_name``, by subgraph name then key declaration order."""
        return self._keys.get(type_name, ())

    def is_interface_object(self, type_name: str, graph: str) -> bool:
        return self.supergraph.is_interface_object(type_name, graph)


@lru_cache(maxsize=32)
def query_graph(supergraph: Supergraph, override_labels: frozenset[str]) -> QueryGraph:
    """The query graph of ``supergraph`` (bounded cache: built once per supergraph and label set)."""
    return QueryGraph(supergraph, override_labels)

"""Composition rules, one module per rule family; each yields :class:`~schema.errors.CompositionError`.

Subgraph rules look at one subgraph at a time (is this ``@key`` valid here?); supergraph rules
look at the merged model and every subgraph's view of it (is this field shareable everywhere it
is resolved?). Satisfiability runs last and only when everything else passed, because its
messages about unreachable fields are noise while the schema is broken in simpler ways.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from .._merge import Supergraph
from .._model import Subgraph
from ..errors import CompositionError
from ._abstract_types import check_abstract_types
from ._context import check_context_arguments, check_context_reachability, check_contexts
from ._cost import check_cost_directives, check_list_size_across_subgraphs
from ._directives import check_directives
from ._enums import check_enums
from ._external import check_external
from ._field_sharing import check_field_sharing
from ._inaccessible import check_inaccessible
from ._inputs import check_inputs_and_arguments
from ._interface_object import check_interface_objects
from ._keys import check_keys
from ._override import check_override
from ._provides_requires import check_provides_and_requires
from ._satisfiability import check_satisfiability
from ._types import check_types

__all__ = ["SUBGRAPH_RULES", "SUPERGRAPH_RULES", "check_satisfiability"]

SubgraphRule = Callable[[Subgraph], Iterable[CompositionError]]
SupergraphRule = Callable[[Supergraph], Iterable[CompositionError]]

SUBGRAPH_RULES: tuple[SubgraphRule, ...] = (
    check_keys,
    check_provides_and_requires,
    check_contexts,
    check_cost_directives,
)

SUPERGRAPH_RULES: tuple[SupergraphRule, ...] = (
    check_types,
    check_field_sharing,
    check_external,
    check_override,
    check_enums,
    check_inputs_and_arguments,
    check_abstract_types,
    check_interface_objects,
    check_inaccessible,
    check_directives,
    check_context_arguments,
    check_context_reachability,
    check_list_size_across_subgraphs,
)

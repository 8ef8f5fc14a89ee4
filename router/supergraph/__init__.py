"""The supergraph model: a federation v2 supergraph SDL read into which subgraph resolves what.

``load_supergraph(sdl)`` reads the join spec (v0.3, v0.4, v0.5) with ``@link`` imports and renames,
and derives the API schema clients see.
"""

from __future__ import annotations

from ._load import load_supergraph
from ._model import (
    ContextArgument,
    FieldJoin,
    Key,
    ListSize,
    Supergraph,
    SupergraphField,
    SupergraphType,
    TypeJoin,
    TypeKind,
)
from .errors import SupergraphError, SupergraphSyntaxError, UnsupportedSupergraphError

__all__ = [
    "ContextArgument",
    "FieldJoin",
    "Key",
    "ListSize",
    "Supergraph",
    "SupergraphError",
    "SupergraphField",
    "SupergraphSyntaxError",
    "SupergraphType",
    "TypeJoin",
    "TypeKind",
    "UnsupportedSupergraphError",
    "load_supergraph",
]

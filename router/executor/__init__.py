"""The executor: runs query plans against subgraphs and shapes the client's response.

``Gateway`` is the request pipeline the HTTP server uses (parse, validate, plan, execute, shape);
``execute_plan`` walks one plan; ``shape_response`` builds the client's ``data`` from merged results.
"""

from __future__ import annotations

from ._cache import LruCache
from ._execute import PlanResult, execute_plan
from ._fetch import SubgraphClient, SubgraphResponse
from ._gateway import Gateway, Planner, SupergraphView
from ._possible_types import PossibleTypes
from ._shape import shape_response
from .errors import (
    ExecutorError,
    GatewayConfigError,
    InvalidSubgraphResponse,
    SubgraphError,
    SubgraphHttpError,
    SubgraphRequestFailed,
    SubgraphTimeout,
    UnknownSubgraph,
)

__all__ = [
    "ExecutorError",
    "Gateway",
    "GatewayConfigError",
    "InvalidSubgraphResponse",
    "LruCache",
    "PlanResult",
    "Planner",
    "PossibleTypes",
    "SubgraphClient",
    "SubgraphError",
    "SubgraphHttpError",
    "SubgraphRequestFailed",
    "SubgraphResponse",
    "SubgraphTimeout",
    "SupergraphView",
    "UnknownSubgraph",
    "execute_plan",
    "shape_response",
]

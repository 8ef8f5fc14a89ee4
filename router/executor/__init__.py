"""The executor: runs query plans against subgraphs and shapes the client's response.

``Gateway`` is the request pipeline the HTTP server uses (parse, validate, plan, execute, shape);
``execute_plan`` walks one plan; ``shape_response`` builds the client's ``data`` from merged results.
"""

from __future__ import annotations

from ._authorization import UNAUTHORIZED, Claims
from ._breaker import BreakerPolicy, BreakerState, CircuitBreaker, CircuitBreakers
from ._cache import LruCache
from ._cost import COST_ESTIMATED_TOO_EXPENSIVE, CostFormula, DemandControl, compile_cost
from ._execute import PlanResult, execute_plan
from ._fetch import FetchObserver, SubgraphClient, SubgraphResponse
from ._gateway import (
    DEFER_NOT_ACCEPTED,
    Gateway,
    Planner,
    SupergraphView,
    WarmUpOperation,
    WarmUpReport,
    with_defer,
)
from ._operation import DocumentRule
from ._policies import Policies
from ._possible_types import PossibleTypes
from ._response_errors import client_error
from ._retry import RetryPolicy
from ._shape import shape_response
from ._subscription import GRAPHQL_TRANSPORT_WS, SubscriptionClient
from ._transport import PooledTransport, RawResponse
from .errors import (
    ExecutorError,
    GatewayConfigError,
    InvalidSubgraphResponse,
    SubgraphCircuitOpen,
    SubgraphError,
    SubgraphHttpError,
    SubgraphRequestFailed,
    SubgraphTimeout,
    SubgraphUnreachable,
    SubscriptionFailed,
    UnknownSubgraph,
)

__all__ = [
    "COST_ESTIMATED_TOO_EXPENSIVE",
    "DEFER_NOT_ACCEPTED",
    "GRAPHQL_TRANSPORT_WS",
    "UNAUTHORIZED",
    "BreakerPolicy",
    "BreakerState",
    "CircuitBreaker",
    "CircuitBreakers",
    "Claims",
    "CostFormula",
    "DemandControl",
    "DocumentRule",
    "ExecutorError",
    "FetchObserver",
    "Gateway",
    "GatewayConfigError",
    "InvalidSubgraphResponse",
    "LruCache",
    "PlanResult",
    "Planner",
    "Policies",
    "PooledTransport",
    "PossibleTypes",
    "RawResponse",
    "RetryPolicy",
    "SubgraphCircuitOpen",
    "SubgraphClient",
    "SubgraphError",
    "SubgraphHttpError",
    "SubgraphRequestFailed",
    "SubgraphResponse",
    "SubgraphTimeout",
    "SubgraphUnreachable",
    "SubscriptionClient",
    "SubscriptionFailed",
    "SupergraphView",
    "UnknownSubgraph",
    "WarmUpOperation",
    "WarmUpReport",
    "client_error",
    "compile_cost",
    "execute_plan",
    "shape_response",
    "with_defer",
]

"""Errors of the executor.

Exceptions here are for the executor's own control flow; a client never sees one. Each subgraph
failure is turned into a GraphQL error (data, with ``extensions.code`` from the exception's ``code``
and ``extensions.serviceName``) at the place in the response the failed fetch would have filled.
httpx exceptions are mapped to these at the boundary (``router/executor/_fetch.py``), most specific
first, so nothing above the fetch layer knows about httpx::

    ExecutorError                     base of everything raised by router.executor
    +-- GatewayConfigError            set-up mistake found when building a Gateway (say what to change)
    +-- SubgraphError                 a subgraph gave no usable response (service_name, code)
        +-- SubgraphRequestFailed     the HTTP exchange failed                      SUBGRAPH_REQUEST_FAILED
        |   +-- SubgraphUnreachable   connection refused/reset, network or protocol SUBGRAPH_REQUEST_FAILED
        |   +-- SubgraphTimeout       no complete response within the timeout       SUBGRAPH_TIMEOUT
        |   +-- SubgraphHttpError     non-2xx HTTP status (status_code)             SUBGRAPH_REQUEST_FAILED
        |   +-- UnknownSubgraph       the plan names a subgraph without a URL       SUBGRAPH_REQUEST_FAILED
        +-- SubgraphCircuitOpen       the subgraph's circuit breaker is open        SUBGRAPH_CIRCUIT_OPEN
        +-- InvalidSubgraphResponse   body is not JSON or not a GraphQL response    INVALID_SUBGRAPH_RESPONSE
    +-- SubscriptionFailed            a subscription ended by its subgraph's error or a lost connection
                                      (``errors``: what the client's graphql-transport-ws ``error`` carries)

Which failures are retried (``RetryPolicy``) and which count against a circuit breaker
(``CircuitBreaker``) is decided by these classes, never by message text.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "ExecutorError",
    "GatewayConfigError",
    "InvalidSubgraphResponse",
    "SubgraphCircuitOpen",
    "SubgraphError",
    "SubgraphHttpError",
    "SubgraphRequestFailed",
    "SubgraphTimeout",
    "SubgraphUnreachable",
    "SubscriptionFailed",
    "UnknownSubgraph",
]


class ExecutorError(Exception):
    """Base of every exception raised by ``router.executor``."""


class GatewayConfigError(ExecutorError):
    """The Gateway cannot be built as configured (e.g. a subgraph without a routing URL)."""


class SubgraphError(ExecutorError):
    """A subgraph request produced no usable GraphQL response.

    ``code`` is what the client sees as ``extensions.code`` of the error that replaces the data.
    """

    code = "SUBGRAPH_REQUEST_FAILED"

    def __init__(self, service_name: str, message: str) -> None:
        super().__init__(message)
        self.service_name = service_name
        self.message = message


class SubgraphRequestFailed(SubgraphError):
    """The HTTP exchange with the subgraph failed (connection, protocol, status)."""


class SubgraphUnreachable(SubgraphRequestFailed):
    """No HTTP response at all: connection refused or reset, a network or protocol error.

    Separate from its siblings because it is the failure worth retrying: the request most likely
    never reached the subgraph (or a pooled keep-alive connection was closed under us).
    """


class SubgraphTimeout(SubgraphRequestFailed):
    """The subgraph did not answer completely within the configured timeout."""

    code = "SUBGRAPH_TIMEOUT"


class SubgraphHttpError(SubgraphRequestFailed):
    """The subgraph answered with a non-2xx HTTP status."""

    def __init__(self, service_name: str, message: str, *, status_code: int) -> None:
        super().__init__(service_name, message)
        self.status_code = status_code


class UnknownSubgraph(SubgraphRequestFailed):
    """The plan names a subgraph the router has no URL for (planner and URLs out of sync)."""


class SubgraphCircuitOpen(SubgraphError):
    """The subgraph's circuit breaker is open: the request was not sent (fail fast).

    ``retry_after`` is how many seconds remain until the breaker lets a trial request through.
    """

    code = "SUBGRAPH_CIRCUIT_OPEN"

    def __init__(self, service_name: str, message: str, *, retry_after: float) -> None:
        super().__init__(service_name, message)
        self.retry_after = retry_after


class InvalidSubgraphResponse(SubgraphError):
    """The subgraph's body is not JSON, or not a GraphQL response object."""

    code = "INVALID_SUBGRAPH_RESPONSE"


class SubscriptionFailed(ExecutorError):
    """A subscription cannot go on: its subgraph sent ``error``, or the upstream connection failed
    or was lost. ``errors`` are the client's GraphQL errors (with ``extensions.code``)."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__("; ".join(str(e.get("message")) for e in errors))
        self.errors = errors

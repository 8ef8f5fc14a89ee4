"""Errors clients see from a subgraph: GraphQL errors with ``extensions.code``, and the REST shape.

    GraphQLError
     └── ClientError                 a mistake of the caller, never masked
          ├── BadUserInput           BAD_USER_INPUT
          ├── NotFound               NOT_FOUND
          ├── Unauthenticated        UNAUTHENTICATED
          ├── Forbidden              FORBIDDEN
          ├── Conflict               CONFLICT (e.g. not enough stock, illegal status change)
          └── ServiceUnavailable     SERVICE_UNAVAILABLE (a service this one depends on is down)

Anything else raised in a resolver is masked as "Unexpected error." (code INTERNAL_SERVER_ERROR) so
no internals leak; the full error goes to the log.
"""

from __future__ import annotations

from typing import Any, ClassVar

from graphql import GraphQLError

__all__ = [
    "BadUserInput",
    "ClientError",
    "Conflict",
    "Forbidden",
    "NotFound",
    "ServiceUnavailable",
    "Unauthenticated",
    "is_client_error",
]


class ClientError(GraphQLError):
    code: ClassVar[str] = "BAD_REQUEST"

    def __init__(self, message: str, **extensions: Any) -> None:
        super().__init__(message, extensions={"code": self.code, **extensions})


class BadUserInput(ClientError):
    code = "BAD_USER_INPUT"


class NotFound(ClientError):
    code = "NOT_FOUND"


class Unauthenticated(ClientError):
    code = "UNAUTHENTICATED"


class Forbidden(ClientError):
    code = "FORBIDDEN"


class Conflict(ClientError):
    code = "CONFLICT"


class ServiceUnavailable(ClientError):
    code = "SERVICE_UNAVAILABLE"


def is_client_error(error: GraphQLError) -> bool:
    """True for errors safe to show as they are: ours, and graphql-core's own validation errors."""
    original = error.original_error
    if original is None:
        return True
    return isinstance(original, ClientError)

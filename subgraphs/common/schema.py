"""The federated Strawberry schema every subgraph builds: federation v2.9, unexpected errors masked.

Kept apart from ``app`` so that importing a subgraph's schema (what ``supergraph compose`` does)
loads Strawberry only, not FastAPI, the database driver, the bus or the tracing SDK.
"""

from __future__ import annotations

import logging
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaskErrors

from .errors import is_client_error

__all__ = ["federated_schema"]

log = logging.getLogger("subgraphs")


def federated_schema(
    *,
    query: type,
    mutation: type | None = None,
    subscription: type | None = None,
    types: tuple[type, ...] = (),
) -> strawberry.federation.Schema:
    """A Strawberry federation v2.9 schema whose unexpected errors are masked (no internals leak)."""
    return _Schema(
        query=query,
        mutation=mutation,
        subscription=subscription,
        types=types,
        federation_version="2.9",
        # A factory, not an instance: Strawberry builds a fresh extension per request.
        extensions=[
            lambda: _MaskUnexpectedErrors(should_mask_error=lambda error: not is_client_error(error))
        ],
    )


class _Schema(strawberry.federation.Schema):
    """Logs only what needs a developer: a client's mistake (bad input, wrong password) is an
    answer, not an incident, so it gets no stack trace in the log."""

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        unexpected = []
        for error in errors:
            if is_client_error(error):
                log.debug("client error: %s (%s)", error.message, (error.extensions or {}).get("code"))
            else:
                unexpected.append(error)
        if unexpected:
            super().process_errors(unexpected, execution_context)


class _MaskUnexpectedErrors(MaskErrors):
    """Strawberry's masking drops ``extensions``; clients (and the router) still get a code."""

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = super().anonymise_error(error)
        masked.extensions = {"code": "INTERNAL_SERVER_ERROR"}
        return masked

"""Errors raised while loading a supergraph SDL.

Exception tree::

    SupergraphError                  any problem with the supergraph document
    +-- SupergraphSyntaxError        the SDL does not parse or does not build a schema
    +-- UnsupportedSupergraphError   no join spec, or a link/join version this router cannot read
"""

from __future__ import annotations

__all__ = ["SupergraphError", "SupergraphSyntaxError", "UnsupportedSupergraphError"]


class SupergraphError(Exception):
    """The supergraph SDL cannot be used; the message says what to change."""


class SupergraphSyntaxError(SupergraphError):
    """The supergraph SDL is not valid GraphQL SDL."""


class UnsupportedSupergraphError(SupergraphError):
    """The supergraph uses no join spec, or a version of link/join this router does not support."""

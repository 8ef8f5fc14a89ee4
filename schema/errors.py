"""Errors of composition.

Composition problems are *data*: a subgraph set that does not compose yields a list of
:class:`CompositionError` records (code, message, subgraph, coordinate), because CI wants all of
them at once, not the first. Exceptions are for set-up mistakes that stop us before composing::

    SchemaError                      base of everything this package raises
    +-- ConfigError                  supergraph.yaml is missing, unreadable or malformed
    +-- SubgraphSourceError          a subgraph's SDL could not be obtained (file, URL, module)
    +-- CompositionFailed            raised by ``compose(...).raise_for_errors()``; carries the errors

Codes follow the names the common federation composers use (Apollo's composition-js and
The Guild's federation-composition), so a message can be looked up in their documentation.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CompositionError",
    "CompositionFailed",
    "ConfigError",
    "Finding",
    "SchemaError",
    "SubgraphSourceError",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """What composition reports, an error or a hint: ``code``, message, and where.

    ``subgraph`` is the subgraph concerned when one can be named (``None`` for what only exists
    across subgraphs, e.g. satisfiability), and ``coordinate`` is the schema coordinate (``Type``,
    ``Type.field``, ``Type.field(arg:)``, ``@directive``).
    """

    code: str
    message: str
    subgraph: str | None = None
    coordinate: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        """The JSON shape ``supergraph check --format json`` prints."""
        return {
            "code": self.code,
            "message": self.message,
            "subgraph": self.subgraph,
            "coordinate": self.coordinate,
        }

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


@dataclass(frozen=True, slots=True, kw_only=True)
class CompositionError(Finding):
    """One composition problem: what rule failed (``code``), where, and why."""


class SchemaError(Exception):
    """Base class of the exceptions raised by the ``schema`` package."""


class ConfigError(SchemaError):
    """``supergraph.yaml`` cannot be used; the message says what to change."""


class SubgraphSourceError(SchemaError):
    """A subgraph's SDL could not be obtained from its file, URL or Python module."""

    def __init__(self, subgraph: str, message: str) -> None:
        super().__init__(f"subgraph {subgraph!r}: {message}")
        self.subgraph = subgraph


class CompositionFailed(SchemaError):
    """Composition produced errors; raised only on request (``raise_for_errors``)."""

    def __init__(self, errors: tuple[CompositionError, ...]) -> None:
        lines = "\n".join(f"  {error}" for error in errors)
        super().__init__(f"composition failed with {len(errors)} error(s):\n{lines}")
        self.errors = errors

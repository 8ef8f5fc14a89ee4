"""Operation limits and the introspection switch, as document rules for the Gateway.

Each rule looks at a parsed document once (the Gateway caches the verdict with the document, so a
repeated document costs nothing) and runs before validation, so an abusive document is rejected
before any costly work. Limits count with fragments expanded, because that is the work the router
would do: a fragment with 10 aliases spread 10 times is 100 aliases. Every operation of the document
is checked, so the verdict does not depend on which operation a request selects. The document size
is the one limit checked per request, before parsing, since it is about the text itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

from router.executor import client_error

if TYPE_CHECKING:
    from collections.abc import Mapping

    from graphql import DocumentNode

    from router.executor import DocumentRule

__all__ = ["LimitCode", "Limits", "document_too_large"]


class LimitCode:
    """The ``extensions.code`` of each limit's error."""

    INTROSPECTION_DISABLED = "INTROSPECTION_DISABLED"
    MAX_ALIASES_EXCEEDED = "MAX_ALIASES_EXCEEDED"
    MAX_DEPTH_EXCEEDED = "MAX_DEPTH_EXCEEDED"
    MAX_DOCUMENT_SIZE_EXCEEDED = "MAX_DOCUMENT_SIZE_EXCEEDED"
    MAX_ROOT_FIELDS_EXCEEDED = "MAX_ROOT_FIELDS_EXCEEDED"


_INTROSPECTION_FIELDS = frozenset(("__schema", "__type"))


@dataclass(frozen=True, slots=True, kw_only=True)
class Limits:
    """The limits configured for a router (None: that limit is off)."""

    max_depth: int | None = None
    max_aliases: int | None = None
    max_root_fields: int | None = None
    introspection: bool = True

    def rules(self) -> tuple[DocumentRule, ...]:
        """The document rules to hand to the Gateway, cheapest verdict first."""
        rules: list[DocumentRule] = []
        if not self.introspection:
            rules.append(_no_introspection)
        for limit, measure in (
            (self.max_depth, _depth_rule),
            (self.max_aliases, _aliases_rule),
            (self.max_root_fields, _root_fields_rule),
        ):
            if limit is not None:
                rules.append(measure(limit))
        return tuple(rules)


def document_too_large(query: str, max_bytes: int | None) -> dict[str, Any] | None:
    """The error for a document over ``max_bytes`` UTF-8 bytes, or None."""
    if max_bytes is None or len(query) <= max_bytes // 4:
        return None  # even 4 bytes per character fit: skip the encoding
    size = len(query.encode("utf-8"))
    if size <= max_bytes:
        return None
    return client_error(
        f"The GraphQL document is {size} bytes; the limit is {max_bytes} bytes.",
        code=LimitCode.MAX_DOCUMENT_SIZE_EXCEEDED,
    )


def _no_introspection(document: DocumentNode) -> list[dict[str, Any]]:
    errors: list[dict[str, Any]] = []
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode | FragmentDefinitionNode):
            _find_introspection(definition.selection_set, errors)
    return errors[:1]


def _find_introspection(selection_set: SelectionSetNode | None, errors: list[dict[str, Any]]) -> None:
    for selection in selection_set.selections if selection_set else ():
        if isinstance(selection, FieldNode) and selection.name.value in _INTROSPECTION_FIELDS:
            location = selection.loc.source.get_location(selection.loc.start) if selection.loc else None
            errors.append(
                client_error(
                    "GraphQL introspection is disabled on this router.",
                    code=LimitCode.INTROSPECTION_DISABLED,
                    locations=[{"line": location.line, "column": location.column}] if location else None,
                )
            )
            return
        if isinstance(selection, FieldNode | InlineFragmentNode):
            _find_introspection(selection.selection_set, errors)


class _Measure:
    """One measure of a document's operations with fragments expanded, memoised per fragment.

    A fragment spread inside its own expansion (a cycle, which validation rejects later) counts 0
    here, so measuring always terminates.
    """

    def __init__(
        self,
        document: DocumentNode,
        of_field: Callable[[FieldNode, int], int],
        combine: str,
        *,
        descend: bool = True,
    ) -> None:
        self.fragments: Mapping[str, FragmentDefinitionNode] = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self._of_field = of_field
        self._max = combine == "max"
        self._descend = descend
        self._memo: dict[str, int] = {}
        self._open: set[str] = set()

    def selection_set(self, selection_set: SelectionSetNode | None) -> int:
        total = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                below = self.selection_set(selection.selection_set) if self._descend else 0
                value = self._of_field(selection, below)
            elif isinstance(selection, InlineFragmentNode):
                value = self.selection_set(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                value = self._fragment(selection.name.value)
            else:  # pragma: no cover - the AST has no other selection kinds
                continue
            total = max(total, value) if self._max else total + value
        return total

    def _fragment(self, name: str) -> int:
        if name in self._memo:
            return self._memo[name]
        fragment = self.fragments.get(name)
        if fragment is None or name in self._open:
            return 0
        self._open.add(name)
        value = self.selection_set(fragment.selection_set)
        self._open.discard(name)
        self._memo[name] = value
        return value


def _operations(document: DocumentNode) -> list[OperationDefinitionNode]:
    return [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]


def _operation_label(operation: OperationDefinitionNode) -> str:
    return f"Operation '{operation.name.value}'" if operation.name else "The operation"


def _measured_rule(
    limit: int,
    code: str,
    describe: str,
    of_field: Callable[[FieldNode, int], int],
    combine: str,
    *,
    descend: bool = True,
) -> DocumentRule:
    """A rule failing the first operation whose measure exceeds ``limit``; ``describe`` words the
    measure ("is {} levels deep")."""

    def check(document: DocumentNode) -> list[dict[str, Any]]:
        measure = _Measure(document, of_field, combine, descend=descend)
        for operation in _operations(document):
            value = measure.selection_set(operation.selection_set)
            if value > limit:
                message = f"{_operation_label(operation)} {describe.format(value)}; the limit is {limit}."
                return [client_error(message, code=code)]
        return []

    return check


def _depth_rule(limit: int) -> DocumentRule:
    return _measured_rule(
        limit, LimitCode.MAX_DEPTH_EXCEEDED, "is {} levels deep", lambda _field, below: 1 + below, "max"
    )


def _aliases_rule(limit: int) -> DocumentRule:
    return _measured_rule(
        limit,
        LimitCode.MAX_ALIASES_EXCEEDED,
        "has {} aliases",
        lambda field, below: (field.alias is not None) + below,
        "sum",
    )


def _root_fields_rule(limit: int) -> DocumentRule:
    # The root level only: a field is 1 whatever is below it.
    return _measured_rule(
        limit,
        LimitCode.MAX_ROOT_FIELDS_EXCEEDED,
        "selects {} root fields",
        lambda _field, _below: 1,
        "sum",
        descend=False,
    )

"""Pick the operation to plan ("GetOperation" of the GraphQL spec, section 6.1)."""

from __future__ import annotations

from graphql.language import ast

from ..errors import OperationSelectionError

__all__ = ["select_operation"]


def select_operation(document: ast.DocumentNode, operation_name: str | None) -> ast.OperationDefinitionNode:
    """The named operation, or the only one; ``OperationSelectionError`` otherwise."""
    operations = [d for d in document.definitions if isinstance(d, ast.OperationDefinitionNode)]
    if operation_name is None:
        if len(operations) == 1:
            return operations[0]
        if not operations:
            raise OperationSelectionError("the document contains no operation")
        raise OperationSelectionError(
            "the document contains several operations: give the operation name to run"
        )
    matches = [op for op in operations if op.name is not None and op.name.value == operation_name]
    if not matches:
        raise OperationSelectionError(f"unknown operation named {operation_name!r}")
    if len(matches) > 1:
        raise OperationSelectionError(f"several operations are named {operation_name!r}")
    return matches[0]

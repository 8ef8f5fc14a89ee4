"""From a request's text to a validated operation and its coerced variables.

Implements 'Validation' and 'GetOperation'/'CoerceVariableValues' of the GraphQL spec (section 6.1)
with graphql-core against the API schema, so ``_entities``, ``_service`` and ``@inaccessible``
elements are unknown to clients. Problems are returned as client errors (request errors: the
response then has no ``data``), never raised.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graphql import (
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSyntaxError,
    OperationDefinitionNode,
    get_variable_values,
    parse,
    validate,
)

from ._response_errors import ErrorCode, client_error

if TYPE_CHECKING:
    from graphql import DocumentNode, GraphQLSchema

__all__ = ["DocumentRule", "ParsedDocument", "coerce_variables", "parse_and_validate", "select_operation"]

#: A check of a parsed document before validation (e.g. a depth limit): the client errors that
#: reject the document, or an empty list. Its verdict is cached with the document, so it runs once
#: per distinct document text, not once per request.
DocumentRule = Callable[["DocumentNode"], list[dict[str, Any]]]


@dataclass(frozen=True, slots=True, kw_only=True)
class ParsedDocument:
    """A parsed and validated document, or the errors that stop it (cached by document text)."""

    document: DocumentNode | None
    fragments: Mapping[str, FragmentDefinitionNode]
    errors: tuple[dict[str, Any], ...] = ()


def parse_and_validate(
    schema: GraphQLSchema, query: str, rules: Sequence[DocumentRule] = ()
) -> ParsedDocument:
    """Parse, run the caller's ``rules`` (limits), then validate against ``schema``.

    The rules run before validation on purpose: a limit exists to stop an abusive document before
    any costly work, and validation of a very deep or wide document is such work.
    """
    try:
        document = parse(query)
    except GraphQLSyntaxError as error:
        return ParsedDocument(
            document=None, fragments={}, errors=(_formatted(error, ErrorCode.GRAPHQL_PARSE_FAILED),)
        )
    for rule in rules:
        rule_errors = rule(document)
        if rule_errors:
            return ParsedDocument(document=None, fragments={}, errors=tuple(rule_errors))
    errors = validate(schema, document)
    if errors:
        return ParsedDocument(
            document=None,
            fragments={},
            errors=tuple(_formatted(error, ErrorCode.GRAPHQL_VALIDATION_FAILED) for error in errors),
        )
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    return ParsedDocument(document=document, fragments=fragments)


def select_operation(
    document: DocumentNode, operation_name: str | None
) -> OperationDefinitionNode | dict[str, Any]:
    """The operation to run, or the error saying why there is none."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is None:
        if len(operations) == 1:
            return operations[0]
        return client_error(
            "Must provide operation name if query contains multiple operations."
            if operations
            else "Must provide an operation.",
            code=ErrorCode.OPERATION_RESOLUTION_FAILURE,
        )
    for operation in operations:
        if operation.name is not None and operation.name.value == operation_name:
            return operation
    return client_error(
        f"Unknown operation named '{operation_name}'.", code=ErrorCode.OPERATION_RESOLUTION_FAILURE
    )


def coerce_variables(
    schema: GraphQLSchema, operation: OperationDefinitionNode, variables: Mapping[str, Any] | None
) -> dict[str, Any] | list[dict[str, Any]]:
    """The coerced variable values (defaults applied), or BAD_USER_INPUT errors."""
    if variables is not None and not isinstance(variables, Mapping):
        return [client_error("Variables must be a JSON object.", code=ErrorCode.BAD_USER_INPUT)]
    if not operation.variable_definitions:
        return {}
    result = get_variable_values(schema, operation.variable_definitions, dict(variables or {}))
    if isinstance(result, list):
        return [_formatted(error, ErrorCode.BAD_USER_INPUT) for error in result]
    return dict(result.coerced)


def _formatted(error: GraphQLError, code: str) -> dict[str, Any]:
    return client_error(
        error.message,
        code=code,
        locations=[{"line": loc.line, "column": loc.column} for loc in error.locations or ()],
    )

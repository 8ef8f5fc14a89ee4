"""The storefront's GraphQL operations are valid against the API schema of the committed supergraph.

The app sends exactly the documents in ``storefront/src/graphql/*.graphql`` (split per operation,
each with the fragments it uses), so a schema change that breaks the shop fails here, before any
browser runs. They are validated against what the router accepts: the API schema plus ``@defer``
(``router.executor.with_defer``), which the product page uses for its reviews. A file can declare that it needs schema coordinates still on their way
(``# needs: User.notifications, Mutation.markNotificationRead``): while one of them is missing from
the API schema that file is skipped with the reason, and validated as soon as they are all there.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLSchema,
    OperationDefinitionNode,
    is_object_type,
    parse,
    validate,
    visit,
)
from graphql.language import Visitor

from router.executor import with_defer
from router.planner import Defer, QueryPlan, plan, print_plan
from router.supergraph import load_supergraph

ROOT = Path(__file__).resolve().parents[2]
OPERATIONS_DIR = ROOT / "storefront" / "src" / "graphql"
SUPERGRAPH = ROOT / "schema" / "supergraph.graphql"
OPERATION_FILES = sorted(OPERATIONS_DIR.glob("*.graphql"))
_NEEDS = re.compile(r"^#\s*needs:\s*(.+)$", re.MULTILINE)


@cache
def api_schema() -> GraphQLSchema:
    """The schema the router validates operations against."""
    return with_defer(load_supergraph(SUPERGRAPH.read_text()).api_schema)


def missing_coordinates(source: str, schema: GraphQLSchema) -> list[str]:
    """The ``Type.field`` coordinates a file's ``# needs:`` line names that the schema lacks."""
    missing = []
    for line in _NEEDS.findall(source):
        for coordinate in (part.strip() for part in line.split(",")):
            type_name, _, field_name = coordinate.partition(".")
            type_ = schema.get_type(type_name)
            if not (is_object_type(type_) and field_name in type_.fields):
                missing.append(coordinate)
    return missing


def split_operations(document: DocumentNode) -> dict[str, DocumentNode]:
    """One document per operation with the fragments it uses, as ``storefront/src/operations.js``
    builds them (a server rejects unused fragments)."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}

    def spreads(node: OperationDefinitionNode | FragmentDefinitionNode) -> set[str]:
        names: set[str] = set()

        class Collect(Visitor):
            def enter_fragment_spread(self, spread: FragmentSpreadNode, *_: object) -> None:
                names.add(spread.name.value)

        visit(node, Collect())
        return names

    documents = {}
    for operation in document.definitions:
        if not isinstance(operation, OperationDefinitionNode) or operation.name is None:
            continue
        used: set[str] = set()
        pending = list(spreads(operation))
        while pending:
            name = pending.pop()
            if name not in used:
                used.add(name)
                pending.extend(spreads(fragments[name]))
        documents[operation.name.value] = DocumentNode(
            definitions=(operation, *(fragments[name] for name in sorted(used)))
        )
    return documents


def test_the_storefront_has_operation_files() -> None:
    assert {path.name for path in OPERATION_FILES} >= {
        "account.graphql",
        "catalogue.graphql",
        "notifications.graphql",
        "orders.graphql",
        "product.graphql",
    }


@pytest.mark.parametrize("path", OPERATION_FILES, ids=lambda path: path.name)
def test_each_operation_file_is_valid_against_the_api_schema(path: Path) -> None:
    source = path.read_text()
    schema = api_schema()
    if missing := missing_coordinates(source, schema):
        pytest.skip(f"{path.name} needs {', '.join(missing)}, not in schema/supergraph.graphql yet")
    document = parse(source)
    assert [error.message for error in validate(schema, document)] == []
    operations = split_operations(document)
    assert operations, f"{path.name} has no named operation"
    for name, operation in operations.items():
        errors = [error.message for error in validate(schema, operation)]
        assert errors == [], f"{path.name}: operation {name}"


def test_every_operation_has_a_unique_name_across_files() -> None:
    """The app looks operations up by name in one table (``ops.Product``)."""
    names: list[str] = []
    for path in OPERATION_FILES:
        names += [
            d.name.value
            for d in parse(path.read_text()).definitions
            if isinstance(d, OperationDefinitionNode) and d.name is not None
        ]
    assert len(names) == len(set(names))


def test_the_product_page_is_one_operation_across_four_subgraphs() -> None:
    """The product page asks for price (products), stock and shipping (inventory), reviews and their
    authors' names (reviews, users) in one operation, planned by the router."""
    supergraph = load_supergraph(SUPERGRAPH.read_text())
    document = split_operations(parse((OPERATIONS_DIR / "product.graphql").read_text()))["Product"]
    fetched = re.findall(r'Fetch\(service: "(\w+)"\)', print_plan(plan(supergraph, document, "Product")))
    assert sorted(fetched) == ["inventory", "products", "reviews", "users"]


def test_the_product_page_defers_the_reviews_and_their_authors() -> None:
    """Product, price, stock and shipping come first (products, inventory); the reviews and their
    authors' names (reviews, users) follow in the deferred part labelled ``reviews``."""
    supergraph = load_supergraph(SUPERGRAPH.read_text())
    document = split_operations(parse((OPERATIONS_DIR / "product.graphql").read_text()))["Product"]
    query_plan = plan(supergraph, document, "Product")
    assert isinstance(query_plan.node, Defer)
    services = re.compile(r'Fetch\(service: "(\w+)"\)')
    primary = print_plan(QueryPlan(node=query_plan.node.primary))
    assert sorted(services.findall(primary)) == ["inventory", "products"]
    [deferred] = query_plan.node.deferred
    assert deferred.label == "reviews"
    assert sorted(services.findall(print_plan(QueryPlan(node=deferred.node)))) == ["reviews", "users"]

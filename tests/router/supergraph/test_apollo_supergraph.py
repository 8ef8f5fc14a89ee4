"""A supergraph in the Apollo composer's style (join v0.5, context, policy, tag, custom directives)."""

from __future__ import annotations

import pytest
from graphql import GraphQLObjectType, print_schema

from router.supergraph import Supergraph, load_supergraph

from .testkit import fixture_sdl


@pytest.fixture(scope="module")
def sg() -> Supergraph:
    return load_supergraph(fixture_sdl("apollo_v05"))


def test_subgraphs_keep_their_routing_urls(sg: Supergraph) -> None:
    assert dict(sg.subgraphs) == {
        "inventory": "http://inventory:4001/graphql",
        "products": "http://products:4002/graphql",
    }
    assert sg.join_version == "v0.5"


def test_extension_types_and_requires_are_read(sg: Supergraph) -> None:
    (inventory,) = (j for j in sg.types["Product"].joins if j.graph == "inventory")
    assert inventory.extension
    assert sg.field_graphs("Product", "weight", frozenset()) == ("products",)
    join = sg.field_join("Product", "shippingEstimate", "inventory")
    assert join is not None and join.requires == "weight"


def test_the_api_schema_keeps_custom_directives_and_descriptions_only(sg: Supergraph) -> None:
    printed = print_schema(sg.api_schema)
    assert '"""A product of the catalog."""' in printed
    assert "directive @lowercase on FIELD | FIELD_DEFINITION" in printed
    internals = ("join__", "link__", "context__", "policy__", "@tag", "@policy", "@context", "@inaccessible")
    assert [i for i in internals if i in printed] == []
    product = sg.api_schema.get_type("Product")
    assert isinstance(product, GraphQLObjectType)
    applied = {
        name: [d.name.value for d in field.ast_node.directives] if field.ast_node else []
        for name, field in product.fields.items()
    }
    assert applied["name"] == ["lowercase"]
    assert applied["price"] == []


def test_inaccessible_arguments_and_fields_are_removed(sg: Supergraph) -> None:
    product = sg.api_schema.get_type("Product")
    assert isinstance(product, GraphQLObjectType)
    assert "internalCode" not in product.fields
    assert product.fields["discount"].args == {}


def test_policies_are_recorded_on_fields(sg: Supergraph) -> None:
    assert sg.types["Product"].fields["price"].policies == (("pricing",),)
    assert sg.types["Product"].fields["name"].policies == ()

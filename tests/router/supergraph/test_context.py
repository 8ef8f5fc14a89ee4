"""``@context`` / ``@fromContext`` (join spec v0.5): context arguments are router metadata, not API."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import GraphQLObjectType

from router.supergraph import ContextArgument, Supergraph, load_supergraph

from .testkit import fixture_sdl


@pytest.fixture(scope="module")
def sg() -> Supergraph:
    return load_supergraph(fixture_sdl("context"))


def test_types_that_set_a_context_keep_its_supergraph_name(sg: Supergraph) -> None:
    assert sg.types["Store"].contexts == ("catalog__site",)
    assert sg.types["Item"].contexts == ()


def test_context_arguments_are_kept_per_subgraph(sg: Supergraph) -> None:
    catalog = sg.field_join("Item", "price", "catalog")
    pricing = sg.field_join("Item", "price", "pricing")
    assert catalog is not None and pricing is not None
    assert catalog.context_arguments == (
        ContextArgument(name="currency", type="String", context="catalog__site", selection=" { currency }"),
    )
    assert pricing.context_arguments == ()


def test_the_api_schema_has_no_context_arguments_or_context_spec(sg: Supergraph) -> None:
    item = sg.api_schema.get_type("Item")
    assert isinstance(item, GraphQLObjectType)
    assert list(item.fields["price"].args) == ["rounded"]
    assert item.fields["label"].args == {}
    assert sg.api_schema.get_type("context__ContextFieldValue") is None
    assert sg.api_schema.get_directive("context") is None


def test_an_argument_a_composer_kept_in_the_supergraph_is_stripped_from_the_api_schema() -> None:
    sdl = fixture_sdl("context").replace(
        "price(rounded: Boolean)", "price(rounded: Boolean, currency: String)"
    )
    sg = load_supergraph(sdl)
    item = sg.api_schema.get_type("Item")
    assert isinstance(item, GraphQLObjectType)
    assert list(item.fields["price"].args) == ["rounded"]
    supergraph_item = sg.schema.get_type("Item")
    assert isinstance(supergraph_item, GraphQLObjectType)
    assert "currency" in supergraph_item.fields["price"].args


def test_a_context_argument_entry_without_its_selection_is_a_clear_error() -> None:
    sdl = fixture_sdl("context").replace(
        ', selection: " { currency }"}]\n  ) @join__field(graph: PRICING)',
        "}]\n  ) @join__field(graph: PRICING)",
    )
    with pytest.raises(Exception, match=r"Item\.price has a contextArguments entry without"):
        load_supergraph(sdl)


def test_this_repos_composer_output_with_context_loads_like_the_reference_one() -> None:
    from schema import SubgraphSource, compose

    fixtures = Path(__file__).resolve().parents[2] / "schema" / "fixtures" / "context_two_types_two_subgraphs"
    sources = [
        SubgraphSource(name=p.stem, url=f"http://{p.stem}", sdl=p.read_text())
        for p in sorted(fixtures.glob("*.graphql"))
    ]
    result = compose(sources).raise_for_errors()
    assert result.supergraph_sdl is not None
    sg = load_supergraph(result.supergraph_sdl)
    assert sg.types["Store"].contexts == ("catalog__site",) == sg.types["Warehouse"].contexts
    join = sg.field_join("Item", "price", "catalog")
    assert join is not None
    assert [(a.name, a.context, a.selection) for a in join.context_arguments] == [
        ("currency", "catalog__site", " { currency }")
    ]
    item = sg.api_schema.get_type("Item")
    assert isinstance(item, GraphQLObjectType)
    assert list(item.fields["price"].args) == ["rounded"]

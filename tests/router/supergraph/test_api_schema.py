"""The API schema: what clients see once join/link internals and @inaccessible elements are gone."""

from __future__ import annotations

import pytest
from graphql import GraphQLEnumType, GraphQLObjectType, build_schema, lexicographic_sort_schema, print_schema

from router.supergraph import load_supergraph

from .testkit import COMPOSED_FIXTURES, fixture_sdl


def test_the_api_schema_has_no_join_or_link_elements() -> None:
    api = load_supergraph(fixture_sdl("model")).api_schema
    printed = print_schema(api)
    assert "join__" not in printed
    assert "link__" not in printed
    assert "@link" not in printed
    assert "@authenticated" not in printed
    assert "@requiresScopes" not in printed
    assert api.get_directive("inaccessible") is None


def test_inaccessible_fields_and_types_are_removed() -> None:
    api = load_supergraph(fixture_sdl("model")).api_schema
    user = api.get_type("User")
    palette = api.get_type("Palette")
    assert isinstance(user, GraphQLObjectType) and isinstance(palette, GraphQLObjectType)
    assert "secret" not in user.fields
    assert "hidden" not in palette.fields
    assert api.get_type("Hidden") is None


def test_every_enum_value_of_any_subgraph_is_visible() -> None:
    color = load_supergraph(fixture_sdl("model")).api_schema.get_type("Color")
    assert isinstance(color, GraphQLEnumType)
    assert list(color.values) == ["RED", "BLUE", "GREEN"]


def test_the_api_schema_of_the_shop_fixture_prints_as_the_client_schema() -> None:
    api = load_supergraph(fixture_sdl("shop")).api_schema
    query = api.query_type
    mutation = api.mutation_type
    assert query is not None and mutation is not None
    assert list(query.fields) == ["me", "user", "topProducts", "product", "latestReviews"]
    assert list(mutation.fields) == ["login", "createProduct", "addReview"]
    assert "topProducts(first: Int = 5): [Product]" in print_schema(api)


@pytest.mark.parametrize("fixture", COMPOSED_FIXTURES)
def test_the_api_schema_matches_the_reference_composer(fixture: str) -> None:
    ours = load_supergraph(fixture_sdl(fixture)).api_schema
    reference = build_schema(fixture_sdl(f"{fixture}.api"))
    assert print_schema(lexicographic_sort_schema(ours)) == print_schema(lexicographic_sort_schema(reference))

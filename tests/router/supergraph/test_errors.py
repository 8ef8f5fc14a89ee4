"""Malformed supergraphs fail with a SupergraphError that says what is wrong."""

from __future__ import annotations

import pytest

from router.supergraph import (
    SupergraphError,
    SupergraphSyntaxError,
    UnsupportedSupergraphError,
    load_supergraph,
)

from .testkit import fixture_sdl


def test_sdl_that_does_not_parse_is_a_syntax_error() -> None:
    with pytest.raises(SupergraphSyntaxError, match="does not parse"):
        load_supergraph("type Query {")


def test_a_schema_without_link_is_not_a_federation_2_supergraph() -> None:
    with pytest.raises(UnsupportedSupergraphError, match="federation 2 supergraph"):
        load_supergraph("type Query { a: Int }")


def test_a_supergraph_without_the_join_spec_is_refused() -> None:
    sdl = 'schema @link(url: "https://specs.apollo.dev/link/v1.0") { query: Query }\n' + (
        "directive @link(url: String, as: String, import: [String]) repeatable on SCHEMA\n"
        "type Query { a: Int }"
    )
    with pytest.raises(UnsupportedSupergraphError, match="does not link the join spec"):
        load_supergraph(sdl)


def test_a_federation_1_core_supergraph_is_refused() -> None:
    sdl = (
        'schema @core(feature: "https://specs.apollo.dev/core/v0.1") { query: Query }\n'
        "directive @core(feature: String!) repeatable on SCHEMA\n"
        "type Query { a: Int }"
    )
    with pytest.raises(UnsupportedSupergraphError, match="federation 1"):
        load_supergraph(sdl)


def test_an_undefined_type_is_a_syntax_error() -> None:
    sdl = fixture_sdl("shop").replace("  name: String @join__field(graph: PRODUCTS)", "  name: Nope")
    with pytest.raises(SupergraphSyntaxError, match="not a valid schema"):
        load_supergraph(sdl)


def test_every_loader_error_is_a_supergraph_error() -> None:
    assert issubclass(SupergraphSyntaxError, SupergraphError)
    assert issubclass(UnsupportedSupergraphError, SupergraphError)
    assert issubclass(SupergraphError, Exception)

"""Covariant field types: the supergraph's type is the most general, each subgraph's own is on its join.

A subgraph may return ``Book!`` where another returns ``Media``; the supergraph says ``Media`` and
``@join__field(graph:, type:)`` keeps what each subgraph really returns (the planner plans against
the supergraph's type, which every subgraph's value fits).
"""

from __future__ import annotations

import pytest

from router.supergraph import FieldJoin, Supergraph, load_supergraph

from .testkit import fixture_sdl


@pytest.fixture(scope="module")
def sg() -> Supergraph:
    return load_supergraph(fixture_sdl("covariant_types"))


def test_the_supergraph_field_type_is_the_most_general_of_the_subgraphs_types(sg: Supergraph) -> None:
    user = sg.types["User"]
    assert (user.fields["favourite"].type, user.fields["favourite"].named_type) == ("Media", "Media")
    assert (user.fields["shelf"].type, user.fields["shelf"].named_type) == ("[Media]", "Media")


def test_each_subgraphs_own_field_type_is_read_from_its_join_field(sg: Supergraph) -> None:
    assert sg.field_join("User", "favourite", "library") == FieldJoin(graph="library", type="Book!")
    assert sg.field_join("User", "favourite", "catalog") == FieldJoin(graph="catalog", type="Media")
    assert sg.field_join("User", "shelf", "library") == FieldJoin(graph="library", type="[Book!]!")


def test_both_subgraphs_resolve_a_covariant_field(sg: Supergraph) -> None:
    assert sg.field_graphs("User", "favourite", frozenset()) == ("catalog", "library")

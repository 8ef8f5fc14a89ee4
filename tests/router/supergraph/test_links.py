"""``@link`` imports and ``as:`` renames, and the join spec versions the loader reads."""

from __future__ import annotations

import pytest

from router.supergraph import UnsupportedSupergraphError, load_supergraph

from .testkit import fixture_sdl

JOIN_V04 = '@link(url: "https://specs.apollo.dev/join/v0.4", for: EXECUTION)'
INACCESSIBLE = '@link(url: "https://specs.apollo.dev/inaccessible/v0.2", for: SECURITY)'


def _renamed_join(sdl: str) -> str:
    sdl = sdl.replace(JOIN_V04, '@link(url: "https://specs.apollo.dev/join/v0.4", as: "fed", for: EXECUTION)')
    return sdl.replace("join__", "fed__")


def test_a_join_spec_renamed_with_as_is_read() -> None:
    sg = load_supergraph(_renamed_join(fixture_sdl("model")))
    assert dict(sg.subgraphs) == {"orders": "http://orders", "users": "http://users"}
    assert sg.field_graphs("User", "weight", frozenset()) == ("users",)
    assert "fed__" not in str(sg.api_schema.type_map)


def test_an_inaccessible_directive_imported_under_another_name_is_honoured() -> None:
    sdl = fixture_sdl("model").replace("@inaccessible", "@hidden")
    renamed = '[{name: "@inaccessible", as: "@hidden"}]'
    sdl = sdl.replace(
        INACCESSIBLE, f'@link(url: "https://specs.apollo.dev/inaccessible/v0.2", import: {renamed})'
    )
    sg = load_supergraph(sdl)
    assert sg.types["User"].fields["secret"].inaccessible
    assert sg.api_schema.get_type("Hidden") is None
    assert sg.api_schema.get_directive("hidden") is None


@pytest.mark.parametrize("version", ["v0.3", "v0.5"])
def test_join_versions_three_to_five_are_supported(version: str) -> None:
    sdl = fixture_sdl("shop").replace("join/v0.4", f"join/{version}")
    assert load_supergraph(sdl).join_version == version


@pytest.mark.parametrize("version", ["v0.2", "v0.9", "v1.0"])
def test_other_join_versions_are_refused_with_the_supported_list(version: str) -> None:
    sdl = fixture_sdl("shop").replace("join/v0.4", f"join/{version}")
    with pytest.raises(
        UnsupportedSupergraphError, match=r"unsupported join spec version .*v0\.3, v0\.4, v0\.5"
    ):
        load_supergraph(sdl)

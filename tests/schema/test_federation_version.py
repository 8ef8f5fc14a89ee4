"""``federation_version`` of supergraph.yaml is honoured as rover honours it."""

from __future__ import annotations

from pathlib import Path

import pytest

from schema import ConfigError, SubgraphSource, compose, load_config, main_compose
from schema._config import federation_minor


def _sdl(version: str) -> str:
    return (
        f'extend schema @link(url: "https://specs.apollo.dev/federation/v{version}", import: ["@key"])\n'
        'type Query { t: T } type T @key(fields: "id") { id: ID! }'
    )


@pytest.mark.parametrize(
    ("value", "minor"), [("=2.9.0", 9), ("2", None), ("2.3", 3), ("=2.10.1", 10), ("v2.7", 7)]
)
def test_exact_major_and_minor_forms_are_accepted(value: str, minor: int | None) -> None:
    assert federation_minor(value) == minor


def test_federation_1_is_refused_with_what_to_change() -> None:
    with pytest.raises(
        ConfigError, match=r"federation 2 supergraphs only; set federation_version to '=2\.x\.y' or '2'"
    ):
        federation_minor("=1.1.0")
    with pytest.raises(ConfigError, match="not a version"):
        federation_minor("latest")


def test_a_config_pinning_federation_1_does_not_load(tmp_path: Path) -> None:
    config = tmp_path / "supergraph.yaml"
    config.write_text(
        "federation_version: 1\nsubgraphs:\n  a:\n    routing_url: http://a\n    schema:\n      file: a.graphql\n"
    )
    with pytest.raises(ConfigError, match=r"supergraph\.yaml: federation_version '1' is not supported"):
        load_config(config)


def test_a_subgraph_linking_a_newer_federation_than_configured_is_refused_by_name() -> None:
    subgraphs = [
        SubgraphSource(name="old", url="http://old", sdl=_sdl("2.3")),
        SubgraphSource(name="new", url="http://new", sdl=_sdl("2.7").replace("type Query { t: T } ", "")),
    ]
    result = compose(subgraphs, federation_version="=2.5.0")
    assert [(e.code, e.subgraph) for e in result.errors] == [("UNKNOWN_FEDERATION_LINK_VERSION", "new")]
    assert "links federation v2.7, newer than federation_version '=2.5.0'" in result.errors[0].message
    assert compose(subgraphs, federation_version="=2.7.0").ok
    assert compose(subgraphs, federation_version="2").ok


def test_compose_fails_with_the_subgraph_named_when_the_config_is_too_old(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.graphql").write_text(_sdl("2.9"))
    config = tmp_path / "supergraph.yaml"
    config.write_text(
        "federation_version: =2.3.0\nsubgraphs:\n  a:\n    routing_url: http://a\n    schema:\n      file: a.graphql\n"
    )
    assert main_compose(["--config", str(config), "--output", str(tmp_path / "sg.graphql")]) == 1
    assert (
        "[UNKNOWN_FEDERATION_LINK_VERSION] [a] the subgraph links federation v2.9" in capsys.readouterr().err
    )

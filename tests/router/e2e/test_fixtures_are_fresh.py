"""The committed supergraph fixtures are what the reference composer makes of the subgraphs' current
SDL (``{ _service { sdl } }``). Runs only where node and the composer are installed; regenerate with
``python -m tests.router.e2e.compose_fixtures``."""

from __future__ import annotations

import pytest

from .compose_fixtures import compose_all, composer_available, feature_names, fixture_path

pytestmark = pytest.mark.skipif(not composer_available(), reason="node or tests/node/node_modules missing")


@pytest.fixture(scope="module")
def composed() -> dict[str, str]:
    return compose_all(feature_names())


@pytest.mark.parametrize("feature", feature_names())
def test_committed_fixture_equals_the_composed_supergraph(feature, composed):
    assert fixture_path(feature).read_text() == composed[feature], (
        f"fixtures/{feature}.graphql is stale: run python -m tests.router.e2e.compose_fixtures {feature}"
    )

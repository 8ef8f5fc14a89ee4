"""Regenerate the supergraph fixtures of the end-to-end tests with the reference composer.

Each module in ``tests/router/e2e/subgraphs`` is one subgraph set; its supergraph is written to
``tests/router/e2e/fixtures/<module>.graphql``. Subgraph SDL comes from ``{ _service { sdl } }``, as a
router's composition would fetch it, and the composer is ``tests/node/compose.mjs`` (needs node).

    .venv/bin/python -m tests.router.e2e.compose_fixtures            # all sets
    .venv/bin/python -m tests.router.e2e.compose_fixtures shop abstract

A module may name composer rules to skip in ``DISABLE_VALIDATION_RULES`` (with its reason); the one
set that does skips ``SatisfiabilityRule``, which does not model root type re-entry.

The tests never run node: the fixtures are committed, and ``test_fixtures_are_fresh`` re-composes them
only when node is available.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping

    import strawberry

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"
COMPOSER = HERE.parents[1] / "node" / "compose.mjs"
SUBGRAPHS_PACKAGE = "tests.router.e2e.subgraphs"


class CompositionError(Exception):
    pass


def feature_names() -> list[str]:
    package = importlib.import_module(SUBGRAPHS_PACKAGE)
    return sorted(m.name for m in pkgutil.iter_modules(package.__path__) if not m.name.startswith("_"))


def subgraph_schemas(feature: str) -> Mapping[str, strawberry.federation.Schema]:
    return importlib.import_module(f"{SUBGRAPHS_PACKAGE}.{feature}").SUBGRAPHS  # type: ignore[no-any-return]


def disabled_rules(feature: str) -> list[str]:
    """Composer rules the set skips (see the module's ``DISABLE_VALIDATION_RULES``)."""
    module = importlib.import_module(f"{SUBGRAPHS_PACKAGE}.{feature}")
    return list(getattr(module, "DISABLE_VALIDATION_RULES", ()))


def subgraph_url(name: str) -> str:
    return f"http://{name}/graphql"


def service_sdl(schema: strawberry.federation.Schema) -> str:
    result = schema.execute_sync("{ _service { sdl } }")
    if result.errors:
        raise CompositionError(f"_service {{ sdl }} failed: {result.errors}")
    assert result.data is not None
    return str(result.data["_service"]["sdl"])


def composer_available() -> bool:
    return shutil.which("node") is not None and (COMPOSER.parent / "node_modules").is_dir()


def subgraph_list(feature: str) -> list[dict[str, str]]:
    """The composer's input for one set: name, routing URL and SDL of each subgraph."""
    return [
        {"name": name, "url": subgraph_url(name), "sdl": service_sdl(schema)}
        for name, schema in subgraph_schemas(feature).items()
    ]


def run_composer(feature: str, subgraphs: list[dict[str, str]]) -> str:
    proc = subprocess.run(
        ["node", str(COMPOSER)],
        input=json.dumps({"subgraphs": subgraphs, "disableValidationRules": disabled_rules(feature)}),
        capture_output=True,
        text=True,
        check=True,
        cwd=COMPOSER.parent,
    )
    return _supergraph(feature, json.loads(proc.stdout))


def _supergraph(feature: str, out: dict[str, Any]) -> str:
    if "errors" in out:
        raise CompositionError(
            f"{feature}: " + "; ".join(f"[{e['code']}] {e['message']}" for e in out["errors"])
        )
    return str(out["supergraphSdl"]).rstrip("\n") + "\n"


def compose(feature: str) -> str:
    """The supergraph SDL the reference composer makes of the feature's subgraphs."""
    return run_composer(feature, subgraph_list(feature))


# compose.mjs composes one set per node process; node's start-up dominates, so many sets are composed
# in one process by the same library call with the same arguments (see tests/node/compose.mjs).
_BATCH_COMPOSER = """
import { readFileSync } from "node:fs";
import { parse } from "graphql";
import { composeServices } from "@theguild/federation-composition";
const { sets, disabled } = JSON.parse(readFileSync(0, "utf8"));
const out = {};
for (const [feature, subgraphs] of Object.entries(sets)) {
  try {
    const result = composeServices(
      subgraphs.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) })),
      disabled[feature].length ? { disableValidationRules: disabled[feature] } : undefined,
    );
    out[feature] = result.errors
      ? { errors: result.errors.map((e) => ({ code: e.extensions?.code ?? null, message: e.message })) }
      : { supergraphSdl: result.supergraphSdl };
  } catch (err) {
    out[feature] = { errors: [{ code: "PARSE_ERROR", message: String(err.message) }] };
  }
}
process.stdout.write(JSON.stringify(out));
"""


def compose_all(features: list[str]) -> dict[str, str]:
    """Compose several sets in one node process; same result as ``compose`` for each."""
    sets = {feature: subgraph_list(feature) for feature in features}
    disabled = {feature: disabled_rules(feature) for feature in features}
    proc = subprocess.run(
        ["node", "--input-type=module", "-e", _BATCH_COMPOSER],
        input=json.dumps({"sets": sets, "disabled": disabled}),
        capture_output=True,
        text=True,
        check=True,
        cwd=COMPOSER.parent,
    )
    return {feature: _supergraph(feature, out) for feature, out in json.loads(proc.stdout).items()}


def fixture_path(feature: str) -> Path:
    return FIXTURES / f"{feature}.graphql"


def main(argv: list[str]) -> int:
    features = argv or feature_names()
    for feature, supergraph in compose_all(features).items():
        fixture_path(feature).write_text(supergraph)
        print(f"wrote {fixture_path(feature).relative_to(HERE.parents[2])}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Recompose the named fixture supergraphs (needs node; tests themselves never do).

Each ``tests/fixtures/<scenario>/`` holds one ``<subgraph>.graphql`` per subgraph (routing URL
``http://<subgraph>``); the reference composer ``tests/node/compose.mjs`` writes the supergraph to
``tests/fixtures/<scenario>.graphql`` and its API schema to ``tests/fixtures/<scenario>.api.graphql``.

    .venv/bin/python -m tests.router.supergraph.compose_fixtures [scenario ...]
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
COMPOSER = Path(__file__).resolve().parents[2] / "node" / "compose.mjs"

LINK = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable", '
    '"@external", "@requires", "@provides", "@override", "@inaccessible", "@interfaceObject", '
    '"@authenticated", "@requiresScopes", "@tag"])\n'
)
# Scenarios using @context/@fromContext need federation v2.8 (which composes to join v0.5).
CONTEXT_LINK = LINK.replace("v2.7", "v2.8").replace('"@tag"]', '"@tag", "@context", "@fromContext"]')
# Scenarios whose fields returning `Query` are only satisfiable through root type re-entry, which the
# reference composer's satisfiability check does not model (Apollo's composition and ours do): composed
# without that one rule. Still needed: the reference rejects them; our composer accepts them and
# writes the same supergraph (tests/schema/test_satisfiability.py checks it).
ROOT_REENTRY = frozenset({"root_reentry"})


def _link(sdl: str) -> str:
    return CONTEXT_LINK if "@fromContext" in sdl else LINK


def compose(scenario: Path) -> tuple[str, str]:
    subgraphs = [
        {"name": p.stem, "url": f"http://{p.stem}", "sdl": _link(p.read_text()) + p.read_text()}
        for p in sorted(scenario.glob("*.graphql"))
    ]
    request: dict[str, object] = {"subgraphs": subgraphs}
    if scenario.name in ROOT_REENTRY:
        request["disableValidationRules"] = ["SatisfiabilityRule"]
    out = subprocess.run(
        ["node", str(COMPOSER)],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(out.stdout)
    if "errors" in result:
        raise SystemExit(f"{scenario.name}: " + json.dumps(result["errors"], indent=2))
    return str(result["supergraphSdl"]), str(result["publicSdl"])


def main(names: list[str]) -> None:
    for scenario in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        if names and scenario.name not in names:
            continue
        supergraph, api = compose(scenario)
        (FIXTURES / f"{scenario.name}.graphql").write_text(supergraph + "\n")
        (FIXTURES / f"{scenario.name}.api.graphql").write_text(api + "\n")
        print(f"composed {scenario.name}")


if __name__ == "__main__":
    main(sys.argv[1:])

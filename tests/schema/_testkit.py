"""Test helpers for composition: fixture sets, the batch oracle, and supergraph normalisation.

A fixture set is a directory ``tests/schema/fixtures/<set>/`` holding one ``<subgraph>.graphql``
per subgraph and ``expected.yaml``::

    valid: true                      # or: errors: [INVALID_FIELD_SHARING, ...]
    oracle_difference: "why"         # optional: a deliberate difference from the oracle

Supergraphs are compared *semantically*: :func:`normalize_supergraph` sorts what is not ordered
in meaning (types, fields, directives, arguments) and expands the join spec's implicit default
(a field without ``@join__field`` is resolved by every graph of its type's ``@join__type``), so
two composers that spell the same supergraph differently compare equal.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from graphql import (
    DirectiveNode,
    EnumTypeDefinitionNode,
    InputObjectTypeDefinitionNode,
    InterfaceTypeDefinitionNode,
    ObjectTypeDefinitionNode,
    ScalarTypeDefinitionNode,
    SchemaDefinitionNode,
    UnionTypeDefinitionNode,
    parse,
    print_ast,
    value_from_ast_untyped,
)

from schema import SubgraphSource
from schema._fieldset import normalize_field_set

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures"
NODE_DIR = ROOT / "tests" / "node"
BATCH_SCRIPT = Path(__file__).parent / "oracle_batch.mjs"


@dataclass(frozen=True, slots=True)
class FixtureSet:
    name: str
    subgraphs: tuple[SubgraphSource, ...]
    expected_errors: tuple[str, ...]
    oracle_difference: str | None

    @property
    def valid(self) -> bool:
        return not self.expected_errors


def load_fixture_sets() -> list[FixtureSet]:
    sets = []
    for directory in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        expected = yaml.safe_load((directory / "expected.yaml").read_text())
        subgraphs = tuple(
            SubgraphSource(name=path.stem, url=f"http://{path.stem}.local/graphql", sdl=path.read_text())
            for path in sorted(directory.glob("*.graphql"))
        )
        sets.append(
            FixtureSet(
                name=directory.name,
                subgraphs=subgraphs,
                expected_errors=tuple(expected.get("errors") or ()),
                oracle_difference=expected.get("oracle_difference"),
            )
        )
    return sets


class OracleUnavailable(RuntimeError):
    """node (or the pinned package) is missing; the message says which."""


def ensure_oracle() -> None:
    """Make the oracle runnable: under CI a missing node or package is a failure, locally a skip."""
    if shutil.which("node") is None:
        raise OracleUnavailable("node is not installed; the oracle tests need it")
    if not (NODE_DIR / "node_modules" / "@theguild" / "federation-composition").exists():
        result = subprocess.run(
            ["npm", "ci", "--prefix", str(NODE_DIR)], capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise OracleUnavailable(f"npm ci --prefix tests/node failed:\n{result.stderr}")


def run_oracle(sets: dict[str, list[SubgraphSource]]) -> dict[str, Any]:
    """Compose every set with ``@theguild/federation-composition`` in one node process."""
    payload = {
        name: {"subgraphs": [{"name": s.name, "url": s.url, "sdl": s.sdl} for s in subgraphs]}
        for name, subgraphs in sets.items()
    }
    result = subprocess.run(
        ["node", str(BATCH_SCRIPT), str(NODE_DIR)],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "NODE_OPTIONS": "--max-old-space-size=4096"},
    )
    parsed: dict[str, Any] = json.loads(result.stdout)
    return parsed


_JOIN_DEFAULTS = {
    "join__type": {"extension": False, "resolvable": True, "isInterfaceObject": False},
    "join__field": {"external": False, "usedOverridden": False},
}
_FIELD_SET_ARGS = {("join__type", "key"), ("join__field", "requires"), ("join__field", "provides")}


def _directive(node: DirectiveNode) -> str:
    name = node.name.value
    args: dict[str, Any] = {a.name.value: value_from_ast_untyped(a.value) for a in node.arguments or ()}
    for arg, default in _JOIN_DEFAULTS.get(name, {}).items():
        if args.get(arg) == default:
            del args[arg]
    for directive_name, arg in _FIELD_SET_ARGS:
        if name == directive_name and isinstance(args.get(arg), str):
            args[arg] = normalize_field_set(args[arg])
    if not args:
        return f"@{name}"
    return (
        f"@{name}("
        + ", ".join(f"{k}: {json.dumps(v, sort_keys=True)}" for k, v in sorted(args.items()))
        + ")"
    )


def _directives(
    nodes: Any, expand_graphs: list[str] | None = None, join_name: str = "join__field"
) -> list[str]:
    printed = sorted(_directive(d) for d in nodes or ())
    if expand_graphs is not None and not any(p.startswith(f"@{join_name}") for p in printed):
        printed = sorted(printed + [f'@{join_name}(graph: "{g}")' for g in expand_graphs])
    return printed


def _description(node: Any) -> str:
    description = getattr(node, "description", None)
    return " ".join(description.value.split()) if description else ""


def normalize_supergraph(sdl: str, *, with_descriptions: bool = True) -> list[str]:
    """Canonical lines of a supergraph (or API schema) SDL; equal lines mean equal supergraphs."""
    lines: list[str] = []
    document = parse(sdl, no_location=True)
    for definition in document.definitions:
        if isinstance(definition, SchemaDefinitionNode):
            ops = sorted(f"{o.operation.value}: {o.type.name.value}" for o in definition.operation_types)
            lines.append("schema " + " ".join(_directives(definition.directives)) + " " + " ".join(ops))
            continue
        name = getattr(definition, "name", None)
        if name is None:
            continue
        type_name = name.value
        prefix = f"{type(definition).__name__.removesuffix('DefinitionNode')} {type_name}"
        if with_descriptions and _description(definition):
            lines.append(f"{prefix} description {_description(definition)}")
        type_directives = getattr(definition, "directives", None)
        lines.append(f"{prefix} directives " + " ".join(_directives(type_directives)))
        graphs = sorted(
            {
                str(value_from_ast_untyped(a.value))
                for d in type_directives or ()
                if d.name.value == "join__type"
                for a in d.arguments
                if a.name.value == "graph"
            }
        )
        if isinstance(definition, ObjectTypeDefinitionNode | InterfaceTypeDefinitionNode):
            lines.append(
                f"{prefix} implements " + " ".join(sorted(i.name.value for i in definition.interfaces or ()))
            )
        if isinstance(definition, UnionTypeDefinitionNode):
            lines.append(
                f"{prefix} members " + " ".join(sorted(t.name.value for t in definition.types or ()))
            )
        if isinstance(definition, ObjectTypeDefinitionNode | InterfaceTypeDefinitionNode):
            for f in definition.fields or ():
                lines.append(
                    f"{prefix}.{f.name.value}: {print_ast(f.type)} "
                    + " ".join(_directives(f.directives, graphs if graphs else None))
                )
                if with_descriptions and _description(f):
                    lines.append(f"{prefix}.{f.name.value} description {_description(f)}")
                for arg in f.arguments or ():
                    default = f" = {print_ast(arg.default_value)}" if arg.default_value else ""
                    lines.append(
                        f"{prefix}.{f.name.value}({arg.name.value}: {print_ast(arg.type)}{default}) "
                        + " ".join(_directives(arg.directives))
                    )
        if isinstance(definition, InputObjectTypeDefinitionNode):
            for f in definition.fields or ():
                default = f" = {print_ast(f.default_value)}" if f.default_value else ""
                lines.append(
                    f"{prefix}.{f.name.value}: {print_ast(f.type)}{default} "
                    + " ".join(_directives(f.directives, graphs if graphs else None))
                )
        if isinstance(definition, EnumTypeDefinitionNode):
            for v in definition.values or ():
                lines.append(f"{prefix}.{v.name.value} " + " ".join(_directives(v.directives)))
        if isinstance(definition, ScalarTypeDefinitionNode):
            pass
    return sorted(lines)

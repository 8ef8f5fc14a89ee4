"""``supergraph check``: does it compose, is the committed supergraph current, does it break clients?

Three checks for CI, in the order a developer fixes them: composition errors; staleness
(the committed ``schema/supergraph.graphql`` differs byte for byte from a fresh composition);
breaking changes of the API schema against a base (by default the committed file on the git
base branch), which ``allow_breaking`` downgrades to a report.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._api import api_schema_from_supergraph
from ._compose import CompositionResult, compose
from ._config import SupergraphConfig
from ._diff import Change, diff_api_schemas
from ._hints import CompositionHint
from ._sources import collect_sources
from .errors import CompositionError

__all__ = ["CheckReport", "check", "format_hints", "resolve_base_ref"]


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckReport:
    """Everything ``check`` found; ``ok`` is the exit status CI cares about."""

    errors: tuple[CompositionError, ...] = ()
    hints: tuple[CompositionHint, ...] = ()
    """Non-fatal composition findings; reported, never a reason to fail."""
    stale: bool = False
    stale_reason: str | None = None
    base_ref: str | None = None
    base_note: str | None = None
    changes: tuple[Change, ...] = ()
    allow_breaking: bool = False
    supergraph_path: str = ""
    result: CompositionResult | None = field(default=None, compare=False, repr=False)

    @property
    def breaking(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.severity == "BREAKING")

    @property
    def ok(self) -> bool:
        return not self.errors and not self.stale and (self.allow_breaking or not self.breaking)

    def as_dict(self) -> dict[str, Any]:
        """The ``--format json`` document."""
        return {
            "ok": self.ok,
            "errors": [e.as_dict() for e in self.errors],
            "hints": [h.as_dict() for h in self.hints],
            "stale": self.stale,
            "staleReason": self.stale_reason,
            "supergraph": self.supergraph_path,
            "base": self.base_ref,
            "baseNote": self.base_note,
            "allowBreaking": self.allow_breaking,
            "changes": [c.as_dict() for c in self.changes],
        }

    def as_text(self) -> str:
        """The human-readable report."""
        lines: list[str] = []
        if self.errors:
            lines.append(f"Composition failed with {len(self.errors)} error(s):")
            for error in self.errors:
                where = " ".join(
                    part
                    for part in (
                        f"subgraph={error.subgraph}" if error.subgraph else "",
                        f"at={error.coordinate}" if error.coordinate else "",
                    )
                    if part
                )
                lines.append(f"  [{error.code}] {where}".rstrip())
                lines += ["      " + line for line in error.message.splitlines()]
        else:
            lines.append("Composition: ok")
        lines += format_hints(self.hints)
        if self.stale:
            lines.append(f"Stale: {self.supergraph_path} {self.stale_reason}; run `supergraph compose`.")
        elif not self.errors:
            lines.append(f"Up to date: {self.supergraph_path}")
        if self.base_note:
            lines.append(f"Breaking-change check: {self.base_note}")
        elif self.base_ref is not None:
            breaking = len(self.breaking)
            verdict = "allowed by --allow-breaking" if (breaking and self.allow_breaking) else ""
            lines.append(
                f"API changes against {self.base_ref}: {len(self.changes)} ({breaking} breaking)"
                f" {verdict}".rstrip()
            )
            for change in self.changes:
                lines.append(f"  {change.severity:<9} {change.code}: {change.message}")
        lines.append("check: " + ("passed" if self.ok else "FAILED"))
        return "\n".join(lines)


def format_hints(hints: tuple[CompositionHint, ...]) -> list[str]:
    """Hints as warning lines (empty when there are none), shared by ``compose`` and ``check``."""
    if not hints:
        return []
    lines = [f"Composition hints ({len(hints)}, warnings only):"]
    for hint in hints:
        lines.append(f"  warning [{hint.code}] {hint.message}")
    return lines


def resolve_base_ref(root: Path) -> str | None:
    """The git base to diff against: ``GITHUB_BASE_REF`` under CI, else origin/main, main, ..."""
    candidates = []
    if os.environ.get("GITHUB_BASE_REF"):
        candidates.append(f"origin/{os.environ['GITHUB_BASE_REF']}")
    candidates += ["origin/main", "main", "origin/master", "master"]
    for ref in candidates:
        result = subprocess.run(
            ["git", "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode == 0:
            return ref
    return None


def _file_at(root: Path, ref: str, path: Path) -> str | None:
    top = subprocess.run(
        ["git", "rev-parse", "--show-toplevel"], cwd=root, capture_output=True, text=True, check=False
    )
    if top.returncode != 0:
        return None
    relative = path.resolve().relative_to(Path(top.stdout.strip()).resolve())
    shown = subprocess.run(
        ["git", "show", f"{ref}:{relative.as_posix()}"], cwd=root, capture_output=True, text=True, check=False
    )
    return shown.stdout if shown.returncode == 0 else None


def check(
    config: SupergraphConfig,
    *,
    supergraph_path: Path,
    base: str | None = None,
    base_sdl: str | None = None,
    allow_breaking: bool = False,
) -> CheckReport:
    """Compose from ``config`` and compare with the committed supergraph and the base's API schema.

    ``base_sdl`` (a supergraph SDL) bypasses git, for tests and for tools that fetched the base
    themselves; otherwise ``base`` (a git ref, default :func:`resolve_base_ref`) is read with
    ``git show``.
    """
    result = compose(collect_sources(config), federation_version=config.federation_version)
    shown_path = _display(supergraph_path, config.root)
    if result.errors:
        return CheckReport(
            errors=result.errors, supergraph_path=shown_path, allow_breaking=allow_breaking, result=result
        )
    assert result.supergraph_sdl is not None and result.api_schema_sdl is not None
    stale, reason = False, None
    if not supergraph_path.exists():
        stale, reason = True, "does not exist"
    elif supergraph_path.read_text() != result.supergraph_sdl:
        stale, reason = True, "differs from a fresh composition"

    base_ref, note = None, None
    if base_sdl is None:
        base_ref = base or resolve_base_ref(config.root)
        if base_ref is None:
            note = "skipped, no git base branch found (pass --base)"
        else:
            base_sdl = _file_at(config.root, base_ref, supergraph_path)
            if base_sdl is None:
                note = f"skipped, {shown_path} does not exist on {base_ref}"
    else:
        base_ref = base or "given base"
    changes: tuple[Change, ...] = ()
    if base_sdl is not None:
        changes = tuple(diff_api_schemas(api_schema_from_supergraph(base_sdl), result.api_schema_sdl))
    return CheckReport(
        hints=result.hints,
        stale=stale,
        stale_reason=reason,
        base_ref=base_ref,
        base_note=note,
        changes=changes,
        allow_breaking=allow_breaking,
        supergraph_path=shown_path,
        result=result,
    )


def _display(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)

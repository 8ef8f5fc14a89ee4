"""The router with its executor's response handling as it was before profile round 4 (a baseline).

Round 4 (bench/README.md) reworked the executor's per-request work on the deep query: representation
collection (``_flatten``), shaping (``_shape``), merging and the plan walk. This variant runs the
router as shipped except that those modules are loaded from git commit ``BASELINE`` (the commit the
round started from), so the gain is measured in the same rounds as the router
(``bench/run --experiment executor-before``). Nothing in ``router/`` changes: an import hook serves
the old module sources in this process only. Needs ``git`` and the repository's history.

    python -m bench.experiments.executor_before SUPERGRAPH_PATH PORT
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import uvicorn

if TYPE_CHECKING:
    from collections.abc import Sequence
    from importlib.machinery import ModuleSpec
    from types import ModuleType

__all__ = ["BASELINE", "MODULES", "install", "main"]

BASELINE = "0565af686ee08314d2ef59a48e058e293e2d4c73"
#: The executor modules round 4 changed (their public signatures did not change).
MODULES = ("_execute", "_flatten", "_merge", "_rewrites", "_shape")
_ROOT = Path(__file__).resolve().parents[2]


class _GitSourceLoader(importlib.abc.SourceLoader):
    def __init__(self, fullname: str, source: bytes) -> None:
        self._fullname = fullname
        self._source = source

    def get_filename(self, fullname: str) -> str:
        return f"<{BASELINE[:7]}:{fullname}>"

    def get_data(self, path: str) -> bytes:
        return self._source


class _GitFinder(importlib.abc.MetaPathFinder):
    def __init__(self, sources: dict[str, bytes]) -> None:
        self._sources = sources

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        source = self._sources.get(fullname)
        if source is None:
            return None
        return importlib.util.spec_from_loader(fullname, _GitSourceLoader(fullname, source))


def install(commit: str = BASELINE, modules: Sequence[str] = MODULES) -> None:
    """Serve ``router.executor.<module>`` from ``commit`` for each of ``modules`` (before any import)."""
    sources = {
        f"router.executor.{name}": subprocess.run(
            ["git", "show", f"{commit}:router/executor/{name}.py"],
            cwd=_ROOT,
            check=True,
            capture_output=True,
        ).stdout
        for name in modules
    }
    sys.meta_path.insert(0, _GitFinder(sources))


def main() -> None:
    install()
    from router.server import create_app

    supergraph, port = sys.argv[1], int(sys.argv[2])
    app = create_app(supergraph_path=Path(supergraph))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()

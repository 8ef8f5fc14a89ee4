"""Composing a repository-sized supergraph stays well under a second (bench/ covers the big case)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench" / "compose"))

from bench_compose import generate  # noqa: E402

from schema import compose  # noqa: E402


def test_composing_five_subgraphs_of_twenty_entities_takes_under_a_second() -> None:
    sources = generate(5, 20)
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        result = compose(sources)
        timings.append(time.perf_counter() - started)
    assert result.ok, result.errors
    assert min(timings) < 1.0, timings


#: What a running subgraph needs and a schema import must not load: ``supergraph compose`` imports
#: the six schema modules, and these (with what they pull in) were most of its time.
APP_ONLY_MODULES = ("fastapi", "aio_pika", "redis", "opentelemetry.sdk")


def test_importing_the_subgraph_schemas_loads_no_app_only_module() -> None:
    script = textwrap.dedent(
        f"""
        import importlib, sys
        import yaml
        config = yaml.safe_load(open("supergraph.yaml"))
        for subgraph in config["subgraphs"].values():
            importlib.import_module(subgraph["schema"]["module"].partition(":")[0])
        print(",".join(name for name in {APP_ONLY_MODULES!r} if name in sys.modules))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "", f"imported by the schema modules: {result.stdout.strip()}"

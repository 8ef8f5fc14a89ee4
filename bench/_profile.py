"""Profile the router under load with py-spy and summarise where its samples go.

py-spy (PyPI, ``pip install py-spy``) samples the running router from outside the process while
wrk drives the deep federation query; ``--format raw`` writes collapsed stacks, one
``frame;frame;... count`` line per distinct stack, which ``summarise`` turns into the top
functions by own samples (self) and by samples anywhere on the stack (total).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._context import Bench

__all__ = ["profile_router", "summarise"]

#: Leaf frames that are waiting, not working: the idle thread pool worker, and the event loop's
#: ``run`` whose own samples are uvloop's C code, mostly waiting in epoll. Counted apart.
IDLE_LEAVES = frozenset({"concurrent/futures/thread.py:_worker", "asyncio/runners.py:Runner.run"})

_FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^()]*?)(?::\d+)?\)$")


def _function(frame: str) -> str:
    """``execute_plan (router/executor/_execute.py:42)`` -> ``router/executor/_execute.py:execute_plan``."""
    match = _FRAME.match(frame.strip())
    if match is None:
        return frame.strip()
    path = match.group("file")
    for marker in ("/site-packages/", "/work/main/", "/lib/python3"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{path}:{match.group('func')}"


def summarise(collapsed: str, *, top: int = 20) -> dict[str, Any]:
    """Top functions as % of the working samples (``IDLE_LEAVES`` excluded, counted apart)."""
    own: Counter[str] = Counter()
    total: Counter[str] = Counter()
    by_file: Counter[str] = Counter()
    samples = idle = 0
    for line in collapsed.splitlines():
        stack, _, count_text = line.rstrip().rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [_function(f) for f in stack.split(";") if f and not f.startswith("process ")]
        frames = [f for f in frames if not f.startswith("thread ")]
        if not frames:
            continue
        if frames[-1] in IDLE_LEAVES:
            idle += count
            continue
        samples += count
        own[frames[-1]] += count
        by_file[_package(frames[-1])] += count
        for name in set(frames):
            total[name] += count

    def pct(counter: Counter[str]) -> list[dict[str, Any]]:
        return [{"function": n, "percent": 100 * c / samples} for n, c in counter.most_common(top)]

    return {
        "samples": samples,
        "idle_samples": idle,
        "self": pct(own),
        "total": pct(total),
        "self_by_package": pct(by_file),
    }


def _package(function: str) -> str:
    path = function.split(":", 1)[0]
    parts = path.split("/")
    return "/".join(parts[:2]) if parts[0] in ("router", "bench") else parts[0]


def profile_router(bench: Bench, *, body: bytes, connections: int, out: Path) -> dict[str, Any] | None:
    # pip installs it beside the interpreter (.venv/bin), which need not be on PATH.
    py_spy = shutil.which("py-spy") or shutil.which("py-spy", path=str(Path(sys.executable).parent))
    if py_spy is None:
        bench.notes.append("profile skipped: py-spy not installed (`.venv/bin/pip install py-spy`)")
        return None
    router = bench.gateway("router", body)
    script = bench.wrk_script("profile", body)
    seconds = bench.options.profile_s
    load = threading.Thread(
        target=bench.load,
        args=(router.url, script),
        kwargs={"connections": connections, "duration_s": seconds + 3},
    )
    load.start()
    try:
        completed = subprocess.run(
            [
                py_spy,
                "record",
                "--pid",
                str(router.pid),
                "--duration",
                str(int(seconds)),
                "--rate",
                "100",
                "--format",
                "raw",
                "--output",
                str(out),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        load.join()
    if completed.returncode != 0 or not out.exists():
        bench.notes.append(f"py-spy failed: {(completed.stderr or completed.stdout).strip()[-300:]}")
        return None
    summary = summarise(out.read_text())
    summary["collapsed_stacks"] = str(out)
    return summary

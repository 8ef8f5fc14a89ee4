"""Start the benchmark's servers on 127.0.0.1 and always stop them again.

Each server runs in its own session (process group), so stopping it also stops anything it forked
(Node gateways may fork workers): SIGTERM to that group, SIGKILL after a grace period. ``Processes``
is a context manager; leaving it by an exception, Ctrl-C (SIGINT) or SIGTERM stops everything it
started, and nothing else.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType, TracebackType

import httpx

__all__ = [
    "Process",
    "Processes",
    "StartFailed",
    "free_port",
    "process_tree_cpu_s",
    "process_tree_rss_kib",
    "sigterm_as_exit",
]

_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class StartFailed(Exception):
    """A server did not come up; the message names it and points at its log."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    port: int
    log: Path
    started_at: float

    @property
    def pid(self) -> int:
        return self.popen.pid

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/graphql"


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on now (the kernel picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Processes:
    """The servers one benchmark run started, stopped together on exit."""

    def __init__(self, *, log_dir: Path) -> None:
        self._log_dir = log_dir
        self._running: list[Process] = []

    def start(
        self,
        name: str,
        argv: Sequence[str],
        *,
        port: int,
        cwd: Path | None = None,
        env: Mapping[str, str] | None = None,
    ) -> Process:
        self._log_dir.mkdir(parents=True, exist_ok=True)
        log = self._log_dir / f"{name}.log"
        with log.open("wb") as out:
            popen = subprocess.Popen(
                list(argv),
                cwd=cwd,
                env={**os.environ, **(env or {})},
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        process = Process(name=name, popen=popen, port=port, log=log, started_at=time.perf_counter())
        self._running.append(process)
        return process

    def wait_ready(self, process: Process, probe: bytes, *, timeout: float = 60.0) -> float:
        """Poll POST /graphql with ``probe`` until a 200 answer with data; return seconds since start."""
        deadline = time.monotonic() + timeout
        with httpx.Client(timeout=2.0) as client:
            while time.monotonic() < deadline:
                if process.popen.poll() is not None:
                    raise StartFailed(
                        f"{process.name} exited with code {process.popen.returncode}; see {process.log}"
                    )
                with contextlib.suppress(httpx.TransportError):
                    response = client.post(
                        process.url, content=probe, headers={"content-type": "application/json"}
                    )
                    if response.status_code == 200 and b'"data"' in response.content:
                        return time.perf_counter() - process.started_at
                time.sleep(0.01)
        raise StartFailed(
            f"{process.name} did not answer on {process.url} within {timeout:.0f} s; see {process.log}"
        )

    def stop(self, process: Process, *, grace: float = 5.0) -> None:
        if process in self._running:
            self._running.remove(process)
        if process.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.popen.wait(grace)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.popen.wait()
        # Workers a server forked into its group may outlive it; the group id is still ours to end.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)

    def stop_all(self) -> None:
        for process in reversed(list(self._running)):
            self.stop(process)

    def __enter__(self) -> Processes:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop_all()


def _tree(pid: int) -> list[tuple[int, list[str]]]:
    """``pid`` and its descendants with their /proc/<pid>/stat fields after the command name."""
    children: dict[int, list[int]] = {}
    stats: dict[int, list[str]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
            child = int(entry.name)
            stats[child] = fields
            children.setdefault(int(fields[1]), []).append(child)
    out, stack = [], [pid]
    while stack:
        current = stack.pop()
        if current in stats:
            out.append((current, stats[current]))
        stack.extend(children.get(current, ()))
    return out


def process_tree_rss_kib(pid: int) -> int:
    """Resident memory of ``pid`` and its descendants in KiB (Linux /proc), 0 when it is gone."""
    page_kib = os.sysconf("SC_PAGE_SIZE") // 1024
    # stat fields after ")": state(0) ppid(1) ... utime(11) stime(12) ... rss(21) in pages.
    return sum(int(fields[21]) * page_kib for _pid, fields in _tree(pid))


def process_tree_cpu_s(pid: int) -> float:
    """User + system CPU seconds used so far by ``pid`` and its live descendants."""
    return sum((int(fields[11]) + int(fields[12])) / _CLOCK_TICKS for _pid, fields in _tree(pid))


@contextlib.contextmanager
def sigterm_as_exit() -> Iterator[None]:
    """Turn SIGTERM into SystemExit while the run lasts, so cleanup runs as for Ctrl-C."""

    def handler(signum: int, _frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)

"""`supergraph worker` as a process: /health/live, /health/ready and /metrics on ``--port``, and a
clean exit on SIGTERM. The whole order flow through a worker is in test_dev_processes.py."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from ..test_cli import ROOT, _config, _free_ports
from .shop_flow import wait_ready

CLI = [sys.executable, "-m", "router.cli"]


def _start_worker(tmp_path: Path, port: int, *names: str, **env: str) -> subprocess.Popen[str]:
    config = _config(tmp_path, dict(zip(names, _free_ports(len(names)), strict=True)))
    return subprocess.Popen(
        [*CLI, "worker", *names, "--config", str(config), "--port", str(port), "--log-level", "warning"],
        cwd=ROOT,
        env={**os.environ, "DATA_DIR": str(tmp_path / "data"), "PYTHONUNBUFFERED": "1", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _alive(process: subprocess.Popen[str]) -> None:
    assert process.poll() is None, process.communicate()[1][-3000:]


def _terminate(process: subprocess.Popen[str]) -> tuple[int, str]:
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    return process.returncode, stderr


def test_the_worker_serves_health_and_every_subgraphs_metrics_and_stops_on_sigterm(tmp_path: Path) -> None:
    """On the embedded defaults (SQLite, the in-process bus): the orders relay and the notifications
    consumer in one process."""
    [port] = _free_ports(1)
    worker = _start_worker(tmp_path, port, "orders", "notifications")
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(timeout=10) as client:
            wait_ready(client, f"{base}/health/ready", alive=lambda: _alive(worker))
            live = client.get(f"{base}/health/live")
            ready = client.get(f"{base}/health/ready").json()
            metrics = client.get(f"{base}/metrics")
        code, stderr = _terminate(worker)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.communicate()

    assert live.status_code == 200
    assert ready["status"] == "ok"
    assert ready["subgraphs"]["notifications"] == {
        "ready": True,
        "started": True,
        "database": True,
        "consumers": {"notifications": True},
    }
    assert ready["subgraphs"]["orders"]["ready"] is True
    assert metrics.headers["content-type"].startswith("text/plain")
    families = list(text_string_to_metric_families(metrics.text))
    names = [family.name for family in families]
    assert len(names) == len(set(names))  # two apps' registries, each family once
    backlog = {
        s.labels["subgraph"]: s.value
        for f in families
        for s in f.samples
        if f.name == "subgraph_outbox_backlog"
    }
    assert backlog == {"orders": 0.0}  # notifications records no events: no outbox
    assert {"subgraph_event_deliveries", "subgraph_outbox_published"} <= set(names)
    assert code == 0, stderr[-3000:]


def test_the_worker_is_live_but_not_ready_while_its_consumer_cannot_reach_rabbitmq(tmp_path: Path) -> None:
    [port, closed] = _free_ports(2)  # nothing listens on ``closed``
    worker = _start_worker(
        tmp_path, port, "notifications", EVENT_BUS_URL=f"amqp://guest:guest@127.0.0.1:{closed}/"
    )
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(timeout=10) as client:
            wait_ready(client, f"{base}/health/live", alive=lambda: _alive(worker))
            time.sleep(1)  # the consumer has tried, and is retrying
            ready = client.get(f"{base}/health/ready")
        code, stderr = _terminate(worker)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.communicate()

    assert ready.status_code == 503
    assert ready.json()["subgraphs"]["notifications"] == {
        "ready": False,
        "started": True,
        "database": True,
        "consumers": {"notifications": False},
    }
    assert code == 0, stderr[-3000:]

"""``supergraph compose`` and ``supergraph check``: output files, staleness, breaking changes, JSON."""

from __future__ import annotations

import gc
import json
import subprocess
from pathlib import Path

import pytest

from schema import main_check, main_compose

USERS_V1 = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\n'
    'type Query { user(id: ID!): User }\ntype User @key(fields: "id")'
    " { id: ID! name: String email: String }\n"
)
REVIEWS = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\n'
    "type Review { body: String author: User }\ntype Query { reviews: [Review] }\n"
    'type User @key(fields: "id") { id: ID! reviews: [Review] }\n'
)


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "init.defaultBranch=main", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repo on ``main`` with two file-sourced subgraphs and a committed, current supergraph."""
    (tmp_path / "subgraphs").mkdir()
    (tmp_path / "subgraphs" / "users.graphql").write_text(USERS_V1)
    (tmp_path / "subgraphs" / "reviews.graphql").write_text(REVIEWS)
    (tmp_path / "supergraph.yaml").write_text(
        "federation_version: =2.9.0\nsubgraphs:\n"
        "  users:\n    routing_url: http://127.0.0.1:4001/graphql\n    schema:\n      file:"
        " subgraphs/users.graphql\n"
        "  reviews:\n    routing_url: http://127.0.0.1:4002/graphql\n    schema:\n      file:"
        " subgraphs/reviews.graphql\n"
    )
    assert main_compose(["--config", str(tmp_path / "supergraph.yaml")]) == 0
    _git(tmp_path, "init")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-m", "base")
    return tmp_path


def test_compose_writes_the_supergraph_and_the_api_schema(repo: Path) -> None:
    api = repo / "api.graphql"
    assert main_compose(["--config", str(repo / "supergraph.yaml"), "--api-schema", str(api)]) == 0
    supergraph = (repo / "schema" / "supergraph.graphql").read_text()
    assert '@link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION)' in supergraph
    assert 'REVIEWS @join__graph(name: "reviews", url: "http://127.0.0.1:4002/graphql")' in supergraph
    assert "join__" not in api.read_text() and "type Review" in api.read_text()


def test_compose_reports_errors_and_exits_one(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "subgraphs" / "reviews.graphql").write_text(REVIEWS.replace("body: String", "body: Missing"))
    assert main_compose(["--config", str(repo / "supergraph.yaml")]) == 1
    assert "[INVALID_GRAPHQL] [reviews] Unknown type 'Missing'" in capsys.readouterr().err


def test_compose_and_check_leave_the_garbage_collector_as_they_found_it(repo: Path) -> None:
    """They pause cyclic collection while they run (it only costs a short command time)."""
    assert gc.isenabled()
    assert main_compose(["--config", str(repo / "supergraph.yaml")]) == 0
    assert main_compose(["--config", str(repo / "nope.yaml")]) == 2
    assert gc.isenabled()


def test_compose_exits_two_on_a_missing_config(tmp_path: Path) -> None:
    assert main_compose(["--config", str(tmp_path / "nope.yaml")]) == 2


def test_check_passes_on_a_current_supergraph(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main_check(["--config", str(repo / "supergraph.yaml"), "--base", "main"]) == 0
    out = capsys.readouterr().out
    assert "check: passed" in out and "API changes against main: 0" in out


def test_check_fails_when_the_committed_supergraph_is_stale(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "subgraphs" / "users.graphql").write_text(
        USERS_V1.replace("email: String", "email: String age: Int")
    )
    assert main_check(["--config", str(repo / "supergraph.yaml"), "--base", "main"]) == 1
    out = capsys.readouterr().out
    assert "Stale: schema/supergraph.graphql" in out
    assert "SAFE      FIELD_ADDED: Field User.age was added." in out


def test_check_fails_on_breaking_changes_unless_allowed(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(repo / "supergraph.yaml")
    (repo / "subgraphs" / "users.graphql").write_text(USERS_V1.replace(" email: String", ""))
    assert main_compose(["--config", config]) == 0  # up to date, but breaking against main
    assert main_check(["--config", config, "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False and report["stale"] is False and report["base"] == "main"
    assert {
        "severity": "BREAKING",
        "code": "FIELD_REMOVED",
        "message": "Field User.email was removed.",
    } in report["changes"]
    assert main_check(["--config", config, "--allow-breaking"]) == 0
    assert "allowed by --allow-breaking" in capsys.readouterr().out


def test_check_reports_composition_errors_as_json(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "subgraphs" / "reviews.graphql").write_text(
        REVIEWS.replace("reviews: [Review]\n", "reviews: [Review]\n}\ntype X { ")
    )
    (repo / "subgraphs" / "users.graphql").write_text(
        USERS_V1.replace("name: String", "name: String reviews: Int")
    )
    assert main_check(["--config", str(repo / "supergraph.yaml"), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["errors"], report
    assert all({"code", "message", "subgraph", "coordinate"} <= set(e) for e in report["errors"])

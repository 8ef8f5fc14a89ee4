"""supergraph.yaml loading and the three ways of getting a subgraph's SDL."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from schema import ConfigError, SubgraphSourceError, collect_sources, compose, load_config

USERS_SDL = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\n'
    'type Query { me: User }\ntype User @key(fields: "id") { id: ID! }\n'
)


def _write_config(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "supergraph.yaml"
    path.write_text(body)
    return path


def test_load_config_reads_rover_style_file_sources_relative_to_the_config(tmp_path: Path) -> None:
    (tmp_path / "users.graphql").write_text(USERS_SDL)
    path = _write_config(
        tmp_path,
        "federation_version: =2.9.0\nsubgraphs:\n  users:\n    routing_url: http://u/graphql\n"
        "    schema:\n      file: users.graphql\n",
    )
    config = load_config(path)
    assert config.federation_version == "=2.9.0"
    (users,) = config.subgraphs
    assert (users.name, users.routing_url, users.source) == ("users", "http://u/graphql", "file")
    assert Path(users.location) == tmp_path / "users.graphql"
    (source,) = collect_sources(config)
    assert source.sdl == USERS_SDL
    assert compose([source]).ok


def test_load_config_defaults_to_importing_the_subgraph_package_in_process(tmp_path: Path) -> None:
    path = _write_config(tmp_path, "subgraphs:\n  users:\n    routing_url: http://u/graphql\n")
    (users,) = load_config(path).subgraphs
    assert (users.source, users.location) == ("module", "subgraphs.users.schema:schema")


@pytest.mark.parametrize(
    "body",
    [
        "subgraphs: {}\n",
        "nothing: here\n",
        "subgraphs:\n  users:\n    schema:\n      file: a.graphql\n",
        "subgraphs:\n  users:\n    routing_url: http://u\n    schema:\n      file: a.graphql\n     "
        " module: a:b\n",
        "subgraphs: [\n",
    ],
)
def test_load_config_rejects_malformed_files_with_a_config_error(tmp_path: Path, body: str) -> None:
    with pytest.raises(ConfigError):
        load_config(_write_config(tmp_path, body))


def test_load_config_reports_a_missing_file() -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_config("/nonexistent/supergraph.yaml")


def test_module_source_imports_the_strawberry_schema_and_reads_service_sdl(tmp_path: Path) -> None:
    path = _write_config(
        tmp_path,
        "subgraphs:\n  users:\n    routing_url: http://u/graphql\n"
        "    schema:\n      module: tests.schema.strawberry_app.users:schema\n",
    )
    (source,) = collect_sources(load_config(path))
    assert "@key" in source.sdl and "_service" in source.sdl
    result = compose([source])
    assert result.ok, result.errors
    assert result.supergraph_sdl is not None and "_entities" not in result.supergraph_sdl
    assert 'type User @join__type(graph: USERS, key: "id")' in result.supergraph_sdl


def test_module_source_reports_an_unimportable_module(tmp_path: Path) -> None:
    path = _write_config(
        tmp_path,
        "subgraphs:\n  users:\n    routing_url: http://u\n    schema:\n      module: no.such.module:schema\n",
    )
    with pytest.raises(SubgraphSourceError, match="users"):
        collect_sources(load_config(path))


@pytest.fixture
def sdl_server() -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            assert "_service" in body["query"]
            payload = json.dumps({"data": {"_service": {"sdl": USERS_SDL}}}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/graphql"
    server.shutdown()


def test_subgraph_url_source_asks_the_running_subgraph_for_its_sdl(tmp_path: Path, sdl_server: str) -> None:
    path = _write_config(tmp_path, f"subgraphs:\n  users:\n    schema:\n      subgraph_url: {sdl_server}\n")
    (source,) = collect_sources(load_config(path))
    assert source.sdl == USERS_SDL
    assert source.url == sdl_server


def test_subgraph_url_source_reports_an_unreachable_subgraph(tmp_path: Path) -> None:
    path = _write_config(
        tmp_path, "subgraphs:\n  users:\n    schema:\n      subgraph_url: http://127.0.0.1:9/graphql\n"
    )
    with pytest.raises(SubgraphSourceError, match="cannot fetch"):
        collect_sources(load_config(path))

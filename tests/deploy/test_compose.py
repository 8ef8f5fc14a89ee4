"""docker-compose.yml and the Dockerfile describe the production shape.

The compose file is validated against the Compose Specification by ``compose-spec`` (the Rust
``compose_spec`` parser: every key, type, duration and ``depends_on`` condition) and by
``docker compose config`` where that CLI is installed (no Docker engine or compose plugin runs on
CI machines); the structure tests below check what the spec cannot: that it is *our* topology."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from compose_spec import PyCompose

ROOT = Path(__file__).parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
SUBGRAPHS = list(yaml.safe_load((ROOT / "supergraph.yaml").read_text())["subgraphs"])
DOCKERFILE = (ROOT / "deploy" / "Dockerfile").read_text()


def _validate(compose: dict) -> None:
    # YAML merge keys (``<<: *env``) are resolved by the YAML loader, as docker compose does.
    PyCompose.from_json(json.dumps(compose))


def test_compose_file_is_valid_against_the_compose_specification() -> None:
    _validate(COMPOSE)
    assert set(COMPOSE["volumes"]) <= {
        v.split(":")[0] for s in SERVICES.values() for v in s.get("volumes", [])
    }


@pytest.mark.parametrize(
    ("service", "error"),
    [
        ({"image": "x", "depends_on": {"db": {"condition": "service_ready"}}}, "service_ready"),
        ({"image": "x", "healthcheck": {"test": ["CMD", "true"], "interval": "5 parsecs"}}, "parsecs"),
        ({"image": "x", "restrat": "always"}, "restrat"),
    ],
)
def test_the_compose_validator_rejects_what_docker_would(service: dict, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        _validate({"services": {"api": service}})


def test_every_dependency_and_volume_named_in_compose_exists() -> None:
    for name, service in SERVICES.items():
        for dependency in service.get("depends_on", {}):
            assert dependency in SERVICES, f"{name} depends on unknown service {dependency}"
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            assert source.startswith((".", "/")) or source in COMPOSE["volumes"], f"{name}: volume {source}"


def _docker_compose() -> list[str] | None:
    docker = shutil.which("docker")
    if docker and subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0:
        return [docker, "compose"]
    legacy = shutil.which("docker-compose")
    return [legacy] if legacy else None


def _compose_config(path: Path, **secrets: str) -> subprocess.CompletedProcess[str]:
    cli = _docker_compose()
    if cli is None:  # .ci/run installs Debian's docker-compose; a bare local checkout may lack it
        pytest.skip("no docker compose CLI on this machine")
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", **secrets}
    return subprocess.run([*cli, "-f", str(path), "config", "-q"], capture_output=True, text=True, env=env)


def test_docker_compose_config_accepts_the_file() -> None:
    secrets = {"JWT_SECRET": "x" * 32, "SERVICE_TOKEN": "y" * 24, "INTERNAL_CLAIMS_SECRET": "z" * 32}
    result = _compose_config(ROOT / "docker-compose.yml", **secrets)
    assert result.returncode == 0, result.stderr


def test_docker_compose_config_refuses_to_start_without_the_secrets() -> None:
    result = _compose_config(ROOT / "docker-compose.yml")
    assert result.returncode != 0
    assert "JWT_SECRET" in result.stderr


def test_every_subgraph_of_supergraph_yaml_has_a_service_running_it() -> None:
    for name in SUBGRAPHS:
        service = SERVICES[name]
        assert service["command"][:3] == ["supergraph", "subgraph", name]
        assert "0.0.0.0" in service["command"]


def test_each_subgraph_has_its_own_postgres_database_created_at_init() -> None:
    init_sql = (ROOT / "deploy" / "postgres-init.sql").read_text()
    for name in SUBGRAPHS:
        url = SERVICES[name]["environment"][f"{name.upper()}_DATABASE_URL"]
        assert url.startswith("postgresql://") and url.endswith(f"@postgres:5432/{name}")
        assert f"CREATE DATABASE {name};" in init_sql


def test_services_wait_for_healthy_dependencies() -> None:
    for name in SUBGRAPHS:
        depends = SERVICES[name]["depends_on"]
        assert {dep: cond["condition"] for dep, cond in depends.items()} == {
            "postgres": "service_healthy",
            "rabbitmq": "service_healthy",
            "redis": "service_healthy",
        }
    router_deps = SERVICES["router"]["depends_on"]
    assert set(router_deps) >= set(SUBGRAPHS)
    assert all(cond["condition"] == "service_healthy" for cond in router_deps.values())
    for infra in ("postgres", "redis", "rabbitmq"):
        assert SERVICES[infra]["healthcheck"]["test"]


def test_the_router_reaches_every_subgraph_by_service_name_and_is_published() -> None:
    import json

    urls = json.loads(SERVICES["router"]["environment"]["ROUTER_SUBGRAPH_URLS"])
    assert set(urls) == set(SUBGRAPHS)
    for name, url in urls.items():
        assert url.startswith(f"http://{name}:")
    assert SERVICES["router"]["ports"] == ["4000:4000"]


def test_secrets_have_no_usable_default_and_production_mode_is_on() -> None:
    env = SERVICES["users"]["environment"]
    assert env["ENVIRONMENT"] == "production"
    for secret in ("JWT_SECRET", "SERVICE_TOKEN", "INTERNAL_CLAIMS_SECRET"):
        assert re.fullmatch(r"\$\{" + secret + r":\?.+\}", env[secret]), env[secret]
    assert env["EVENT_BUS_URL"].startswith("amqp://")
    router = SERVICES["router"]["environment"]
    assert router["ROUTER_JWT_SECRET"] == "${JWT_SECRET}"
    assert router["ROUTER_INTERNAL_CLAIMS_SECRET"] == "${INTERNAL_CLAIMS_SECRET}"


def test_dockerfile_is_multi_stage_slim_non_root_with_a_healthcheck() -> None:
    stages = re.findall(r"^FROM (\S+)", DOCKERFILE, re.MULTILINE)
    [default_base] = re.findall(r"^ARG PYTHON_IMAGE=(\S+)", DOCKERFILE, re.MULTILINE)
    assert len(stages) >= 2 and all(image == "${PYTHON_IMAGE}" for image in stages)
    assert default_base.endswith("-slim")
    assert re.search(r"^USER (?!root)\S+", DOCKERFILE, re.MULTILINE)
    assert re.search(r"^HEALTHCHECK .*\n?.*health/live", DOCKERFILE, re.MULTILINE)
    assert "COPY --from=build" in DOCKERFILE
    for path in ("router", "schema", "subgraphs", "pyproject.toml"):
        assert path in DOCKERFILE


def test_every_environment_variable_is_one_a_service_reads() -> None:
    """A misspelt or stale name (``REDIS_URL`` for ``CACHE_REDIS_URL``) is silently ignored at
    run time; here it fails."""
    from router.server import RouterSettings
    from subgraphs.common.settings import SubgraphSettings

    known = {name.upper() for name in SubgraphSettings.model_fields}
    known |= {f"ROUTER_{name.upper()}" for name in RouterSettings.model_fields}
    known |= {"PORT"} | {
        f"{name.upper()}_DATABASE_URL" for name in SUBGRAPHS
    }  # healthcheck; database_url_for
    for name, service in SERVICES.items():
        if "image" in service and "build" not in service:
            continue  # postgres, redis, rabbitmq: their images' own variables
        unknown = set(service["environment"]) - known
        assert not unknown, f"{name}: {sorted(unknown)}"


def test_apis_leave_relays_and_consumers_to_the_worker() -> None:
    for name in SUBGRAPHS:
        assert SERVICES[name]["environment"]["BACKGROUND_TASKS"] == "false"
        assert SERVICES[name]["environment"]["CACHE_REDIS_URL"].startswith("redis://redis:")
    worker = SERVICES["worker"]
    assert worker["command"][:2] == ["supergraph", "worker"]
    assert worker["environment"]["BACKGROUND_TASKS"] == "true"
    for name in SUBGRAPHS:
        assert (
            worker["environment"][f"{name.upper()}_DATABASE_URL"]
            == SERVICES[name]["environment"][f"{name.upper()}_DATABASE_URL"]
        )
        assert worker["depends_on"][name] == {"condition": "service_healthy"}


def test_the_worker_serves_health_on_the_port_the_image_healthcheck_asks() -> None:
    worker = SERVICES["worker"]
    port = worker["command"][worker["command"].index("--port") + 1]
    assert worker["command"] == ["supergraph", "worker", "--host", "0.0.0.0", "--port", port]
    assert worker["environment"]["PORT"] == port
    assert "healthcheck" not in worker  # the image's HEALTHCHECK: GET /health/live on $PORT
    assert re.search(r"HEALTHCHECK .*\n?.*PORT.*/health/live", DOCKERFILE)


def test_every_long_running_service_of_ours_has_a_health_check() -> None:
    for name, service in SERVICES.items():
        if "build" in service:
            assert not service.get("healthcheck", {}).get("disable"), name
            assert service["environment"]["PORT"] in service["command"], name


def test_volumes_keep_database_and_broker_data() -> None:
    assert set(COMPOSE["volumes"]) == {"pgdata", "rabbitdata"}
    assert "pgdata:/var/lib/postgresql/data" in SERVICES["postgres"]["volumes"]

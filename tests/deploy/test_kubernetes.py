"""deploy/k8s validates against the Kubernetes API schemas (kubernetes-validate, offline) and has
what a production rollout needs for every role."""

from __future__ import annotations

from pathlib import Path

import kubernetes_validate
import pytest
import yaml

K8S = Path(__file__).parents[2] / "deploy" / "k8s"
DOCUMENTS = [
    (path.name, doc) for path in sorted(K8S.glob("*.yaml")) for doc in yaml.safe_load_all(path.read_text())
]
ROLES = [*yaml.safe_load((K8S.parents[1] / "supergraph.yaml").read_text())["subgraphs"], "router"]
KUBERNETES_VERSION = "1.30.0"


def _of(kind: str) -> dict[str, dict]:
    return {doc["metadata"]["name"]: doc for _, doc in DOCUMENTS if doc["kind"] == kind}


@pytest.mark.parametrize(
    ("file", "doc"), DOCUMENTS, ids=[f"{f}:{d['kind']}/{d['metadata']['name']}" for f, d in DOCUMENTS]
)
def test_every_manifest_is_valid_against_the_kubernetes_schema(file: str, doc: dict) -> None:
    kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_every_role_has_a_deployment_service_autoscaler_and_disruption_budget() -> None:
    for kind in ("Service", "HorizontalPodAutoscaler", "PodDisruptionBudget"):
        assert set(_of(kind)) == set(ROLES), kind
    assert set(_of("Deployment")) == {*ROLES, "worker"}


def test_deployments_probe_health_limit_resources_and_run_as_non_root() -> None:
    for name, deployment in _of("Deployment").items():
        [container] = deployment["spec"]["template"]["spec"]["containers"]
        [port] = container["ports"]
        assert container["readinessProbe"]["httpGet"] == {
            "path": "/health/ready",
            "port": port["containerPort"],
        }
        assert container["livenessProbe"]["httpGet"] == {
            "path": "/health/live",
            "port": port["containerPort"],
        }
        assert {"name": "PORT", "value": str(port["containerPort"])} in container["env"], name
        assert container["resources"]["requests"] and container["resources"]["limits"], name
        assert container["securityContext"]["runAsNonRoot"] is True, name
        assert {"configMapRef": {"name": "supergraph-config"}} in container["envFrom"]
        assert {"secretRef": {"name": "supergraph-secrets"}} in container["envFrom"]
        expected = {"router": ["supergraph", "router"], "worker": ["supergraph", "worker"]}.get(
            name, ["supergraph", "subgraph", name]
        )
        assert container["command"][: len(expected)] == expected
        assert container["command"][-4:] == ["--host", "0.0.0.0", "--port", str(port["containerPort"])]


def test_every_deployment_is_scraped_by_prometheus_on_its_port() -> None:
    for name, deployment in _of("Deployment").items():
        [container] = deployment["spec"]["template"]["spec"]["containers"]
        annotations = deployment["spec"]["template"]["metadata"]["annotations"]
        assert annotations == {
            "prometheus.io/scrape": "true",
            "prometheus.io/port": str(container["ports"][0]["containerPort"]),
            "prometheus.io/path": "/metrics",
        }, name


def test_services_select_their_deployments_and_the_autoscalers_target_them() -> None:
    deployments = _of("Deployment")
    for name, service in _of("Service").items():
        assert service["spec"]["selector"] == deployments[name]["spec"]["template"]["metadata"]["labels"]
    for name, hpa in _of("HorizontalPodAutoscaler").items():
        assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": name}
        assert 1 < hpa["spec"]["minReplicas"] < hpa["spec"]["maxReplicas"]


def test_the_worker_runs_what_the_api_pods_leave_out() -> None:
    [config] = _of("ConfigMap").values()
    assert config["data"]["BACKGROUND_TASKS"] == "false"
    assert config["data"]["CACHE_REDIS_URL"].startswith("redis://")
    [container] = _of("Deployment")["worker"]["spec"]["template"]["spec"]["containers"]
    assert container["command"][:2] == ["supergraph", "worker"]
    assert "worker" not in _of("Service")  # it serves health and metrics only, to probes and Prometheus
    assert {"name": "BACKGROUND_TASKS", "value": "true"} in container["env"]
    assert container["resources"]["requests"] and container["resources"]["limits"]
    assert container["securityContext"]["runAsNonRoot"] is True
    assert {"configMapRef": {"name": "supergraph-config"}} in container["envFrom"]


def test_the_secret_is_a_template_with_no_usable_values() -> None:
    [secret] = _of("Secret").values()
    assert secret["stringData"] and all(value == "" for value in secret["stringData"].values())

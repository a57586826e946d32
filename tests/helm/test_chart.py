"""The Helm chart, rendered by Helm's own engine (helm-python-sdk) and validated against the
Kubernetes schemas (kubernetes-validate, strict) of the oldest and a current Kubernetes the
chart supports; the values schema; the policies every pod must meet."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import kubernetes_validate
import pytest

from cosy.config import Settings
from tests.helm.chart import (
    CHART,
    DEFAULTS,
    ENVIRONMENTS,
    EVERYTHING,
    chart_metric_names,
    chart_queries,
    environment_values,
    merged,
    promql_metric_names,
    render,
    render_files,
)
from tests.helm.crds import SCHEMAS

helm = pytest.importorskip("helm_python", reason="helm-python-sdk (the dev extra) renders it")

KUBE_VERSIONS = ("1.27.0", "1.35.0")
"""The chart's kubeVersion floor and a current release."""

VARIANTS = {
    "default": DEFAULTS,
    **{env: environment_values(env) for env in ENVIRONMENTS},
    "everything": merged(DEFAULTS, EVERYTHING),
    "dask-operator": merged(DEFAULTS, {"dask": {"operator": {"enabled": True,
                                                             "autoscaler": {"enabled": True}}}}),
    "cronjob": merged(DEFAULTS, {"batch": {"enabled": True, "claimName": "archive",
                                           "schedule": "0 2 * * *"}}),
}
"""The three environments, the defaults, and every optional part switched on."""


@pytest.fixture(scope="module")
def rendered() -> dict[str, list[dict[str, Any]]]:
    return {name: render(values) for name, values in VARIANTS.items()}


def validate(obj: dict[str, Any], version: str) -> None:
    """Kubernetes' own kinds by kubernetes-validate (strict: unknown fields are errors), custom
    resources by their CRD schema (tests/helm/crds.py), the pod specs inside them again as
    Pods."""
    key = (obj["apiVersion"], obj["kind"])
    if key not in SCHEMAS:
        kubernetes_validate.validate(obj, version, strict=True)
        return
    jsonschema.validate(obj, SCHEMAS[key])
    if obj["kind"] == "DaskCluster":
        for part in ("worker", "scheduler"):
            kubernetes_validate.validate({"apiVersion": "v1", "kind": "Pod",
                                          "metadata": {"name": part},
                                          "spec": obj["spec"][part]["spec"]}, version, strict=True)
        kubernetes_validate.validate({"apiVersion": "v1", "kind": "Service",
                                      "metadata": {"name": "scheduler"},
                                      "spec": obj["spec"]["scheduler"]["service"]}, version,
                                     strict=True)


@pytest.mark.parametrize("version", KUBE_VERSIONS)
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_every_variant_renders_valid_kubernetes_objects(rendered, variant: str, version: str):
    objects = rendered[variant]
    kinds = {o["kind"] for o in objects}
    assert {"Deployment", "Service", "NetworkPolicy", "ServiceMonitor", "PrometheusRule",
            "ConfigMap", "Ingress", "PodDisruptionBudget"} <= kinds
    names = [(o["kind"], o["metadata"]["name"]) for o in objects]
    assert len(names) == len(set(names)), "two objects of one kind share a name"
    for obj in objects:
        try:
            validate(obj, version)
        except (kubernetes_validate.ValidationError, jsonschema.ValidationError) as err:
            where = ".".join(str(p) for p in err.path)
            pytest.fail(f"{obj['kind']} {obj['metadata']['name']} ({variant}, Kubernetes "
                        f"{version}): {where}: {err.message}")


@pytest.mark.parametrize("env", ["default", *ENVIRONMENTS])
def test_helm_lint_finds_nothing(env: str):
    report = helm.lint(str(CHART), VARIANTS[env], strict=True, kube_version="v1.35.0")
    assert report["errors"] == [] and not [m for m in report["messages"] if m["severity"] >= 2], \
        report


@pytest.mark.parametrize(("values", "complaint"), [
    ({"image": {"pullPolicy": "Sometimes"}}, "/image/pullPolicy"),
    ({"image": {"digest": "latest"}}, "/image/digest"),
    ({"config": {"COSY_STORE": "mongodb://elsewhere"}}, "COSY_STORE"),
    ({"config": {"job_lease_s": "60"}}, "job_lease_s"),
    ({"securityContext": {"runAsUser": 0}}, "/securityContext/runAsUser"),
    ({"api": {"replicas": 0}}, "/api/replicas"),
    ({"api": {"resources": {"limits": None}}}, "limits"),  # null removes a default in Helm
    ({"dask": {"worker": {"resources": {"limits": {"cpu": "one", "memory": "2Gi"}}}}}, "cpu"),
    ({"dask": {"worker": {"autoscaling": {"targetCPUUtilizationPercentage": 150}}}},
     "targetCPUUtilizationPercentage"),
    ({"batch": {"schedule": "every night"}}, "/batch/schedule"),
    ({"batch": {"out": "relative/dir"}}, "/batch/out"),
    ({"secrets": {"mongodbUri": "postgres://db/cosy"}}, "/secrets/mongodbUri"),
    ({"ingress": {"tls": None}}, "tls"),
    ({"api": {"pdb": {"minAvailable": 1, "maxUnavailable": 1}}}, "/api/pdb"),
    ({"metrics": {"prometheusRule": {"failedJobRatio": 5}}}, "failedJobRatio"),
    ({"replicas": 3}, "replicas"),
])
def test_values_schema_refuses_bad_values(values: dict[str, Any], complaint: str):
    with pytest.raises(helm.HelmValuesError) as err:
        render_files(merged(DEFAULTS, values))
    assert complaint in str(err.value)


@pytest.mark.parametrize(("values", "complaint"), [
    ({}, "secrets.mongodbUri"),
    ({"mongodb": {"bundled": {"enabled": True, "keyFile": "a2V5"}}}, "rootPassword"),
    ({"demo": {"enabled": True}, **DEFAULTS}, "secrets.demoKey"),
    ({"batch": {"enabled": True}, **DEFAULTS}, "batch.claimName"),
])
def test_missing_secrets_and_volumes_are_named(values: dict[str, Any], complaint: str):
    with pytest.raises(helm.HelmError) as err:
        render_files(values)
    assert complaint in str(err.value)


# --- policies ------------------------------------------------------------------------------------


def pod_specs(objects: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(name, pod labels, pod spec) of every pod the objects make, long-running or not."""
    out = []
    for o in objects:
        spec, name = o.get("spec", {}), f"{o['kind']}/{o['metadata']['name']}"
        if o["kind"] in ("Deployment", "StatefulSet", "Job"):
            out.append((name, spec["template"]["metadata"]["labels"], spec["template"]["spec"]))
        elif o["kind"] == "CronJob":
            tpl = spec["jobTemplate"]["spec"]["template"]
            out.append((name, tpl["metadata"]["labels"], tpl["spec"]))
        elif o["kind"] == "DaskCluster":
            cluster = o["metadata"]["name"]
            for part in ("scheduler", "worker"):
                labels = {"dask.org/cluster-name": cluster, "dask.org/component": part}
                out.append((f"{name}/{part}", labels, spec[part]["spec"]))
    return out


def long_running(name: str) -> bool:
    return not name.startswith(("Job/", "CronJob/"))


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_every_container_is_restricted_with_limits_and_probes(rendered, variant: str):
    pods = pod_specs(rendered[variant])
    assert pods
    for name, _, pod in pods:
        ctx = pod["securityContext"]
        assert ctx["runAsNonRoot"] is True and ctx["runAsUser"] > 0, name
        assert ctx["seccompProfile"]["type"] == "RuntimeDefault", name
        assert pod.get("automountServiceAccountToken") is False, name
        assert not pod.get("hostNetwork") and not pod.get("hostPID"), name
        for c in pod["containers"] + pod.get("initContainers", []):
            where = f"{name}: container {c['name']}"
            sc = c["securityContext"]
            assert sc["readOnlyRootFilesystem"] is True, where
            assert sc["allowPrivilegeEscalation"] is False, where
            assert sc["capabilities"]["drop"] == ["ALL"] and "add" not in sc["capabilities"], where
            assert sc.get("privileged") is not True, where
            for kind in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(c["resources"][kind]), f"{where}: {kind}"
        for c in pod["containers"]:
            if long_running(name):
                assert {"startupProbe", "livenessProbe", "readinessProbe"} <= set(c), \
                    f"{name}: container {c['name']} lacks a probe"


def is_worker(name: str) -> bool:
    return name.endswith(("-worker", "/worker"))


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_workers_and_scheduler_carry_no_mongodb_credentials(rendered, variant: str):
    pods = [(n, p) for n, _, p in pod_specs(rendered[variant])
            if is_worker(n) or n.endswith(("-scheduler", "/scheduler"))]
    assert any(is_worker(n) for n, _ in pods)
    for name, pod in pods:
        assert not any(v.get("secret") for v in pod.get("volumes", [])), name
        for c in pod["containers"]:
            assert "envFrom" not in c, name
            env = {e["name"]: e for e in c.get("env", [])}
            assert "COSY_STORE" not in env, name
            assert not any("secretKeyRef" in e.get("valueFrom", {}) for e in env.values()), name
            assert "mongodb" not in json.dumps(c).lower(), name


def selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    assert set(selector) <= {"matchLabels"}, "the chart selects pods by labels only"
    return all(labels.get(k) == v for k, v in selector.get("matchLabels", {}).items())


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_network_policies_deny_by_default_and_cover_every_pod(rendered, variant: str):
    objects = rendered[variant]
    policies = [o for o in objects if o["kind"] == "NetworkPolicy"]
    deny = [p for p in policies if not p["spec"].get("ingress") and not p["spec"].get("egress")
            and set(p["spec"]["policyTypes"]) == {"Ingress", "Egress"}]
    for name, labels, _ in pod_specs(objects):
        assert any(selects(p["spec"]["podSelector"], labels) for p in deny), \
            f"{name} is not under a default-deny policy"
        allowing = [p for p in policies if p not in deny
                    and selects(p["spec"]["podSelector"], labels)]
        assert allowing, f"{name}: no policy lets it talk to anything"
        egress = [rule for p in allowing for rule in p["spec"].get("egress", [])]
        reaches_mongodb = any(port.get("port") == 27017 for rule in egress
                              for port in rule.get("ports", []))
        component = labels.get("app.kubernetes.io/component") or labels["dask.org/component"]
        assert reaches_mongodb == (component in {"api", "dispatcher", "batch", "mongodb",
                                                 "mongodb-init"}), \
            f"{name}: only the API, dispatchers and batch runs reach MongoDB"
        if component == "worker":  # only the Dask cluster (and DNS)
            ports = {port["port"] for rule in egress for port in rule.get("ports", [])}
            assert ports <= {53, 8786, 8789}, f"{name} reaches {ports}"


def test_only_the_api_is_reachable_from_outside(rendered):
    for variant, objects in rendered.items():
        for o in objects:
            if o["kind"] == "Service":
                assert o["spec"].get("type", "ClusterIP") == "ClusterIP", (variant, o)
        [ingress] = [o for o in objects if o["kind"] == "Ingress"]
        assert ingress["spec"]["tls"][0]["hosts"] == [ingress["spec"]["rules"][0]["host"]]
        backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
        assert backend["name"].endswith("-api")


def test_labels_follow_app_kubernetes_io(rendered):
    for variant, objects in rendered.items():
        for o in objects:
            labels = o["metadata"].get("labels", {})
            where = f"{variant}: {o['kind']} {o['metadata']['name']}"
            assert labels.get("app.kubernetes.io/name") == "cosy", where
            assert labels.get("app.kubernetes.io/instance") == "cosy", where
            assert labels.get("app.kubernetes.io/managed-by") == "Helm", where
            assert labels.get("app.kubernetes.io/part-of") == "cosy", where
            assert labels.get("app.kubernetes.io/version"), where


# --- what each variant makes ---------------------------------------------------------------------


def by_kind(objects: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {o["metadata"]["name"]: o for o in objects if o["kind"] == kind}


def container(obj: dict[str, Any]) -> dict[str, Any]:
    return obj["spec"]["template"]["spec"]["containers"][0]


def test_services_run_their_roles_and_find_each_other(rendered):
    objects = rendered["default"]
    deployments = by_kind(objects, "Deployment")
    assert set(deployments) == {"cosy-api", "cosy-dispatcher", "cosy-scheduler", "cosy-worker"}
    assert container(deployments["cosy-api"])["args"][0] == "api"
    dispatcher = container(deployments["cosy-dispatcher"])
    assert dispatcher["args"][0] == "dispatcher"
    env = {e["name"]: e for e in dispatcher["env"]}
    assert env["COSY_DASK_SCHEDULER"]["value"] == "tcp://cosy-scheduler:8786"
    assert env["COSY_STORE"]["valueFrom"]["secretKeyRef"] == {"name": "cosy",
                                                               "key": "mongodb-uri"}
    worker = container(deployments["cosy-worker"])
    assert worker["args"][:2] == ["worker", "tcp://cosy-scheduler:8786"]
    assert worker["args"][worker["args"].index("--memory-limit") + 1] == \
        worker["resources"]["limits"]["memory"]
    assert container(deployments["cosy-scheduler"])["args"][0] == "scheduler"
    secret = by_kind(objects, "Secret")["cosy"]
    assert secret["stringData"] == {"mongodb-uri": DEFAULTS["secrets"]["mongodbUri"]}
    names = {e["name"] for e in worker["env"]}
    assert {"COSY_JOB_LEASE_S", "DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED"} <= names


def test_config_names_only_real_settings():
    settings = {f"COSY_{name.upper()}" for name in Settings.model_fields}
    for variant, values in VARIANTS.items():
        unknown = set(merged(render_values(), values).get("config", {})) - settings
        assert not unknown, f"{variant}: config names unknown settings {sorted(unknown)}"


def render_values() -> dict[str, Any]:
    import yaml

    return yaml.safe_load((CHART / "values.yaml").read_text())


def test_workers_scale_by_queue_with_keda_else_by_cpu(rendered):
    plain, keda = rendered["default"], rendered["everything"]
    assert "cosy-worker" in by_kind(plain, "HorizontalPodAutoscaler")
    assert not by_kind(plain, "ScaledObject")
    assert "cosy-worker" not in by_kind(keda, "HorizontalPodAutoscaler")
    scaled = by_kind(keda, "ScaledObject")["cosy-worker"]
    [trigger] = scaled["spec"]["triggers"]
    assert promql_metric_names(trigger["metadata"]["query"]) == {"cosy_jobs"}
    assert 'cosy_release="cosy"' in trigger["metadata"]["query"]
    assert "replicas" not in by_kind(keda, "Deployment")["cosy-worker"]["spec"]


def test_dask_operator_replaces_scheduler_and_worker_deployments(rendered):
    objects = rendered["dask-operator"]
    assert set(by_kind(objects, "Deployment")) == {"cosy-api", "cosy-dispatcher"}
    cluster = by_kind(objects, "DaskCluster")["cosy-dask"]
    worker = cluster["spec"]["worker"]["spec"]["containers"][0]
    assert worker["args"][:2] == ["worker", "tcp://cosy-dask-scheduler:8786"]
    env = {e["name"]: e for e in container(by_kind(objects, "Deployment")["cosy-dispatcher"])
           ["env"]}
    assert env["COSY_DASK_SCHEDULER"]["value"] == "tcp://cosy-dask-scheduler:8786"
    assert by_kind(objects, "DaskAutoscaler")["cosy-dask"]["spec"]["cluster"] == "cosy-dask"


def test_batch_runs_cosy_batch_as_documented(rendered):
    [job] = [o for o in by_kind(rendered["everything"], "Job").values()
             if o["metadata"]["name"].startswith("cosy-batch")]
    args = job["spec"]["template"]["spec"]["containers"][0]["args"]
    assert args == ["batch", "/data/in", "/data/mail.mbox", "--tenant", "acme",
                    "--out", "/data/out/$(JOB_NAME)"]
    assert job["spec"]["template"]["spec"]["volumes"][-1]["persistentVolumeClaim"] == \
        {"claimName": "archive"}
    cron = by_kind(rendered["cronjob"], "CronJob")["cosy-batch"]
    assert cron["spec"]["schedule"] == "0 2 * * *"
    assert cron["spec"]["concurrencyPolicy"] == "Forbid"


def test_bundled_mongodb_is_a_replica_set_with_auth(rendered):
    objects = rendered["everything"]
    [mongo] = by_kind(objects, "StatefulSet").values()
    args = mongo["spec"]["template"]["spec"]["containers"][0]["args"]
    assert args[args.index("--replSet") + 1] == "rs0" and "--keyFile" in args
    uri = by_kind(objects, "Secret")["cosy"]["stringData"]["mongodb-uri"]
    assert uri == ("mongodb://root:p%40ss%2Fword@cosy-mongodb-0.cosy-mongodb:27017/cosy"
                   "?replicaSet=rs0&authSource=admin")
    assert not by_kind(rendered["production"], "StatefulSet")  # external in production


def test_demo_gets_its_tenant_and_key_from_the_secret(rendered):
    api = container(by_kind(rendered["demo"], "Deployment")["cosy-api"])
    env = {e["name"]: e for e in api["env"]}
    assert env["COSY_DEMO_TENANT"]["value"] == "demo"
    assert env["COSY_DEMO_KEY"]["valueFrom"]["secretKeyRef"] == {"name": "cosy-demo",
                                                                 "key": "demo-key"}
    assert "COSY_DEMO_KEY" not in {e["name"] for e in container(
        by_kind(rendered["production"], "Deployment")["cosy-api"])["env"]}


def test_alerts_and_dashboard_watch_cosy_metrics(rendered):
    objects = rendered["everything"]
    [rule] = by_kind(objects, "PrometheusRule").values()
    alerts = {r["alert"]: r for g in rule["spec"]["groups"] for r in g["rules"]}
    assert {"CosyPageLatencyNearBudget", "CosyFailedJobRatioHigh", "CosyQueueStale",
            "CosyWorkerMemoryHigh", "CosyNoReadyWorkers"} <= set(alerts)
    assert "cosy_page_duration_seconds_bucket" in alerts["CosyPageLatencyNearBudget"]["expr"]
    dashboard = json.loads(by_kind(objects, "ConfigMap")["cosy-dashboard"]["data"]["cosy.json"])
    assert dashboard["uid"] == "cosy-overview" and len(dashboard["panels"]) >= 10
    used = chart_metric_names()
    assert {"cosy_page_duration_seconds_bucket", "cosy_jobs_finished_total", "cosy_queue_depth",
            "cosy_queue_oldest_age_seconds", "cosy_worker_memory_rss_bytes",
            "cosy_dask_workers", "cosy_step_duration_seconds_sum"} <= used
    assert all(n.startswith(("cosy_", "dask_")) for n in used), used
    assert len(chart_queries(objects)) > 15


def test_promql_metric_names():
    assert promql_metric_names(
        'histogram_quantile(0.95, sum by (le) (rate(x_bucket{a="b",c=~"d|e"}[15m]))) > 8') \
        == {"x_bucket"}
    assert promql_metric_names("max by (pod) (a_bytes{n=\"1\"} / b_bytes) > 0.9 or absent(c)") \
        == {"a_bytes", "b_bytes", "c"}
    assert promql_metric_names('topk(10, sum without (x) (rate(s_sum{q="$ns"}[5m])))') \
        == {"s_sum"}


def test_notes_tell_the_next_steps():
    notes = render_files(VARIANTS["demo"])["cosy/templates/NOTES.txt"]
    assert "cosy keys create" in notes and "https://demo.cosy.example.com/app" in notes

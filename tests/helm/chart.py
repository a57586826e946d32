"""The Helm chart (helm/cosy) rendered by the real Helm engine, without a helm binary or a
cluster: the ``helm-python-sdk`` wheel bundles Helm's Go library (libhelm_c) and calls it through
ctypes. Shared by the chart tests and the topology test (which checks that every metric the
chart's alerts, dashboard and autoscaler use is exported by a running service)."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "helm" / "cosy"
ENVIRONMENTS = ("staging", "demo", "production")
DEFAULTS = {"secrets": {"mongodbUri": "mongodb+srv://cosy:secret@db.example.net/cosy"}}
"""The smallest values a default install needs: the external MongoDB's URI."""

EVERYTHING = {
    "secrets": {"mongodbUri": "", "demoKey": "cosy_demo", "existingSecret": ""},
    "mongodb": {"bundled": {"enabled": True, "rootPassword": "p@ss/word", "keyFile": "a2V5"}},
    "demo": {"enabled": True},
    "batch": {"enabled": True, "claimName": "archive", "sources": ["/data/in", "/data/mail.mbox"],
              "tenant": "acme"},
    "dask": {"worker": {"keda": {"enabled": True}}},
}
"""Every optional part switched on (bundled MongoDB, demo, batch, KEDA)."""


def environment_values(env: str) -> dict[str, Any]:
    """The values of ``values-<env>.yaml``."""
    return yaml.safe_load((CHART / f"values-{env}.yaml").read_text())


def merged(*layers: dict[str, Any]) -> dict[str, Any]:
    """Values layered as ``helm -f a -f b`` layers them (maps merge, the rest is replaced)."""
    out: dict[str, Any] = {}
    for layer in layers:
        for key, value in layer.items():
            if isinstance(value, dict) and isinstance(out.get(key), dict):
                out[key] = merged(out[key], value)
            else:
                out[key] = value
    return out


def render_files(values: dict[str, Any], name: str = "cosy",
                 namespace: str = "cosy") -> dict[str, str]:
    """Template path -> rendered text, as ``helm template`` makes them (schema checked first)."""
    import helm_python as helm

    with helm.Chart.load(str(CHART)) as chart:
        return chart.render(values, name=name, namespace=namespace, is_install=True)


def render(values: dict[str, Any], name: str = "cosy", namespace: str = "cosy"
           ) -> list[dict[str, Any]]:
    """Every Kubernetes object the chart renders for ``values``."""
    return [doc for path, text in sorted(render_files(values, name, namespace).items())
            if path.endswith((".yaml", ".yml")) for doc in yaml.safe_load_all(text) if doc]


PROMQL_KEYWORDS = frozenset({"by", "without", "on", "ignoring", "group_left", "group_right",
                             "and", "or", "unless", "bool", "offset", "inf", "nan"})


def promql_metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression reads: identifiers that are not functions,
    aggregations, keywords, label names or values, durations or numbers."""
    expr = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)  # strings (label values)
    expr = re.sub(r"\{[^{}]*\}", "", expr)  # label matchers
    expr = re.sub(r"\[[^\[\]]*\]", "", expr)  # ranges and subqueries
    expr = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)", "", expr)
    names = set()
    for match in re.finditer(r"(?<![\w.$])[A-Za-z_:][A-Za-z0-9_:]*", expr):
        if expr[match.end():].lstrip().startswith("("):
            continue  # a function or an aggregation
        if match.group(0).lower() not in PROMQL_KEYWORDS:
            names.add(match.group(0))
    return names


def chart_queries(objects: list[dict[str, Any]]) -> list[str]:
    """Every PromQL expression of the rendered chart: alerts, dashboard panels, KEDA."""
    exprs: list[str] = []
    for obj in objects:
        if obj["kind"] == "PrometheusRule":
            exprs += [r["expr"] for g in obj["spec"]["groups"] for r in g["rules"]]
        elif obj["kind"] == "ScaledObject":
            exprs += [t["metadata"]["query"] for t in obj["spec"]["triggers"]
                      if t["type"] == "prometheus"]
        elif obj["kind"] == "ConfigMap" and "cosy.json" in obj.get("data", {}):
            dash = json.loads(obj["data"]["cosy.json"])
            exprs += [t["expr"] for p in dash["panels"] for t in p.get("targets", [])]
    return exprs


@cache
def chart_metric_names() -> frozenset[str]:
    """The metrics the chart's alerts, dashboard and KEDA query use (everything switched on)."""
    objects = render(merged(DEFAULTS, EVERYTHING))
    return frozenset(n for e in chart_queries(objects) for n in promql_metric_names(e))

"""Schemas of the custom resources the chart renders, for the fields COSY uses.

kubernetes-validate knows Kubernetes' own kinds only. These follow the CRDs of the Prometheus
Operator (monitoring.coreos.com/v1 ServiceMonitor, PodMonitor, PrometheusRule), KEDA
(keda.sh/v1alpha1 ScaledObject) and the Dask Kubernetes operator (kubernetes.dask.org/v1
DaskCluster, DaskAutoscaler), restricted to the fields listed (anything else is refused, so a
misspelt field fails here as it would be pruned or refused by the API server). The pod and
service specs inside a DaskCluster are checked by kubernetes-validate, wrapped in a Pod and a
Service (chart tests).
"""

from __future__ import annotations

from typing import Any


def obj(props: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {"type": "object", "properties": props, "required": required or [],
            "additionalProperties": False}


STR = {"type": "string"}
INT = {"type": "integer"}
STRMAP = {"type": "object", "additionalProperties": {"type": "string"}}
SELECTOR = obj({"matchLabels": STRMAP, "matchExpressions": {"type": "array"}})
META = {"type": "object", "required": ["name"], "properties": {"name": STR, "labels": STRMAP,
                                                               "annotations": STRMAP}}
RELABEL = obj({"action": {"enum": ["replace", "keep", "drop", "labelmap", "labeldrop",
                                   "labelkeep", "hashmod", "lowercase", "uppercase"]},
               "sourceLabels": {"type": "array", "items": STR}, "separator": STR,
               "targetLabel": STR, "regex": STR, "modulus": INT, "replacement": STR})
ENDPOINT = {"port": STR, "path": STR, "interval": {"type": "string",
                                                   "pattern": "^[0-9]+(ms|s|m|h)$"},
            "scrapeTimeout": STR, "scheme": {"enum": ["http", "https"]},
            "honorLabels": {"type": "boolean"},
            "relabelings": {"type": "array", "items": RELABEL},
            "metricRelabelings": {"type": "array", "items": RELABEL}}
NAMESPACES = obj({"any": {"type": "boolean"}, "matchNames": {"type": "array", "items": STR}})
RULE = {"type": "object", "additionalProperties": False, "required": ["expr"],
        "properties": {"alert": STR, "record": STR, "expr": STR, "for": STR,
                       "keep_firing_for": STR, "labels": STRMAP, "annotations": STRMAP},
        "oneOf": [{"required": ["alert"]}, {"required": ["record"]}]}
HPA_CONFIG = obj({"name": STR, "behavior": {"type": "object"}})


def resource(api_version: str, kind: str, spec: dict[str, Any]) -> dict[str, Any]:
    return obj({"apiVersion": {"const": api_version}, "kind": {"const": kind}, "metadata": META,
                "spec": spec}, ["apiVersion", "kind", "metadata", "spec"])


SCHEMAS: dict[tuple[str, str], dict[str, Any]] = {
    ("monitoring.coreos.com/v1", "ServiceMonitor"): resource(
        "monitoring.coreos.com/v1", "ServiceMonitor",
        obj({"selector": SELECTOR, "namespaceSelector": NAMESPACES, "jobLabel": STR,
             "targetLabels": {"type": "array"}, "podTargetLabels": {"type": "array"},
             "endpoints": {"type": "array", "minItems": 1, "items": obj(ENDPOINT, ["port"])}},
            ["selector", "endpoints"])),
    ("monitoring.coreos.com/v1", "PodMonitor"): resource(
        "monitoring.coreos.com/v1", "PodMonitor",
        obj({"selector": SELECTOR, "namespaceSelector": NAMESPACES, "jobLabel": STR,
             "podMetricsEndpoints": {"type": "array", "minItems": 1,
                                     "items": obj(ENDPOINT, ["port"])}},
            ["selector", "podMetricsEndpoints"])),
    ("monitoring.coreos.com/v1", "PrometheusRule"): resource(
        "monitoring.coreos.com/v1", "PrometheusRule",
        obj({"groups": {"type": "array", "minItems": 1, "items": obj(
            {"name": STR, "interval": STR, "rules": {"type": "array", "minItems": 1,
                                                     "items": RULE}}, ["name", "rules"])}},
            ["groups"])),
    ("keda.sh/v1alpha1", "ScaledObject"): resource(
        "keda.sh/v1alpha1", "ScaledObject",
        obj({"scaleTargetRef": obj({"apiVersion": STR, "kind": STR, "name": STR,
                                    "envSourceContainerName": STR}, ["name"]),
             "pollingInterval": INT, "cooldownPeriod": INT, "idleReplicaCount": INT,
             "minReplicaCount": INT, "maxReplicaCount": INT,
             "advanced": obj({"restoreToOriginalReplicaCount": {"type": "boolean"},
                              "horizontalPodAutoscalerConfig": HPA_CONFIG}),
             "fallback": obj({"failureThreshold": INT, "replicas": INT}),
             "triggers": {"type": "array", "minItems": 1, "items": obj(
                 {"type": STR, "name": STR, "metadata": STRMAP, "metricType": STR,
                  "useCachedMetrics": {"type": "boolean"},
                  "authenticationRef": obj({"name": STR, "kind": STR}, ["name"])},
                 ["type", "metadata"])}},
            ["scaleTargetRef", "triggers"])),
    ("kubernetes.dask.org/v1", "DaskCluster"): resource(
        "kubernetes.dask.org/v1", "DaskCluster",
        obj({"worker": obj({"replicas": INT, "spec": {"type": "object"}}, ["spec"]),
             "scheduler": obj({"spec": {"type": "object"}, "service": {"type": "object"}},
                              ["spec", "service"]),
             "idleTimeout": INT}, ["worker", "scheduler"])),
    ("kubernetes.dask.org/v1", "DaskAutoscaler"): resource(
        "kubernetes.dask.org/v1", "DaskAutoscaler",
        obj({"cluster": STR, "minimum": INT, "maximum": INT}, ["cluster", "minimum", "maximum"])),
}

"""docs/deploy.md's commands match the chart: its `helm install` and `helm upgrade` render with
the values they give, the objects its `kubectl` commands name exist, and the Secrets it makes
hold every key the chart reads from them."""

from __future__ import annotations

import re
import shlex
from typing import Any

import pytest

from tests.helm.chart import ROOT, environment_values, merged, render

pytest.importorskip("helm_python", reason="helm-python-sdk (the dev extra) renders the chart")

DOC = (ROOT / "docs" / "deploy.md").read_text()
DIGEST = "sha256:" + "0" * 64


def commands() -> list[list[str]]:
    """The console blocks' commands (``$ ...`` with their continuation lines), as argv."""
    out = []
    for block in re.findall(r"```console\n(.*?)```", DOC, re.DOTALL):
        text = re.sub(r"\\\n\s*", " ", block)
        for line in text.splitlines():
            if line.startswith("$ "):
                out.append(shlex.split(line[2:].replace("…", "0"), comments=True))
    return out


def set_value(values: dict[str, Any], dotted: str, value: str) -> None:
    *path, last = dotted.split(".")
    for key in path:
        values = values.setdefault(key, {})
    values[last] = value


def helm_values(argv: list[str]) -> dict[str, Any]:
    """The values a `helm install/upgrade` command line gives (-f files, then --set)."""
    values: dict[str, Any] = {}
    args = iter(argv)
    for arg in args:
        if arg == "-f":
            env = re.fullmatch(r"helm/cosy/values-(\w+)\.yaml", next(args)).group(1)
            values = merged(values, environment_values(env))
        elif arg == "--set":
            key, _, value = next(args).partition("=")
            set_value(values, key, DIGEST if key == "image.digest" else value)
    return values


def test_helm_commands_of_the_walkthrough_render():
    helm_commands = [c for c in commands() if c[:2] in (["helm", "install"], ["helm", "upgrade"])]
    assert len(helm_commands) == 2
    for argv in helm_commands:
        assert argv[2:4] == ["cosy", "helm/cosy"] and argv[argv.index("-n") + 1] == "cosy"
        objects = render(helm_values(argv), name="cosy", namespace="cosy")
        assert {"cosy-api", "cosy-dispatcher"} <= {o["metadata"]["name"] for o in objects
                                                   if o["kind"] == "Deployment"}


def test_objects_named_by_kubectl_exist():
    argv = next(c for c in commands() if c[:2] == ["helm", "install"])
    objects = render(helm_values(argv), name="cosy", namespace="cosy")
    deployments = {o["metadata"]["name"] for o in objects if o["kind"] == "Deployment"}
    named = set(re.findall(r"deploy/([a-z0-9-]+)", DOC))
    assert named and named <= deployments
    [ingress] = [o for o in objects if o["kind"] == "Ingress"]
    tls = {c[c.index("tls") + 1] for c in commands() if c[:3] == ["kubectl", "-n", "cosy"]
           and "tls" in c}
    assert ingress["spec"]["tls"][0]["secretName"] in tls


def secret_keys_read(objects: list[dict[str, Any]], secret: str) -> set[str]:
    """Every key of ``secret`` that a pod of the rendered objects reads."""
    text = repr(objects)
    keys = set(re.findall(r"'name': '" + re.escape(secret) + r"', 'key': '([a-z-]+)'", text))
    keys |= set(re.findall(r"'secretName': '" + re.escape(secret)
                           + r"', 'items': \[\{'key': '([a-z-]+)'", text))
    return keys


@pytest.mark.parametrize("env", ["production", "staging"])
def test_secrets_made_by_the_doc_hold_what_the_chart_reads(env: str):
    values = environment_values(env)
    name = values["secrets"]["existingSecret"]
    [argv] = [c for c in commands() if c[:2] == ["kubectl", "-n"]
              and c[3:7] == ["create", "secret", "generic", name]]
    given = {re.match(r"--from-(?:file|literal)=([a-z-]+)=", a).group(1)
             for a in argv if a.startswith("--from-")}
    read = secret_keys_read(render(values), name)
    assert "mongodb-uri" in read and read <= given, f"{name}: the chart reads {sorted(read)}"

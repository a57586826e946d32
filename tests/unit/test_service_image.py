"""The service image (services/Dockerfile) as far as it can be checked without a Docker engine:
its base is pinned, every file it copies exists, it runs as a numeric non-root user, its
constraints pin every runtime dependency; and its entrypoint, run for real, starts each role
with the right command, after checking the models' sha256."""

from __future__ import annotations

import fnmatch
import json
import os
import re
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ROOT / "services"
DOCKERFILE = (SERVICES / "Dockerfile").read_text()
ENTRYPOINT = SERVICES / "entrypoint.sh"


def instructions(name: str) -> list[str]:
    """The arguments of every ``name`` instruction (continuation lines joined)."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    return [line.split(None, 1)[1] for line in text.splitlines()
            if line.upper().startswith(name + " ")]


def test_base_image_is_pinned_to_the_tested_python():
    [default] = [a for a in instructions("ARG") if a.startswith("PYTHON_IMAGE=")]
    image = default.split("=", 1)[1]
    match = re.fullmatch(r"python:(\d+)\.(\d+)\.(\d+)-slim-(bookworm|trixie)"
                         r"(@sha256:[0-9a-f]{64})?", image)
    assert match, f"{image}: pin the exact Python release and Debian"
    assert tuple(map(int, match.groups()[:2])) == sys.version_info[:2]
    assert instructions("FROM") == ["${PYTHON_IMAGE} AS build", "${PYTHON_IMAGE}"]


def ignored(path: str) -> bool:
    patterns = [line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
                if line.strip() and not line.startswith("#")]
    return any(fnmatch.fnmatch(path, p) or path.startswith(p.rstrip("/") + "/")
               for p in patterns)


def test_every_copied_file_exists_in_the_build_context():
    sources = []
    for args in instructions("COPY"):
        if "--from=" in args:
            continue  # from the build stage, not the context
        parts = [p for p in args.split() if not p.startswith("--")]
        sources += parts[:-1]
    assert sources
    for source in sources:
        found = [p for p in ROOT.glob(source) if p.exists()]
        assert found, f"COPY {source}: nothing in the repository"
        for path in found:
            assert not ignored(str(path.relative_to(ROOT))), f"{source} is in .dockerignore"
    assert set(ROOT.glob("models/*.onnx")) and (ROOT / "models" / "registry.json").is_file()


def test_image_runs_as_numeric_non_root_user_with_entrypoint():
    [user] = instructions("USER")
    [uid_arg] = [a for a in instructions("ARG") if a.startswith("UID=")]
    uid = int(uid_arg.split("=")[1])
    assert user == "${UID}:${UID}" and uid >= 1000
    assert instructions("ENTRYPOINT") == ['["cosy-entrypoint"]']
    env = " ".join(instructions("ENV"))
    for setting in ("COSY_PIPELINE=/opt/cosy/pipeline/default.toml",
                    "COSY_MODELS_DIR=/opt/cosy/models", "HOME=/tmp",
                    "DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False"):
        assert setting in env
    assert (ROOT / "pipeline" / "default.toml").is_file()


def test_constraints_pin_every_runtime_dependency():
    closure = runpy.run_path(str(SERVICES / "constraints.py"))["runtime_closure"]()
    pinned = {}
    for line in (SERVICES / "constraints.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            pinned[name] = version
    assert {"dask", "distributed", "onnxruntime", "pymongo", "fastapi", "spacy"} <= set(pinned)
    missing = sorted(set(closure) - set(pinned))
    assert not missing, f"regenerate services/constraints.txt (services/constraints.py): {missing}"


# --- the entrypoint, run for real -----------------------------------------------------------------


@pytest.fixture
def fake_bin(tmp_path: Path) -> Path:
    """``cosy`` and ``dask`` stand-ins that record their arguments, one call per line."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for tool in ("cosy", "dask"):
        script = folder / tool
        script.write_text(f'#!/bin/sh\necho "{tool} $*" >> "$CALLS"\n')
        script.chmod(0o755)
    return folder


def run_entrypoint(args: list[str], path: str, tmp_path: Path,
                   **env: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    calls = tmp_path / "calls"
    calls.unlink(missing_ok=True)
    proc = subprocess.run(["sh", str(ENTRYPOINT), *args], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PATH": path, "CALLS": str(calls),
                                            **env})
    return proc, calls.read_text().splitlines() if calls.exists() else []


@pytest.mark.parametrize(("args", "expected"), [
    (["api", "--port", "8000"], ["cosy models verify", "cosy api --port 8000"]),
    (["dispatcher"], ["cosy models verify", "cosy dispatcher"]),
    ([], ["cosy models verify", "cosy serve"]),
    (["batch", "/data/in", "--tenant", "acme", "--out", "/data/out"],
     ["cosy models verify", "cosy batch /data/in --tenant acme --out /data/out"]),
    (["worker", "tcp://s:8786", "--nthreads", "1"],
     ["cosy models verify",
      "dask worker --no-nanny --preload cosy.inference.preload tcp://s:8786 --nthreads 1"]),
    (["scheduler", "--port", "8786"], ["dask scheduler --port 8786"]),
    (["cosy", "keys", "list"], ["cosy keys list"]),
])
def test_entrypoint_starts_each_role(fake_bin: Path, tmp_path: Path, args: list[str],
                                     expected: list[str]):
    proc, calls = run_entrypoint(args, f"{fake_bin}:/usr/bin:/bin", tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert calls == expected


def test_worker_with_a_tampered_model_never_starts(fake_bin: Path, tmp_path: Path):
    """The real `cosy models verify` against a copy of the models with one byte changed: the
    entrypoint stops with the file named, and `dask worker` is never run."""
    models = tmp_path / "models"
    shutil.copytree(ROOT / "models", models, ignore=shutil.ignore_patterns("recipes", "cards"))
    victim = sorted(models.glob("*.onnx"))[0]
    data = bytearray(victim.read_bytes())
    data[-1] ^= 0xFF
    victim.write_bytes(bytes(data))
    dask_only = tmp_path / "dask-only"
    dask_only.mkdir()
    shutil.copy(fake_bin / "dask", dask_only / "dask")
    path = f"{dask_only}:{Path(sys.executable).parent}:/usr/bin:/bin"
    proc, calls = run_entrypoint(["worker", "tcp://s:8786"], path, tmp_path,
                                 COSY_MODELS_DIR=str(models))
    assert proc.returncode == 1 and calls == []
    assert victim.name in proc.stderr and "sha256" in proc.stderr

    proc, calls = run_entrypoint(["worker", "tcp://s:8786"], path, tmp_path,
                                 COSY_MODELS_DIR=str(ROOT / "models"))
    assert proc.returncode == 0, proc.stderr
    assert calls == ["dask worker --no-nanny --preload cosy.inference.preload tcp://s:8786"]
    pinned = json.loads((ROOT / "models" / "registry.json").read_text())["models"]
    assert f"{len(pinned)} models match their sha256" in proc.stderr

"""A model rebuilt in another process, folder, worker count, hash seed and BLAS setup is the same.

The block classifier (a perceptron: its sums go through BLAS, so it is the recipe most sensitive
to thread counts and CPU kernels) is built twice from a small sample of its split, each time by
a fresh ``python -m models.recipes.build`` process, as ``make models`` runs it. The second build
reads its documents with two workers instead of one, has another ``PYTHONHASHSEED`` and working
directory, and asks OpenBLAS for two threads and the Sandybridge kernels (what an older CPU
would pick); the recipes must pin all of that away and write the same ONNX bytes and registry.
"""

from __future__ import annotations

import os
import subprocess
import sys
from hashlib import sha256
from pathlib import Path

import pytest

from models.recipes.environment import OVERRIDE, runs_haswell_kernels

REPO = Path(__file__).resolve().parents[2]
SAMPLE = 12  # documents per split: a few seconds of reading, enough rows to train on


def build(tmp: Path, name: str, workers: int, hash_seed: str,
          blas: dict[str, str]) -> tuple[bytes, bytes]:
    """Build the sample model in a fresh process; its ONNX bytes and registry bytes."""
    out, cwd = tmp / name / "models", tmp / name / "cwd"
    cwd.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if k != OVERRIDE}
    env.update(PYTHONPATH=str(REPO), PYTHONHASHSEED=hash_seed, **blas)
    run = subprocess.run(
        [sys.executable, "-m", "models.recipes.build", "--only", "block_class",
         "--sample", str(SAMPLE), "--workers", str(workers), "--out", str(out)],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=280, check=False)
    assert run.returncode == 0, run.stderr[-3000:]
    return (out / "block_class.onnx").read_bytes(), (out / "registry.json").read_bytes()


@pytest.mark.slow
@pytest.mark.skipif(not runs_haswell_kernels(),
                    reason="the pinned OpenBLAS kernels need an x86-64 CPU with AVX2")
def test_rebuild_gives_the_same_bytes(tmp_path: Path) -> None:
    onnx_a, registry_a = build(tmp_path, "a", workers=1, hash_seed="0", blas={})
    onnx_b, registry_b = build(tmp_path, "b", workers=2, hash_seed="4242",
                               blas={"OPENBLAS_CORETYPE": "Sandybridge",
                                     "OPENBLAS_NUM_THREADS": "2", "OMP_NUM_THREADS": "2"})
    assert len(onnx_a) > 100_000  # a real perceptron, not an empty file
    assert sha256(onnx_a).hexdigest() == sha256(onnx_b).hexdigest(), "the rebuilt ONNX bytes differ"
    assert registry_a.decode() == registry_b.decode()

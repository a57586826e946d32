"""What the model bytes depend on besides the recipes: library versions and the numeric kernels.

A rebuild gives the registry's bytes only with the same libraries and the same floating-point
summation order. Logistic regression (lbfgs) and the perceptron sum through OpenBLAS, whose
result depends on its CPU kernel (SkylakeX, Haswell, Sandybridge ... chosen at load time from
the CPU) and on its thread count; the text features' L2 norm goes through BLAS too. So every
entry point (``build``, ``check``) calls :func:`pin_numerics` before numpy loads: one thread,
OpenBLAS's Haswell kernels (any x86-64 CPU with AVX2 runs them; not a generic SSE kernel,
whose block sizes OpenBLAS derives from the L2 cache size, while Haswell's are constants: its
``kernel/setparam-ref.c``), numpy's dispatch capped at x86-64-v3 (its AVX-512 loops may round
otherwise). :func:`require` then refuses a build whose
libraries or kernels differ, naming them, unless ``COSY_MODELS_ANY_VERSIONS=1``.

The versions are the ``==`` pins of the ``train`` extra in ``pyproject.toml`` (one place).
This module imports nothing heavy at module level: it must run before numpy loads.
"""

from __future__ import annotations

import importlib.metadata
import os
import platform
import sys
import tomllib
from pathlib import Path

OVERRIDE = "COSY_MODELS_ANY_VERSIONS"
PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
PYTHON = "3.11"  # the CPython minor version the registry's bytes were built with
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS",
               "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")
BLAS_KERNEL = "Haswell"
NUMPY_CAPPED = ("X86_V4", "AVX512_ICL", "AVX512_SPR")  # numpy 2.4's dispatch targets above v3


def pin_numerics() -> None:
    """Set the numeric environment for this process and its workers; call before numpy loads."""
    for var in THREAD_VARS:
        os.environ[var] = "1"
    os.environ["NPY_DISABLE_CPU_FEATURES"] = " ".join(NUMPY_CAPPED)
    if runs_haswell_kernels():
        os.environ["OPENBLAS_CORETYPE"] = BLAS_KERNEL


def runs_haswell_kernels() -> bool:
    """x86-64 with AVX2 and FMA (forcing the kernel on a CPU without them would crash)."""
    if platform.machine().lower() not in ("x86_64", "amd64"):
        return False
    try:
        flags = Path("/proc/cpuinfo").read_text(encoding="ascii", errors="replace")
    except OSError:
        return True  # not Linux: every x86-64 Mac since 2013 has AVX2; require() checks
    return " avx2" in flags and " fma" in flags


def pins() -> dict[str, str]:
    """Distribution name -> version, from the ``==`` pins of the ``train`` extra."""
    from packaging.requirements import Requirement

    extra = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"][
        "optional-dependencies"]["train"]
    out = {}
    for line in extra:
        req = Requirement(line)
        exact = [s.version for s in req.specifier if s.operator == "=="]
        if exact:
            out[req.name] = exact[0]
    return out


def installed(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def problems() -> list[str]:
    """Every way this process differs from the environment the registry's bytes were built in."""
    out = [f"{name} {installed(name)} is installed; the registry was built with {version}"
           for name, version in pins().items() if installed(name) != version]
    python = ".".join(platform.python_version_tuple()[:2])
    if python != PYTHON:
        out.append(f"Python {python} runs this; the registry was built with Python {PYTHON}")
    return out + numeric_problems()


def numeric_problems() -> list[str]:
    """BLAS libraries other than OpenBLAS's Haswell kernels, numpy dispatching to AVX-512."""
    import numpy as np
    from threadpoolctl import threadpool_info

    out = []
    for lib in threadpool_info():
        if lib["user_api"] != "blas":
            continue
        kernel = lib.get("architecture") if lib["internal_api"] == "openblas" else None
        if kernel != BLAS_KERNEL:
            out.append(f"{lib['filepath']} computes with {lib['internal_api']} "
                       f"{kernel or ''} kernels, not OpenBLAS {BLAS_KERNEL} (x86-64 with AVX2; "
                       "OPENBLAS_CORETYPE must be set before numpy loads)")
    features = np._core._multiarray_umath.__cpu_features__
    capped = [f for f in NUMPY_CAPPED if features.get(f)]
    if capped:
        out.append(f"numpy dispatches to {', '.join(capped)} (NPY_DISABLE_CPU_FEATURES must be "
                   "set before numpy loads)")
    return out


def require() -> None:
    """Refuse to build in another environment (unless overridden); limit every pool to 1 thread.

    Exits with status 2 and one line per difference; with ``COSY_MODELS_ANY_VERSIONS=1`` it
    prints them as a warning and goes on (the bytes will then differ from the registry).
    """
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)  # also for pools that loaded before pin_numerics ran
    enforce(problems())


def enforce(found: list[str]) -> None:
    """Exit naming the differences, or warn about them under ``COSY_MODELS_ANY_VERSIONS=1``."""
    if not found:
        return
    lines = "\n".join(f"  - {p}" for p in found)
    if os.environ.get(OVERRIDE) == "1":
        print(f"warning: {OVERRIDE}=1, building in another environment; the model bytes will "
              f"differ from models/registry.json:\n{lines}", file=sys.stderr, flush=True)
        return
    sys.exit(f"refusing to build the models: the registry's bytes depend on these, and here\n"
             f"{lines}\nInstall the pinned versions (pip install -e '.[dev,train]', which "
             f"`make models` does), or set {OVERRIDE}=1 to build anyway (other bytes).")


def single_thread() -> None:
    """Limit this process's BLAS and OpenMP pools to one thread (a recipe worker's initializer)."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)


def card_section() -> str:
    """The model cards' account of what their bytes depend on (appended by ``write_card``)."""
    pinned = pins()
    rows = "\n".join(f"| {name} | {installed(name)} |" for name in pinned)
    differ = [n for n, v in pinned.items() if installed(n) != v]
    note = (f"\n**Built with {OVERRIDE}=1**: {', '.join(differ)} differ from the pins; this "
            "file's bytes are not the registry's.\n" if differ else "")
    return f"""
## Reproducibility

The ONNX bytes (and `models/registry.json`) are a function of the recipe, the generator and the
feature code, and of these versions (the `==` pins of the `train` extra in `pyproject.toml`;
`make models` refuses others unless `{OVERRIDE}=1`):

| package | version |
|---|---|
{rows}
| Python | {platform.python_version()} |
{note}
Numeric environment, set before numpy loads (`models/recipes/environment.py`): one BLAS and
OpenMP thread, OpenBLAS's {BLAS_KERNEL} kernels (`OPENBLAS_CORETYPE`; any x86-64 CPU with AVX2;
left to itself OpenBLAS picks a kernel by CPU and the sums round differently), numpy's loops
capped at x86-64-v3. Not pinned: onnxruntime (it only measures: the held-out figures are
rounded to 4 places), the card's latencies and timings (this machine, this load). An ARM machine
or an x86-64 CPU without AVX2 cannot run these kernels and gives other bytes. Check a rebuild
with `make models-check`.
"""

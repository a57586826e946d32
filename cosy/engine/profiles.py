"""Pipeline profiles: which step modules a pipeline loads and which of their steps it runs.

A profile (TOML in pipeline/) names the packages whose modules define steps (``steps``); the
engine imports every module under them, as distributed loads its plugins, so the engine itself
imports no step. ``exclude`` leaves steps out by name or name prefix. The pipeline's fields are
the field specs declared in the modules of its steps (:mod:`cosy.fieldspec`).
"""

from __future__ import annotations

import importlib
import pkgutil
import tomllib
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from cosy.engine.dag import Pipeline, PipelineError
from cosy.engine.step import REGISTRY
from cosy.fieldspec import FIELDS

PROFILE_DIR = Path(__file__).resolve().parents[2] / "pipeline"
DEFAULT_STEPS = ("cosy.steps",)
"""The step packages of a profile that names none (and of an installed package without the
repository's pipeline/ folder)."""


def profile_path(name: str) -> Path:
    path = Path(name)
    if path.suffix == ".toml":
        return path
    return PROFILE_DIR / f"{name}.toml"


def import_steps(packages: Iterable[str]) -> tuple[str, ...]:
    """Import every module under each named package (or the named module itself), so that
    their steps register; returns the names of the modules imported."""
    names: list[str] = []
    for package in packages:
        try:
            module = importlib.import_module(package)
        except ImportError as err:
            raise PipelineError(f"cannot import step package {package!r}: {err}") from err
        names.append(module.__name__)
        for info in pkgutil.walk_packages(getattr(module, "__path__", ()), module.__name__ + "."):
            names.append(importlib.import_module(info.name).__name__)
    return tuple(names)


@lru_cache(maxsize=8)
def load_pipeline(name: str = "default") -> Pipeline:
    """The checked pipeline of a profile (a name in pipeline/ or a path to a TOML file)."""
    path = profile_path(name)
    if not path.is_file():
        if name == "default":  # an installed package without the repository's pipeline/ folder
            spec: dict = {"name": "default"}
        else:
            raise PipelineError(f"no pipeline profile {name!r} (looked for {path})")
    else:
        spec = tomllib.loads(path.read_text())
    modules = import_steps(spec.get("steps", DEFAULT_STEPS))
    exclude = tuple(spec.get("exclude", []))
    steps = [s for s in REGISTRY if s.module in modules
             and not any(s.name == e or s.name.startswith(e + ".") for e in exclude)]
    with_steps = {s.module for s in steps}
    fields = [f for f in FIELDS if f.module in with_steps]  # declared beside a step that runs
    return Pipeline(steps, name=spec.get("name", path.stem), fields=fields)


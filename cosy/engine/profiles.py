"""Pipeline profiles: which registered steps a pipeline runs, read from TOML files in pipeline/."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from cosy.engine.dag import Pipeline, PipelineError
from cosy.engine.step import REGISTRY

PROFILE_DIR = Path(__file__).resolve().parents[2] / "pipeline"


def profile_path(name: str) -> Path:
    path = Path(name)
    if path.suffix == ".toml":
        return path
    return PROFILE_DIR / f"{name}.toml"


@lru_cache(maxsize=8)
def load_pipeline(name: str = "default") -> Pipeline:
    """The checked pipeline of a profile (a name in pipeline/ or a path to a TOML file)."""
    import cosy.steps  # noqa: F401  (registers the steps)

    path = profile_path(name)
    if not path.is_file():
        if name == "default":  # an installed package without the repository's pipeline/ folder
            return Pipeline(REGISTRY, name="default")
        raise PipelineError(f"no pipeline profile {name!r} (looked for {path})")
    spec = tomllib.loads(path.read_text())
    exclude = tuple(spec.get("exclude", []))
    steps = [s for s in REGISTRY
             if not any(s.name == e or s.name.startswith(e + ".") for e in exclude)]
    return Pipeline(steps, name=spec.get("name", path.stem))

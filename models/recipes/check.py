"""Rebuild every model in a scratch directory and compare with the registry (`make models-check`).

Exits 0 when every trained ONNX file and the rebuilt registry equal the committed ones, else 1,
naming each file that differs (the rebuilt directory is then kept for a look). A full rebuild:
as long as ``make models``, meant for CI-like runs on a bigger machine, not for ``make test``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import tempfile
from pathlib import Path

MEASURED_BESIDE = "dev_sets"
"""The registry key of figures measured on the development sets beside the checkout
(``../shared/corpus``, image-only pages through OCR): empty on a machine without them, so a
report of where the build ran, not a fact of the model bytes; a note here, never a difference."""


def _registry(models_dir: Path) -> dict:
    """The registry without the figures measured beside the checkout."""
    registry = json.loads((models_dir / "registry.json").read_text())
    for entry in registry["models"]:
        entry.pop(MEASURED_BESIDE, None)
    return registry


def measured_beside(committed: Path, rebuilt: Path) -> list[str]:
    """The entries whose development-set figures differ (a note, not a difference)."""
    old, new = ({e["name"]: e.get(MEASURED_BESIDE)
                 for e in json.loads((d / "registry.json").read_text())["models"]}
                for d in (committed, rebuilt))
    return [f"{n}: development-set figures {old[n]} -> {new[n]}"
            for n in sorted(old.keys() & new.keys()) if old[n] != new[n]]


def differences(committed: Path, rebuilt: Path) -> list[str]:
    """One line per difference: a model file whose bytes are not the committed registry's sha256,
    a model only on one side, and the registry itself (naming the entries whose facts differ;
    the development-set figures aside: :data:`MEASURED_BESIDE`)."""
    old_registry, new_registry = _registry(committed), _registry(rebuilt)
    old = {e["name"]: e for e in old_registry["models"]}
    new = {e["name"]: e for e in new_registry["models"]}
    out = [f"{name}: only in the committed registry" for name in sorted(old.keys() - new)]
    out += [f"{name}: only in the rebuilt registry" for name in sorted(new.keys() - old)]
    for name in sorted(old.keys() & new.keys()):
        path = rebuilt / new[name]["file"]
        if path.is_file():  # the trained models; the OCR files stay in their wheel
            sha = hashlib.sha256(path.read_bytes()).hexdigest()
            if sha != old[name]["sha256"]:
                out.append(f"{new[name]['file']}: sha256 {sha}, the registry pins "
                           f"{old[name]['sha256']}")
    if old_registry != new_registry:
        changed = sorted(n for n in old.keys() & new.keys() if old[n] != new[n])
        keys = {n: sorted(k for k in old[n].keys() | new[n].keys()
                          if old[n].get(k) != new[n].get(k)) for n in changed}
        detail = "; ".join(f"{n}: {', '.join(k)}" for n, k in keys.items()) or "layout"
        out.append(f"registry.json differs ({detail})")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, help="rebuild here (default: a new temporary "
                                                 "directory, removed when everything matches)")
    parser.add_argument("--workers", type=int, metavar="N",
                        help="processes reading the documents (the bytes do not depend on it)")
    args = parser.parse_args(argv)
    from models.recipes.build import MODELS_DIR  # pins the numerics before numpy loads
    from models.recipes.build import main as build

    out = args.out or Path(tempfile.mkdtemp(prefix="cosy-models-check-"))
    if out.resolve() == MODELS_DIR:
        parser.error("--out must not be the committed models directory")
    build(["--out", str(out)] + (["--workers", str(args.workers)] if args.workers else []))
    found = differences(MODELS_DIR, out)
    for note in measured_beside(MODELS_DIR, out):
        print(f"models-check: note, {note}")
    if not found:
        print(f"models-check: every model file and registry.json equal the committed ones "
              f"(rebuilt in {out})")
        if args.out is None:
            shutil.rmtree(out)
        return 0
    print("models-check: the rebuild differs from the committed models:\n"
          + "\n".join(f"  - {d}" for d in found) + f"\nthe rebuilt files are in {out}",
          file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())

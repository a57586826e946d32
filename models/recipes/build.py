"""Rebuild every model, the registry and the model cards: ``python -m models.recipes.build``.

Deterministic: every sample is a function of a fixed seed, read in seed order whatever the number
of workers; training runs on one thread with pinned BLAS kernels and pinned library versions
(``models/recipes/environment.py``, which refuses a build in another environment), the ONNX
export pins its opsets; so a rebuild on any x86-64 machine with AVX2 writes byte-identical model
files and registry (``make models-check`` verifies it).
"""

from __future__ import annotations

from models.recipes.environment import pin_numerics, require

pin_numerics()  # before numpy loads: the BLAS kernels and thread counts the bytes depend on

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

from models.recipes import (  # noqa: E402
    block_class,
    calibration,
    field_label,
    identifier_role,
    ocr,
    party_role,
    role_models,
    text_models,
    token_ner,
)
from models.recipes.corpus import configure, samples  # noqa: E402

MODELS_DIR = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, default=MODELS_DIR, help="models directory")
    parser.add_argument("--only", nargs="+", metavar="NAME",
                        choices=(*ROLE_NAMES, calibration.RECIPE.name, OCR_CARD),
                        help="rebuild only these mention-level models, the calibration "
                             f"table or the OCR card ({OCR_CARD}); the other entries stay")
    parser.add_argument("--workers", type=int, metavar="N",
                        help="processes reading the documents (default: the cores, at most 2); "
                             "the bytes do not depend on it")
    parser.add_argument("--sample", type=int, metavar="N",
                        help="read only the first N documents of every split: a quick check of "
                             "the recipes, not models to ship (needs --out elsewhere); the "
                             "development sets are still read whole")
    args = parser.parse_args(argv)
    out: Path = args.out
    if args.sample and out.resolve() == MODELS_DIR:
        parser.error("--sample builds models only for a check: give --out another directory")
    require()
    configure(sample=args.sample, workers=args.workers)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    if args.only:
        if OCR_CARD in args.only:
            ocr_card(out, t0)
        names = [n for n in args.only if n != OCR_CARD]
        return only_roles(out, names, t0) if names else None
    entries = ocr.ocr_entries()
    scanned = ocr_card(out, t0)
    dev = text_models.dev_samples()
    for recipe in text_models.RECIPES:
        print(f"building {recipe.ref} ...", flush=True)
        entry = text_models.build(recipe, out, scanned, dev)
        print(f"  held-out accuracy {entry['heldout']['accuracy']}, macro-F1 "
              f"{entry['heldout']['macro_f1']}{dev_summary(entry)}, {entry['size_bytes']} bytes "
              f"({time.perf_counter() - t0:.0f} s)", flush=True)
        entries.append(entry)
    for module in ROLE_MODULES:
        names = ", ".join(r.name for r in module.RECIPES)
        print(f"building {names} ({module.__name__}) ...", flush=True)
        entries += report_roles(module.build_all(out), t0)
    write_registry(out, entries, t0)
    only_roles(out, [calibration.RECIPE.name], t0)  # last: it reads every model as built


OCR_CARD = "ocr"  # `--only ocr`: the OCR card alone (its models are not trained here)


def ocr_card(out: Path, t0: float) -> list[Any]:
    """Read the generated scans, write the OCR card (cards/ocr.md); the scans, for the text
    models' cards."""
    print("reading the scanned evaluation set (OCR) ...", flush=True)
    scanned = samples(text_models.SCANNED)
    m = ocr.build_card(out, scanned, text_models.SCANNED)
    print(f"  OCR character accuracy {m['char_accuracy']:.4f}, p50 {m['sec_p50']:.2f} s/page "
          f"({time.perf_counter() - t0:.0f} s)", flush=True)
    return scanned


ROLE_MODULES: tuple[Any, ...] = (role_models, identifier_role, party_role, token_ner, block_class,
                                 field_label)
"""Recipe modules of the mention-level models: each has ``RECIPES`` (with ``.name``) and
``build_all(out_dir, names=None)`` returning registry entries; ``--only`` picks by name."""
ROLE_NAMES = tuple(r.name for m in ROLE_MODULES for r in m.RECIPES)


def report_roles(entries: list[dict], t0: float) -> list[dict]:
    for e in entries:
        print(f"  {e['name']}: held-out accuracy {e['heldout']['accuracy']}, macro-F1 "
              f"{e['heldout']['macro_f1']}{dev_summary(e)}, {e['size_bytes']} bytes "
              f"({time.perf_counter() - t0:.0f} s)", flush=True)
    return entries


def dev_summary(entry: dict) -> str:
    """The development sets' accuracy for the progress line ('; real 0.97, wild 0.52')."""
    sets = [f"{name} {m['accuracy']}" for name, m in entry.get("dev_sets", {}).items()
            if "accuracy" in m]
    return f"; accuracy on {', '.join(sets)}" if sets else ""


def only_roles(out: Path, names: list[str], t0: float) -> None:
    """Rebuild the named role models and replace their entries in the existing registry."""
    built = []
    for module in ROLE_MODULES:
        mine = [r.name for r in module.RECIPES if r.name in names]
        if mine:
            built += report_roles(module.build_all(out, mine), t0)
    if calibration.RECIPE.name in names:
        print("building calibration (fits the extraction as it now is) ...", flush=True)
        entry = calibration.build(out)
        print(f"  calibration: held-out ECE {entry['heldout']['ece_raw']} -> "
              f"{entry['heldout']['ece_calibrated']} ({time.perf_counter() - t0:.0f} s)",
              flush=True)
        built.append(entry)
    # read the registry only now: another build may have rewritten it while these trained
    registry = out / "registry.json"
    current = (json.loads(registry.read_text(encoding="utf-8"))["models"]
               if registry.is_file() else [])
    keep = [e for e in current if e["name"] not in {b["name"] for b in built}]
    write_registry(out, keep + built, t0)


def write_registry(out: Path, entries: list[dict], t0: float) -> None:
    registry = {"about": "COSY's models, pinned by sha256; rebuilt by `python -m "
                         "models.recipes.build`. A file that does not match refuses to start.",
                "models": sorted(entries, key=lambda e: e["name"])}
    (out / "registry.json").write_text(json.dumps(registry, indent=2, ensure_ascii=False) + "\n",
                                       encoding="utf-8")
    print(f"wrote {out / 'registry.json'} ({len(entries)} models) in "
          f"{time.perf_counter() - t0:.0f} s", flush=True)


if __name__ == "__main__":
    main()

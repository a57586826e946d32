"""Rebuild every model, the registry and the model cards: ``python -m models.recipes.build``.

Deterministic: every sample is a function of a fixed seed, BLAS runs single-threaded, the ONNX
export pins its opsets, so a rebuild writes byte-identical model files (the registry's sha256
values do not change unless a recipe, the generator or the feature code does).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"  # before numpy loads: reproducible float sums, no oversubscription

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from models.recipes import ocr, text_models  # noqa: E402
from models.recipes.corpus import samples  # noqa: E402

MODELS_DIR = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, default=MODELS_DIR, help="models directory")
    args = parser.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    entries = ocr.ocr_entries()
    print("reading the scanned evaluation set (OCR) ...", flush=True)
    scanned = samples(text_models.SCANNED)
    ocr_metrics = ocr.build_card(out, scanned, text_models.SCANNED)
    print(f"  OCR character accuracy {ocr_metrics['char_accuracy']:.4f}, "
          f"{ocr_metrics['sec_mean']:.1f} s/page ({time.perf_counter() - t0:.0f} s)", flush=True)
    real = text_models.real_documents()
    for recipe in text_models.RECIPES:
        print(f"building {recipe.ref} ...", flush=True)
        entry = text_models.build(recipe, out, scanned, real)
        print(f"  held-out accuracy {entry['heldout']['accuracy']}, macro-F1 "
              f"{entry['heldout']['macro_f1']}, {entry['size_bytes']} bytes "
              f"({time.perf_counter() - t0:.0f} s)", flush=True)
        entries.append(entry)
    registry = {"about": "COSY's models, pinned by sha256; rebuilt by `python -m "
                         "models.recipes.build`. A file that does not match refuses to start.",
                "models": sorted(entries, key=lambda e: e["name"])}
    (out / "registry.json").write_text(json.dumps(registry, indent=2, ensure_ascii=False) + "\n",
                                       encoding="utf-8")
    print(f"wrote {out / 'registry.json'} ({len(entries)} models) in "
          f"{time.perf_counter() - t0:.0f} s", flush=True)


if __name__ == "__main__":
    main()

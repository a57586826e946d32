"""Recipe for the calibration table (``review.calibrate``, ``calibration@1.0``).

The pipeline runs with raw confidences (``COSY_CALIBRATE=0``) over the development sets: a
generated development split (the default mix of families, a fifth scanned; never the held-out
seed), and where they exist beside the checkout the real set, its scans and the wild set
without the families kept out of tuning. Each value a field gets is right (it matches the truth
as ``cosy eval`` matches it) or wrong (the truth knows another value); a value whose truth is
unknown is left out. Per field, and per step that found the field's values, an isotonic
regression of rightness on raw confidence gives a step function; each point is smoothed towards
the field's (or all fields') rate by its count, so that a step seen a few times says little.
The card reports the expected calibration error before and after, on the fit data and on the
generated held-out set, and how many values the review threshold holds back.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from cosy.evaluation_sets import HELD_OUT_SEED, WILD_HELD_OUT, real_sets
from cosy.inference.calibration import calibration_key

SMOOTHING = 3.0
"""Pseudo-counts of the prior rate added to each point: a curve point seen n times moves from
the prior to its own rate as n grows past a handful."""
MIN_FIELD, MIN_STEP = 10, 15
"""Values a field (a step) must have been seen with to get its own curve."""
DEV_SEED, DEV_N, DEV_SCANNED = 1000, 300, 0.2
HELD_N = 200


@dataclass(frozen=True)
class CalibrationRecipe:
    ref: str = "calibration@1.0"
    task: str = ("per field and step, the share of values that were right at a raw confidence: "
                 "the calibrated confidence, and needs_review under the threshold")

    @property
    def name(self) -> str:
        return self.ref.split("@")[0]

    @property
    def version(self) -> str:
        return self.ref.split("@")[1]


RECIPE = CalibrationRecipe()
Obs = tuple[str, str, float, bool]
"""(field, step, raw confidence, right) of one value."""


def observations(truth_path: Path, docs: Path | None, executor: Any, pipeline: Any,
                 skip_families: tuple[str, ...] = ()) -> list[Obs]:
    """Every value the pipeline gives a field on a set, judged against its truth."""
    from cosy.evaluation import (
        document_path,
        extract_one,
        extracted_as,
        family_of,
        load_truth,
        values_match,
    )

    renamed = {v: k for k, v in extracted_as().items()}  # order_number -> order_reference
    out: list[Obs] = []
    for truth in load_truth(truth_path):
        if family_of(truth) in skip_families:
            continue
        result, _pages, _error = extract_one(document_path(truth_path, docs, Path(truth["file"])),
                                          executor, pipeline)
        sources = (result.get("document") or {}).get("page_sources") or []
        for name, f in (result.get("fields") or {}).items():
            if not isinstance(f, dict) or "confidence" not in f:
                continue
            key = renamed.get(name, name)
            expected = (truth.get("fields") or {}).get(key)
            if expected is None:
                continue  # the truth does not know this field: no verdict
            right = values_match(key, expected, f.get("value"))
            if not right and not (truth.get("visible_in_text") or {}).get(key, True):
                continue  # not printed: a different reading of an unprinted value proves little
            page = f.get("page")
            scanned = isinstance(page, int) and 0 < page <= len(sources) \
                and bool(sources[page - 1].get("ocr"))
            key = calibration_key(str(f.get("step", "")), f.get("label_agrees"), scanned)
            out.append((name, key, float(f["confidence"]), bool(right)))
    return out


def _curve(obs: list[tuple[float, bool]], prior: float) -> list[list[float]]:
    """Isotonic step function of rightness on raw confidence, each point smoothed to ``prior``."""
    from sklearn.isotonic import IsotonicRegression

    xs = sorted({round(x, 4) for x, _ in obs})
    n = np.array([sum(1 for x, _ in obs if round(x, 4) == v) for v in xs], dtype=float)
    k = np.array([sum(1 for x, r in obs if round(x, 4) == v and r) for v in xs], dtype=float)
    iso = IsotonicRegression(y_min=0.0, y_max=1.0, increasing=True, out_of_bounds="clip")
    fitted = iso.fit(np.array(xs), k / n, sample_weight=n).predict(np.array(xs))
    smoothed = (fitted * n + SMOOTHING * prior) / (n + SMOOTHING)
    smoothed = np.maximum.accumulate(smoothed)
    return [[float(x), round(float(p), 4)] for x, p in zip(xs, smoothed, strict=True)]


def fit(obs: list[Obs]) -> dict[str, Any]:
    """The table: an overall curve, per field a curve, per (field, step) a curve where seen
    often enough."""
    overall = [(x, r) for _, _, x, r in obs]
    rate = sum(r for _, r in overall) / max(len(overall), 1)
    table: dict[str, Any] = {"all": _curve(overall, rate), "fields": {}}
    for field in sorted({f for f, _, _, _ in obs}):
        mine = [(s, x, r) for f, s, x, r in obs if f == field]
        if len(mine) < MIN_FIELD:
            continue
        field_rate = sum(r for _, _, r in mine) / len(mine)
        entry: dict[str, Any] = {"n": len(mine),
                                 "all": _curve([(x, r) for _, x, r in mine], rate), "steps": {}}
        for step in sorted({s for s, _, _ in mine}):
            seen = [(x, r) for s, x, r in mine if s == step]
            if len(seen) >= MIN_STEP:
                entry["steps"][step] = _curve(seen, field_rate)
        table["fields"][field] = entry
    return table


def ece(pairs: list[tuple[float, bool]], bins: int = 10) -> float:
    """Expected calibration error: the count-weighted gap between confidence and rightness."""
    if not pairs:
        return 0.0
    total, err = len(pairs), 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        inside = [(c, r) for c, r in pairs if lo <= c < hi or (b == bins - 1 and c == 1.0)]
        if inside:
            err += len(inside) / total * abs(np.mean([c for c, _ in inside])
                                             - np.mean([r for _, r in inside]))
    return float(err)


def apply(table: dict[str, Any], obs: list[Obs]) -> list[tuple[float, bool]]:
    from cosy.inference.calibration import calibrated

    return [(calibrated(table, f, s, x), r) for f, s, x, r in obs]


def dev_sets(tmp: Path) -> list[tuple[str, Path, Path | None, tuple[str, ...]]]:
    """(name, truth, docs, families left out) of the sets the table is fitted on."""
    from cosy.corpus.generator import generate_corpus

    generate_corpus(tmp / "dev", DEV_N, DEV_SEED, scanned_ratio=DEV_SCANNED)
    out = [("generated development split", tmp / "dev" / "truth.jsonl", None, ())]
    for s in real_sets():
        out.append((s.name, s.truth, s.docs, WILD_HELD_OUT if s.name == "wild" else ()))
    return out


def build(out_dir: Path, threshold: float = 0.5) -> dict[str, Any]:
    """Run the sets, fit, write ``calibration.json`` and its card; return the registry entry."""
    from cosy.config import Settings
    from cosy.corpus.generator import generate_corpus
    from cosy.engine.executor import SyncExecutor
    from cosy.engine.profiles import load_pipeline

    settings = Settings(dask_scheduler="sync", calibrate=False, models_dir=out_dir)
    executor = SyncExecutor(settings)
    pipeline = load_pipeline(settings.pipeline)
    with tempfile.TemporaryDirectory(prefix="cosy-calibration-") as tmp:
        per_set: dict[str, list[Obs]] = {}
        for name, truth, docs, skip in dev_sets(Path(tmp)):
            print(f"  calibration: reading {name} ...", flush=True)
            per_set[name] = observations(truth, docs, executor, pipeline, skip)
        generate_corpus(Path(tmp) / "held", HELD_N, HELD_OUT_SEED, scanned_ratio=0.2)
        held = observations(Path(tmp) / "held" / "truth.jsonl", None, executor, pipeline)
    obs = [o for found in per_set.values() for o in found]
    table = fit(obs)
    blob = (json.dumps(table, sort_keys=True, separators=(",", ":")) + "\n").encode()
    (out_dir / "calibration.json").write_bytes(blob)
    report = {"fit": _report(table, obs, threshold), "held": _report(table, held, threshold),
              "sets": {name: _report(table, found, threshold) for name, found in per_set.items()}}
    entry = {"name": RECIPE.name, "version": RECIPE.version, "task": RECIPE.task,
             "file": "calibration.json", "sha256": hashlib.sha256(blob).hexdigest(),
             "size_bytes": len(blob), "runtime": "table", "inputs": [], "outputs": [],
             "card": f"cards/{RECIPE.name}.md",
             "data": {"generated_development": [DEV_SEED, DEV_N, DEV_SCANNED],
                      "sets": sorted(per_set), "wild_families_left_out": list(WILD_HELD_OUT)},
             "heldout": {"ece_raw": report["held"]["ece_raw"],
                         "ece_calibrated": report["held"]["ece_calibrated"]}}
    (out_dir / "cards").mkdir(parents=True, exist_ok=True)
    (out_dir / "cards" / f"{RECIPE.name}.md").write_text(card(table, report, threshold) + "\n",
                                                         encoding="utf-8")
    return entry


def _report(table: dict[str, Any], obs: list[Obs], threshold: float) -> dict[str, Any]:
    raw = [(x, r) for _, _, x, r in obs]
    cal = apply(table, obs)
    kept = [r for c, r in cal if c >= threshold]
    held = [r for c, r in cal if c < threshold]
    return {"n": len(obs), "ece_raw": round(ece(raw), 4), "ece_calibrated": round(ece(cal), 4),
            "precision_all": round(float(np.mean([r for _, r in raw])), 4) if raw else None,
            "precision_kept": round(float(np.mean(kept)), 4) if kept else None,
            "held_back": len(held), "held_back_right": int(sum(held))}


def card(table: dict[str, Any], report: dict[str, Any], threshold: float) -> str:
    rows = ["| set | values | ECE raw | ECE calibrated | precision of all | precision kept | "
            "held back (of them right) |", "|---|---:|---:|---:|---:|---:|---:|"]
    for name, r in [*report["sets"].items(), ("all fit data", report["fit"]),
                    (f"generated held-out (seed {HELD_OUT_SEED}, not fitted)", report["held"])]:
        rows.append(f"| {name} | {r['n']} | {r['ece_raw']:.3f} | {r['ece_calibrated']:.3f} | "
                    f"{r['precision_all']} | {r['precision_kept']} | {r['held_back']} "
                    f"({r['held_back_right']}) |")
    fields = ["| field | values | own curves (steps) |", "|---|---:|---|"]
    for name, entry in table["fields"].items():
        fields.append(f"| {name} | {entry['n']} | {', '.join(entry['steps']) or '—'} |")
    return f"""# Model card: {RECIPE.ref}

- **Task**: {RECIPE.task}. Read by the document step `review.calibrate` after the consistency
  checks; a value under `COSY_REVIEW_THRESHOLD` (default {threshold}) is marked `needs_review`.
- **File**: `models/calibration.json` (pinned by sha256 in `models/registry.json`; runtime
  `table`).
- **Fit**: per field and per step that found its values (and whether the `field_label` model
  reads the value's label as the field: `|+`, `|-`, `|?`; and whether its page was read by OCR:
  `|ocr`, `|text`), isotonic regression (scikit-learn)
  of rightness on the raw confidence, each point smoothed by {SMOOTHING:g} pseudo-counts of the
  field's rate (the overall rate for a field's own curve); a field needs {MIN_FIELD} values for
  its own curve, a step {MIN_STEP}. Between fitted points the lower point counts.
- **Data**: the pipeline with raw confidences (`COSY_CALIBRATE=0`) over a generated development
  split (seed {DEV_SEED}, {DEV_N} documents, {DEV_SCANNED:.0%} scanned, every family) and the
  real sets beside the checkout ({', '.join(report['sets'])}); the wild families kept out of
  tuning ({', '.join(WILD_HELD_OUT)}) are left out. A value counts as right when it matches the
  truth as `cosy eval` matches it, as wrong when the truth knows another value.
- **Recipe**: `python -m models.recipes.build --only calibration`; it reads the extraction rules
  and models as they are, so it runs last in `make models` and again whenever a rule changes.

## Calibration

{chr(10).join(rows)}

ECE: expected calibration error over ten confidence bins (lower is better).

## Fields

{chr(10).join(fields)}
"""

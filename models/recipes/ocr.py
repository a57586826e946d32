"""OCR: pin RapidOCR's bundled PP-OCR models in the registry and measure them on scans.

The detection and recognition models are not trained here: they ship inside the ``rapidocr``
wheel. This recipe registers them (sha256 of the installed files, their declared inputs and
outputs) and writes ``cards/ocr.md`` with the character accuracy on the generator's scanned
German pages: for each printed field value in the truth (``boxes[...]``), the OCR words whose
centres fall into the value's box are compared with the printed text by edit distance.
"""

from __future__ import annotations

import importlib.metadata
from pathlib import Path
from typing import Any

import numpy as np

from cosy.domain import Word
from cosy.inference.registry import (
    OCR_MAX_SIDE,
    ModelSpec,
    package_dir,
    sha256_file,
    signature,
    spec_from_entry,
)
from cosy.steps.layout import group_lines
from cosy.steps.ocr import MIN_TEXT_CHARS, OCR_DPI, OCR_MODELS
from models.recipes.corpus import Sample
from models.recipes.report import machine, write_card

PACKAGE = "rapidocr"
MODELS = {
    "ocr_det": ("models/PP-OCRv6_det_small.onnx", "text line detection (PP-OCRv6 small, DB)"),
    "ocr_rec": ("models/PP-OCRv6_rec_small.onnx",
                "text line recognition (PP-OCRv6 small, CTC, multilingual Latin charset)"),
}
VERSION = OCR_MODELS[0].split("@")[1]  # the version `ocr.words` pins
BOX_MARGIN = 3.0  # points: scans are rotated up to 1 degree, truth boxes are the unrotated page


def ocr_entries() -> list[dict[str, Any]]:
    """Registry entries for the installed wheel's OCR models (sha256 of the files as installed)."""
    import onnxruntime as ort

    base = package_dir(PACKAGE)
    out = []
    for name, (file, task) in MODELS.items():
        path = base / file
        inputs, outputs = signature(ort.InferenceSession(str(path),
                                                         providers=["CPUExecutionProvider"]))
        out.append({"name": name, "version": VERSION, "task": task, "file": file,
                    "sha256": sha256_file(path), "size_bytes": path.stat().st_size,
                    "inputs": inputs, "outputs": outputs, "labels": [],
                    "runtime": PACKAGE, "package": PACKAGE,
                    "package_version": importlib.metadata.version(PACKAGE),
                    "card": "cards/ocr.md"})
    return out


def ocr_specs() -> tuple[ModelSpec, ModelSpec]:
    entries = {e["name"]: spec_from_entry(e, Path(".")) for e in ocr_entries()}
    return entries["ocr_det"], entries["ocr_rec"]


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions), two-row dynamic programme."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _norm(text: str) -> str:
    return " ".join(text.split())


def words_in_box(words: list[Word], bbox: list[float]) -> str:
    """The OCR words whose centres lie in ``bbox`` (with a margin), in reading order."""
    x0, top, x1, bottom = bbox
    inside = [w for w in words
              if x0 - BOX_MARGIN <= (w.x0 + w.x1) / 2 <= x1 + BOX_MARGIN
              and top - BOX_MARGIN <= (w.top + w.bottom) / 2 <= bottom + BOX_MARGIN]
    return " ".join(w.text for row in group_lines(inside) for w in row)


def evaluate(docs: list[Sample]) -> dict[str, Any]:
    """Character accuracy per printed value, exact-match rates, seconds per page."""
    chars = errors = values = exact = 0
    per_field: dict[str, list[int]] = {}
    seconds: list[float] = []
    for d in docs:
        words: list[list[Word]] = d.truth["_words"]
        seconds += d.truth["_read_seconds"]
        for name, box in d.truth["boxes"].items():
            truth, got = _norm(box["text"]), _norm(words_in_box(words[box["page"] - 1],
                                                                 box["bbox"]))
            dist = edit_distance(truth, got)
            chars += len(truth)
            errors += min(dist, len(truth))
            values += 1
            exact += truth == got
            per_field.setdefault(name, [0, 0])
            per_field[name][0] += 1
            per_field[name][1] += truth == got
    return {"docs": len(docs), "pages": len(seconds), "values": values, "chars": chars,
            "char_accuracy": 1 - errors / max(chars, 1), "exact": exact / max(values, 1),
"per_field": per_field,
            "sec_p50": float(np.percentile(seconds, 50)), "sec_mean": float(np.mean(seconds)),
            "sec_max": float(np.max(seconds))}


def build_card(out_dir: Path, docs: list[Sample], split: Any) -> dict[str, Any]:
    m = evaluate(docs)
    rows = "\n".join(f"| {k} | {n} | {ok / n:.3f} |"
                     for k, (n, ok) in sorted(m["per_field"].items()))
    det, rec = ocr_entries()
    write_card(out_dir / "cards" / "ocr.md", f"""
# Model card: OCR (RapidOCR {importlib.metadata.version(PACKAGE)}, {VERSION})

- **Task**: read pages without a usable text layer (fewer than {MIN_TEXT_CHARS} characters):
  `ocr.words` renders the page with pypdfium2 at {OCR_DPI} dpi (grayscale), RapidOCR detects
  text lines (detector input at most {OCR_MAX_SIDE} px on the long side) and recognises them;
  each line becomes words with boxes in PDF points, placed by the recogniser's character
  positions (RapidOCR's word boxes; the line box split by character share where it has none).
- **Models** (not trained here; shipped inside the `rapidocr` wheel, pinned by sha256 in
  `models/registry.json`, loaded from the installed files, never downloaded):
  - `ocr_det`: `{det['file']}`, {det['size_bytes'] / 2**20:.1f} MiB, sha256 `{det['sha256']}`
  - `ocr_rec`: `{rec['file']}`, {rec['size_bytes'] / 2**20:.1f} MiB, sha256 `{rec['sha256']}`
  The orientation classifier is off (scans are upright; it would be a third model).
  The recognition charset includes ä ö ü ß € (the 1.x `rapidocr-onnxruntime` charset does not).
- **Data**: scanned German documents of the generator (image-only PDFs: rendered at 200 dpi,
  up to ±1° skew, blur, noise, JPEG q70), seeds {split.start}–{split.start + split.count - 1},
  document types cycled: {m['docs']} documents, {m['pages']} pages,
  {m['values']} printed field values, {m['chars']} characters.

## Accuracy

- **Character accuracy {m['char_accuracy']:.4f}** (1 − edit distance / characters) of the
  printed field values (`truth.boxes[...].text`) against the OCR words whose centres lie in the
  value's box (± {BOX_MARGIN} pt): this measures recognition and the word boxes together.
- Values read exactly (same box, same text after whitespace folding): {m['exact']:.4f}.

| field | values | exact |
|---|---:|---:|
{rows}

## Speed ({machine()}, 1 intra-op thread per session)

Seconds per page (render + detection + recognition + words): p50 {m['sec_p50']:.2f},
mean {m['sec_mean']:.2f}, max {m['sec_max']:.2f}. Two recipe workers ran in parallel on the two
cores, with other work on the machine, so these are upper bounds of a quiet core. OCR is by far
the most expensive step: a scanned page costs about as much as a hundred text-layer pages.
""")
    return m

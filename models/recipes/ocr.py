"""OCR: pin RapidOCR's bundled PP-OCR models in the registry and measure them on scans.

The detection and recognition models are not trained here: they ship inside the ``rapidocr``
wheel. This recipe registers them (sha256 of the installed files, their declared inputs and
outputs) and writes ``cards/ocr.md`` with the character accuracy and the seconds per page at
the service's settings, on the generator's scanned German pages and, where they are beside the
checkout, on the real set's scans. Generated: for each printed field value in the truth
(``boxes[...]``), the OCR words whose centres fall into the value's box are compared with the
printed text by edit distance. Real: each scan has a born-digital twin, whose text lines are
the truth (the OCR words whose centres fall into a line's box, against the line).
"""

from __future__ import annotations

import importlib.metadata
import time
from pathlib import Path
from typing import Any

import numpy as np

from cosy.config import Settings
from cosy.corpus import generate_document
from cosy.domain import Word
from cosy.evaluation_sets import SHARED_CORPUS
from cosy.inference.registry import (
    OCR_MAX_SIDE,
    ModelSpec,
    create_ocr_engine,
    package_dir,
    sha256_file,
    signature,
    spec_from_entry,
)
from cosy.steps import ocr, parse, text
from cosy.steps.layout import group_lines
from cosy.steps.ocr import MIN_TEXT_CHARS, OCR_DPI, OCR_MODELS
from models.recipes.corpus import Sample, page_count
from models.recipes.report import machine, write_card

PACKAGE = "rapidocr"
MODELS = {
    "ocr_det": ("models/PP-OCRv6_det_small.onnx", "text line detection (PP-OCRv6 small, DB)"),
    "ocr_rec": ("models/PP-OCRv6_rec_small.onnx",
                "text line recognition (PP-OCRv6 small, CTC, multilingual Latin charset)"),
}
VERSION = OCR_MODELS[0].split("@")[1]  # the version `ocr.words` pins
BOX_MARGIN = 3.0  # points: scans are rotated up to 1 degree, truth boxes are the unrotated page
REAL = SHARED_CORPUS / "real"  # docs/: born-digital e-invoices; scanned/: their image-only twins


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
    pages = 0
    for d in docs:
        words: list[list[Word]] = d.truth["_words"]
        pages += len(words)
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
    return {"docs": len(docs), "pages": pages, "values": values, "chars": chars,
            "char_accuracy": 1 - errors / max(chars, 1), "exact": exact / max(values, 1),
            "per_field": per_field}


def service_engine() -> Any:
    """The engine as a worker has it: the service's ``ocr_threads`` (threads that sleep)."""
    det, rec = ocr_specs()
    return create_ocr_engine(det, rec, Settings().ocr_threads)


def timed_read(engine: Any, pdf: bytes, page_no: int) -> tuple[list[Word], float]:
    """One page as ``ocr.words`` reads it (render, text bands, OCR, words), and its seconds."""
    t0 = time.perf_counter()
    words, _pose = ocr.read_page(engine, pdf, page_no)
    return text.normalized_words(words), time.perf_counter() - t0


def latency(engine: Any, docs: list[Sample]) -> list[float]:
    """Seconds per page of the generated scans, read one at a time in this process (the
    recipe workers' own reading shares the cores, so it is not timed)."""
    pdfs = [generate_document(d.seed, doc_type=d.doc_type, language=d.language,
                              scanned=True)[0] for d in docs]
    timed_read(engine, pdfs[0], 1)  # warm: the first run loads the sessions
    return [timed_read(engine, pdf, n)[1] for pdf in pdfs
            for n in range(1, page_count(pdf) + 1)]


def real_scans(engine: Any, real: Path = REAL) -> dict[str, Any] | None:
    """Character accuracy and seconds per page of the real scans (None where they are absent).

    Each text line of a scan's born-digital twin is the truth; the OCR words whose centres fall
    into the line's box are what was read."""
    scans = sorted((real / "scanned").glob("*.pdf")) if (real / "scanned").is_dir() else []
    pairs = [(s, real / "docs" / s.name) for s in scans if (real / "docs" / s.name).is_file()]
    if not pairs:
        return None
    chars = errors = lines = exact = 0
    seconds: list[float] = []
    for scan_path, twin_path in pairs:
        scan, twin = scan_path.read_bytes(), twin_path.read_bytes()
        for page_no in range(1, page_count(scan) + 1):
            got, secs = timed_read(engine, scan, page_no)
            seconds.append(secs)
            truth_words = text.normalized_words(parse.words(parse.open_page(twin, page_no)))
            for line in group_lines(truth_words):
                box = [min(w.x0 for w in line), min(w.top for w in line),
                       max(w.x1 for w in line), max(w.bottom for w in line)]
                truth, read = _norm(" ".join(w.text for w in line)), _norm(words_in_box(got, box))
                chars += len(truth)
                errors += min(edit_distance(truth, read), len(truth))
                lines += 1
                exact += truth == read
    return {"docs": len(pairs), "pages": len(seconds), "lines": lines, "chars": chars,
            "char_accuracy": 1 - errors / max(chars, 1), "exact": exact / max(lines, 1),
            **seconds_summary(seconds)}


def seconds_summary(seconds: list[float]) -> dict[str, float]:
    return {"sec_p50": float(np.percentile(seconds, 50)),
            "sec_p95": float(np.percentile(seconds, 95)), "sec_max": float(np.max(seconds))}


def build_card(out_dir: Path, docs: list[Sample], split: Any) -> dict[str, Any]:
    m = evaluate(docs)
    engine = service_engine()
    m.update(seconds_summary(latency(engine, docs)))
    real = real_scans(engine)
    if real is None:
        real_text = (f"- **Real scans**: not measured here ({REAL}/scanned is absent; the "
                     "committed card was written where it is).")
    else:
        real_text = (f"- **Real scans** ({real['docs']} real e-invoices scanned, "
                     f"{real['pages']} pages, {real['lines']} text lines, {real['chars']} "
                     f"characters): **character accuracy {real['char_accuracy']:.4f}** against "
                     "the text layer of each scan's born-digital twin (each of its text lines "
                     "against the OCR words whose centres lie in the line's box, "
                     f"± {BOX_MARGIN} pt); lines read exactly: {real['exact']:.4f}.")
    real_speed = ("" if real is None else
                  f"| real scans | {real['pages']} | {real['sec_p50']:.2f} | "
                  f"{real['sec_p95']:.2f} | {real['sec_max']:.2f} |\n")
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
  RapidOCR's orientation classifier is off (it would be a third model): each page is set
  upright first (`cosy/steps/ocr_orient.py`: levelled where its lines tilt 1° or more, turned
  where OCR's line boxes stand tall or its longest lines' middles read far better upside down),
  and a line running up or down an upright page (a legal line in a margin) is read both ways
  round and kept as a line of its own.
  The recognition charset includes ä ö ü ß € (the 1.x `rapidocr-onnxruntime` charset does not).
- **Data**: scanned German documents of the generator (image-only PDFs: rendered at 200 dpi,
  up to ±1° skew, blur, noise, JPEG q70), seeds {split.start}–{split.start + split.count - 1},
  document types cycled: {m['docs']} documents, {m['pages']} pages,
  {m['values']} printed field values, {m['chars']} characters.

## Accuracy

- **Generated scans: character accuracy {m['char_accuracy']:.4f}** (1 − edit distance /
  characters) of the printed field values (`truth.boxes[...].text`) against the OCR words whose
  centres lie in the value's box (± {BOX_MARGIN} pt): this measures recognition and the word
  boxes together. Values read exactly (same box, same text after whitespace folding):
  {m['exact']:.4f}.
{real_text}

| field | values | exact |
|---|---:|---:|
{rows}

## Speed ({machine()}, the service's settings)

Seconds per page as a worker reads it (render, text bands, detection, recognition, words): the
models on `COSY_OCR_THREADS` ({Settings().ocr_threads}) threads that sleep when idle, one page at
a time (`COSY_OCR_SLOTS` {Settings().ocr_slots}), in this process after the recipe's other work.
OCR is by far the most expensive step: a scanned page costs about as much as ten to fifteen
text-layer pages. Under `make bench` the pipeline adds its other steps (docs/decisions.md, M2).

| scans | pages | p50 s | p95 s | max s |
|---|---:|---:|---:|---:|
| generated | {m['pages']} | {m['sec_p50']:.2f} | {m['sec_p95']:.2f} | {m['sec_max']:.2f} |
{real_speed}""")
    return m

"""Score extraction against a truth file (the format of the real corpus's ``truth.jsonl``).

Attachments are stripped first (a ZUGFeRD XML would answer for the page), and line items are
scored as rows matched by line total and quantity. Only values that are printed count against the
extractor: a truth field whose
``visible_in_text`` flag is false cannot be missed. A prediction for such a field is a false
positive only when the truth is known (non-null) and the prediction differs from it. Matching is
per kind of value: names after case and punctuation folding (legal forms stay significant), IDs
without spaces, amounts within half a cent, dates exactly, addresses by postcode, city and the
street's main line.
"""

from __future__ import annotations

import io
import json
import re
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from cosy.fieldspec import FieldSpec, Match, fold_text, same_value
from cosy.fieldspec import as_decimal as _amount


def _specs() -> tuple[FieldSpec, ...]:
    """The fields of the configured pipeline profile (``COSY_PIPELINE``): their specs say which
    are scored and how values compare."""
    from cosy.config import get_settings
    from cosy.engine.profiles import load_pipeline

    return load_pipeline(get_settings().pipeline).fields


def scored_fields() -> tuple[str, ...]:
    """The fields scored, by their truth names: every field whose spec says so (a field a truth
    file does not list as printed is not scored on it: the real set has no contact persons)."""
    return tuple(s.truth_name for s in _specs() if s.scored)


def match_of(field: str) -> Match:
    """How values of ``field`` (a field's or a truth file's name) are compared, as its spec
    says; a field nobody declared compares as an identifier."""
    spec = next((s for s in _specs() if field in (s.name, s.truth_name)), None)
    return spec.match if spec is not None else "identifier"


def extracted_as() -> dict[str, str]:
    """Truth names whose extracted field is named otherwise (DESIGN §8 calls the truth's
    ``order_reference`` ``order_number``)."""
    return {s.truth: s.name for s in _specs() if s.truth}


def _fold_street(text: str) -> str:
    """Street folded for comparison: 'Musterstraße 12' == 'MUSTERSTR. 12' == 'Musterstrasse 12'."""
    text = fold_text(text).replace("ß", "ss")
    return re.sub(r"(?<=\w)(strasse|str)\b", "str", text)


def street_matches(expected: Any, got: Any) -> bool:
    """Whether the predicted street holds the truth street's main line.

    A truth without a street checks nothing. The prediction matches when it equals the truth,
    starts with it (the rest of a long address line after it), has it as its comma-separated
    tail (a building or a name in front: 'No. 1, Jalan Kenari 5'), or equals one
    comma-separated part of the truth that has a number and a word (the main line of
    'Pappelallee 15, Hof 3' or of 'Hans Mustermann, Kundenstraße 15'). A label read into the
    street ('Invoice to Ecke 12') does not match.
    """
    if not expected:
        return True
    if not got:
        return False
    want = _fold_street(str(expected))
    pieces = str(got).split(",")
    for i in range(len(pieces)):
        have = _fold_street(",".join(pieces[i:]))
        if have == want or have.startswith(want + " "):
            return True
    have = _fold_street(str(got))
    parts = [_fold_street(part) for part in str(expected).split(",")]
    return any(part == have for part in parts
               if re.search(r"\d", part) and re.search(r"[^\W\d_]{3,}", part))


def values_match(field: str, expected: Any, got: Any) -> bool:
    """Whether a predicted value counts as the truth value for ``field``: as the runtime
    compares values (:func:`cosy.fieldspec.same_value`), and for addresses also the street's
    main line (scoring asks more than the merge does)."""
    match = match_of(field)
    if not same_value(match, expected, got):
        return False
    if match == "address":
        return street_matches(expected.get("street"), got.get("street"))
    return True


def strip_attachments(data: bytes) -> bytes:
    """The PDF without embedded files (a ZUGFeRD / Factur-X XML would answer for the page).

    The real development set had its attachments removed; generated or customer PDFs that still
    carry one are scored on what the page says, so page extraction has to stand on its own.
    """
    import pypdfium2 as pdfium

    from cosy.ingest import PDFIUM_LOCK

    with PDFIUM_LOCK:  # PDFium is not thread-safe: documents are scored several at a time
        pdf = pdfium.PdfDocument(data)
        try:
            count = pdf.count_attachments()
            if not count:
                return data
            for index in range(count - 1, -1, -1):
                pdf.del_attachment(index)
            buf = io.BytesIO()
            pdf.save(buf)
            return buf.getvalue()
        finally:
            pdf.close()


# --- line items ----------------------------------------------------------------------------------


def _item_value(item: dict[str, Any], *keys: str) -> Decimal | None:
    for key in keys:
        if item.get(key) is not None:
            return _amount(item[key])
    return None


def score_line_items(truth_items: list[dict[str, Any]],
                     predicted: list[dict[str, Any]]) -> dict[str, int]:
    """Rows matched one to one by line total and quantity (by quantity and description where the
    truth has no prices, as on a delivery note): tp, fp, fn."""
    unmatched = list(range(len(truth_items)))
    tp = 0
    for item in predicted:
        total = _item_value(item, "total")
        qty = _item_value(item, "quantity")
        for k in unmatched:
            t = truth_items[k]
            t_total = _item_value(t, "line_total_net", "total")
            t_qty = _item_value(t, "quantity")
            if t_qty is not None and (qty is None or abs(t_qty - qty) > Decimal("0.0001")):
                continue
            if t_total is not None:
                if total is None or abs(t_total - total) > Decimal("0.005"):
                    continue
            elif fold_text(t.get("description") or "") != fold_text(item.get("description") or ""):
                continue
            unmatched.remove(k)
            tp += 1
            break
    return {"tp": tp, "fp": len(predicted) - tp, "fn": len(unmatched)}


def summarize_line_items(counts: list[dict[str, int]]) -> dict[str, Any]:
    """Row-level precision, recall and F1 over all documents that have items in the truth."""
    tp, fp, fn = (sum(c[k] for c in counts) for k in ("tp", "fp", "fn"))
    return {"documents": len(counts), "tp": tp, "fp": fp, "fn": fn, **_prf(tp, fp, fn)}


# --- tax breakdown -------------------------------------------------------------------------------


def score_tax_breakdown(truth_rows: list[dict[str, Any]],
                        predicted: list[dict[str, Any]]) -> dict[str, int]:
    """Breakdown rows matched one to one by rate, base and tax (amounts within half a cent):
    tp, fp, fn. Summed over documents by :func:`summarize_line_items`."""
    unmatched = list(range(len(truth_rows)))
    tp = 0
    for row in predicted:
        got = [_item_value(row, k) for k in ("rate", "base", "tax")]
        for k in unmatched:
            want = [_item_value(truth_rows[k], key) for key in ("rate", "base", "tax")]
            if all(w is not None and g is not None and abs(w - g) <= Decimal("0.005")
                   for w, g in zip(want, got, strict=True)):
                unmatched.remove(k)
                tp += 1
                break
    return {"tp": tp, "fp": len(predicted) - tp, "fn": len(unmatched)}


# --- scoring -------------------------------------------------------------------------------------


Counts = dict[str, dict[str, int]]


def score_document(truth: dict[str, Any],
                   fields: dict[str, Any]) -> tuple[Counts, list[dict[str, Any]]]:
    """Per-field tp/fp/fn of one document and its misses; ``fields`` maps name -> value."""
    counts: dict[str, dict[str, int]] = {}
    misses: list[dict[str, Any]] = []
    visible = truth.get("visible_in_text", {})
    for name in scored_fields():
        c = counts.setdefault(name, {"tp": 0, "fp": 0, "fn": 0})
        expected = truth.get("fields", {}).get(name)
        got = fields.get(name)
        if expected is not None and visible.get(name):
            if got is not None and values_match(name, expected, got):
                c["tp"] += 1
                continue
            c["fn"] += 1
            if got is not None:
                c["fp"] += 1
        elif got is not None and expected is not None and not values_match(name, expected, got):
            c["fp"] += 1
        else:
            continue
        misses.append({"file": truth["file"], "field": name, "expected": expected, "got": got})
    return counts, misses


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def summarize(per_doc: list[tuple[dict[str, dict[str, int]], list[dict[str, Any]]]],
              doc_types: list[tuple[str, str, str | None]]) -> dict[str, Any]:
    """Aggregate per-document counts into per-field and micro scores.

    ``doc_types`` holds (file, expected type, predicted type) per document.
    """
    totals = {name: {"tp": 0, "fp": 0, "fn": 0} for name in scored_fields()}
    misses: list[dict[str, Any]] = []
    for counts, doc_misses in per_doc:
        for name, c in counts.items():
            for k in ("tp", "fp", "fn"):
                totals[name][k] += c[k]
        misses.extend(doc_misses)
    per_field = {name: {**c, "support": c["tp"] + c["fn"], **_prf(c["tp"], c["fp"], c["fn"])}
                 for name, c in totals.items()}
    tp, fp, fn = (sum(c[k] for c in totals.values()) for k in ("tp", "fp", "fn"))
    type_misses = [{"file": file, "expected": expected, "got": got}
                   for file, expected, got in doc_types
                   if canonical_doc_type(expected) != canonical_doc_type(got)]
    correct = len(doc_types) - len(type_misses)
    return {
        "documents": len(per_doc),
        "fields": per_field,
        "micro": {"tp": tp, "fp": fp, "fn": fn, **_prf(tp, fp, fn)},
        "doc_type_accuracy": round(correct / len(doc_types), 4) if doc_types else None,
        "misses": misses,
        "doc_type_misses": type_misses,
    }


def field_values(result: dict[str, Any]) -> dict[str, Any]:
    """The result's field values under the truth's names (``order_number`` as
    ``order_reference``), for scoring. A value marked ``needs_review`` is not emitted as a
    value (it waits for a person), so it is not scored as one."""
    values = {name: f.get("value") if isinstance(f, dict) else f
              for name, f in result.get("fields", {}).items()
              if not (isinstance(f, dict) and f.get("needs_review"))}
    for truth_name, name in extracted_as().items():
        if name in values:
            values[truth_name] = values[name]
    return values


def review_values(result: dict[str, Any]) -> dict[str, Any]:
    """The values a result holds back for review (``needs_review``), under the truth's names."""
    values = {name: f.get("value") for name, f in result.get("fields", {}).items()
              if isinstance(f, dict) and f.get("needs_review")}
    for truth_name, name in extracted_as().items():
        if name in values:
            values[truth_name] = values.pop(name)
    return values


def score_review(truth: dict[str, Any], held: dict[str, Any]) -> dict[str, int]:
    """How many held-back values would have been right, wrong, or had no printed truth."""
    counts = {"right": 0, "wrong": 0, "unknown": 0}
    visible = truth.get("visible_in_text", {})
    for name, got in held.items():
        expected = truth.get("fields", {}).get(name)
        if expected is None or not visible.get(name):
            counts["unknown"] += 1
        else:
            counts["right" if values_match(name, expected, got) else "wrong"] += 1
    return counts


def family_of(truth: dict[str, Any]) -> str:
    """The source family a document is reported under: the generator's ``family`` (or
    ``layout``), else the repository of ``source.locator`` (without the commit)."""
    if truth.get("family"):
        return str(truth["family"])
    locator = (truth.get("source") or {}).get("locator")
    if locator:
        return str(locator).split("@", 1)[0]
    return str(truth.get("layout") or "unknown")


def canonical_doc_type(name: str | None) -> str | None:
    """One label set for truth, generator and model: the real set's names (``quotation``);
    older truth files' names (``quote``) are mapped onto them."""
    from cosy.corpus.data import DOC_TYPE_ALIASES

    return DOC_TYPE_ALIASES.get(name, name) if name else name


def _doc_type(result: dict[str, Any]) -> str | None:
    """The predicted type: the ``doc_type`` field where extraction sets one, else the header's."""
    field = result.get("fields", {}).get("doc_type")
    if isinstance(field, dict) and field.get("value"):
        return str(field["value"])
    return result.get("document", {}).get("doc_type")


def load_truth(truth_path: Path) -> list[dict[str, Any]]:
    with truth_path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def extract_one(path: Path, executor: Any, pipeline: Any) -> tuple[dict[str, Any], int, str | None]:
    """One document's result, its page count, and the error that stopped it (if any)."""
    from cosy.ingest import inspect_document

    try:
        data = strip_attachments(path.read_bytes())
        info = inspect_document(data, path.name, "default", max_bytes=1 << 30, max_pages=10000)
        return executor.run(pipeline, data, info).outputs["doc.result"], info.pages, None
    except Exception as err:
        return {}, 0, f"{type(err).__name__}: {err}"


def evaluate(truth_path: Path, docs_dir: Path | None, executor: Any, pipeline: Any,
             progress: bool = True, concurrency: int = 1,
             held_out: tuple[str, ...] = ()) -> dict[str, Any]:
    """Run ``pipeline`` on every document of the truth file and score the extracted fields.

    A truth line's ``file`` is relative to the truth file's folder. With ``docs_dir`` it is
    looked up there instead, by its relative path or else by its basename (the same truth over
    another rendering, e.g. a folder of scanned copies). ``concurrency`` documents are in flight
    at once (more than one only pays on a Dask executor, whose workers share them). Source
    families named in ``held_out`` (kept out of tuning) are also reported apart from the rest.
    """
    from concurrent.futures import ThreadPoolExecutor

    truth_path = Path(truth_path)
    per_doc: list[tuple[dict[str, dict[str, int]], list[dict[str, Any]]]] = []
    item_counts: list[dict[str, int]] = []
    tax_counts: list[dict[str, int]] = []  # documents whose truth has a breakdown
    doc_types: list[tuple[str, str, str | None]] = []
    families: list[str] = []
    sources: list[str] = []  # how each document was read: OCR or its text layer
    review = {"right": 0, "wrong": 0, "unknown": 0}
    errors: list[dict[str, str]] = []
    pages = 0
    t0 = time.perf_counter()
    truths = load_truth(truth_path)
    paths = [document_path(truth_path, docs_dir, Path(t["file"])) for t in truths]
    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        runs = pool.map(lambda path: extract_one(path, executor, pipeline), paths)
        for truth, (result, n_pages, error) in zip(truths, runs, strict=True):
            if error:
                errors.append({"file": truth["file"], "error": error})
            pages += n_pages
            _score_one(truth, result, per_doc, item_counts, tax_counts, doc_types)
            families.append(family_of(truth))
            sources.append(read_by(result))
            for key, n in score_review(truth, review_values(result)).items():
                review[key] += n
            if progress:
                print(f"  {truth['file']}", file=sys.stderr, flush=True)
    report = summarize(per_doc, doc_types)
    report["families"] = _by_family(families, per_doc, doc_types)
    if held_out:
        report["held_out"] = _split_held_out(families, per_doc, doc_types, held_out)
    if len(set(sources)) > 1:
        report["by_source"] = _by_family(sources, per_doc, doc_types)
    report["needs_review"] = review
    report["line_items"] = summarize_line_items(item_counts)
    report["tax_breakdown"] = summarize_line_items(tax_counts)
    report["errors"] = errors
    wall = time.perf_counter() - t0
    report["timing"] = {"total_s": round(wall, 3), "pages": pages,
                        "s_per_page": round(wall / pages, 4) if pages else None}
    return report


SOURCE_OCR, SOURCE_TEXT = "image-only (OCR)", "text layer"
"""How a document was read (:func:`read_by`): the groups ``by_source`` scores apart."""


def read_by(result: dict[str, Any]) -> str:
    """How a document was read: by OCR where any page was (a scan or photo), else its text."""
    pages = (result.get("document") or {}).get("page_sources") or ()
    ocr = any(p.get("ocr") for p in pages)
    return SOURCE_OCR if ocr else SOURCE_TEXT



def _by_family(families: list[str], per_doc: list[Any],
               doc_types: list[tuple[str, str, str | None]]) -> dict[str, Any]:
    """Micro scores and document-type accuracy of each source family (or any other label of
    the documents: how they were read)."""
    out: dict[str, Any] = {}
    for family in sorted(set(families)):
        idx = [i for i, f in enumerate(families) if f == family]
        sub = summarize([per_doc[i] for i in idx], [doc_types[i] for i in idx])
        out[family] = {"documents": len(idx), "micro": sub["micro"],
                       "doc_type_accuracy": sub["doc_type_accuracy"]}
    return out


def _split_held_out(families: list[str], per_doc: list[Any],
                    doc_types: list[tuple[str, str, str | None]],
                    held_out: tuple[str, ...]) -> dict[str, Any]:
    """Micro scores of the tuned families and of the families kept out of tuning, apart."""
    parts = {}
    for part, keep in (("tuned", False), ("held out", True)):
        idx = [i for i, f in enumerate(families) if (f in held_out) == keep]
        sub = summarize([per_doc[i] for i in idx], [doc_types[i] for i in idx])
        parts[part] = {"documents": len(idx), "micro": sub["micro"],
                       "doc_type_accuracy": sub["doc_type_accuracy"],
                       "families": sorted({families[i] for i in idx})}
    return parts


def _score_one(truth: dict[str, Any], result: dict[str, Any], per_doc: list[Any],
               item_counts: list[dict[str, int]], tax_counts: list[dict[str, int]],
               doc_types: list[tuple[str, str, str | None]]) -> None:
    """Append one document's field, line-item, breakdown and type scores."""
    per_doc.append(score_document(truth, field_values(result)))
    if truth.get("line_items"):
        item_counts.append(score_line_items(truth["line_items"], result.get("line_items") or []))
    if truth.get("tax_breakdown") is not None:
        tax_counts.append(score_tax_breakdown(truth["tax_breakdown"],
                                              result.get("tax_breakdown") or []))
    doc_types.append((truth["file"], truth.get("doc_type", ""), _doc_type(result)))


def document_path(truth_path: Path, docs_dir: Path | None, rel: Path) -> Path:
    if docs_dir is None:
        return truth_path.parent / rel
    nested = Path(docs_dir) / rel
    return nested if nested.exists() else Path(docs_dir) / rel.name


def format_report(report: dict[str, Any]) -> str:
    """The report as Markdown: a per-field table, micro scores, doc-type accuracy, the misses."""
    out = ["| field | support | TP | FP | FN | precision | recall | F1 |",
           "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for name, s in report["fields"].items():
        if s["support"] == 0 and s["fp"] == 0:
            continue  # not printed in this truth's documents: nothing to score
        out.append(f"| {name} | {s['support']} | {s['tp']} | {s['fp']} | {s['fn']} | "
                   f"{s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} |")
    m = report["micro"]
    out.append(f"| **micro** | {m['tp'] + m['fn']} | {m['tp']} | {m['fp']} | {m['fn']} | "
               f"**{m['precision']:.3f}** | **{m['recall']:.3f}** | **{m['f1']:.3f}** |")
    out.append("")
    out.append(f"Documents: {report['documents']}; document-type accuracy: "
               f"{report['doc_type_accuracy']}")
    if report.get("line_items"):
        li = report["line_items"]
        out.append(f"Line items (rows matched by total and quantity, {li['documents']} documents):"
                   f" TP {li['tp']}, FP {li['fp']}, FN {li['fn']}; precision "
                   f"{li['precision']:.3f}, recall {li['recall']:.3f}, F1 {li['f1']:.3f}")
    if report.get("tax_breakdown", {}).get("documents"):
        tb = report["tax_breakdown"]
        out.append(f"Tax breakdown (rows matched by rate, base and tax, {tb['documents']} "
                   f"documents): TP {tb['tp']}, FP {tb['fp']}, FN {tb['fn']}; precision "
                   f"{tb['precision']:.3f}, recall {tb['recall']:.3f}, F1 {tb['f1']:.3f}")
    held = report.get("needs_review") or {}
    if any(held.values()):
        out.append(f"Held back for review (not scored as values): {held['right']} right, "
                   f"{held['wrong']} wrong, {held['unknown']} without printed truth")
    if report.get("timing"):
        t = report["timing"]
        out.append(f"Time: {t['total_s']} s for {t['pages']} pages ({t['s_per_page']} s/page)")
    if len(report.get("families") or {}) > 1:
        out += ["", format_families(report["families"])]
    if report.get("errors"):
        out.append("")
        out.append("Failed documents:")
        out.extend(f"- {e['file']}: {e['error']}" for e in report["errors"])
    if report.get("doc_type_misses"):
        out += ["", "| file | document type expected | got |", "|---|---|---|"]
        out.extend(f"| {Path(m['file']).name} | {m['expected']} | {_cell(m['got'])} |"
                   for m in report["doc_type_misses"])
    if report["misses"]:
        out += ["", "| file | field | expected | got |", "|---|---|---|---|"]
        for miss in report["misses"]:
            out.append(f"| {Path(miss['file']).name} | {miss['field']} | "
                       f"{_cell(miss['expected'])} | {_cell(miss['got'])} |")
    return "\n".join(out) + "\n"


def format_families(families: dict[str, Any]) -> str:
    """Per source family: documents, micro precision, recall and F1, document-type accuracy."""
    out = ["| source family | documents | precision | recall | micro-F1 | document type |",
           "|---|---:|---:|---:|---:|---:|"]
    for name, f in families.items():
        m = f["micro"]
        out.append(f"| {name} | {f['documents']} | {m['precision']:.3f} | {m['recall']:.3f} | "
                   f"{m['f1']:.3f} | {f['doc_type_accuracy']:.3f} |")
    return "\n".join(out)


def _cell(value: Any) -> str:
    if isinstance(value, dict):
        value = ", ".join(str(v) for v in value.values() if v)
    return "—" if value is None else str(value).replace("|", "\\|")


def run_eval_cli(truth: str, docs: str | None, json_out: bool, settings: Any) -> int:
    """`cosy eval --truth FILE [--docs DIR] [--json]`: print the report; exit code 0."""
    from cosy.engine.executor import make_executor
    from cosy.engine.profiles import load_pipeline
    from cosy.progress import Progress, TrackedExecutor

    pipeline = load_pipeline(settings.pipeline)
    documents = len(load_truth(Path(truth)))  # pages are at least as many
    with Progress(documents, "eval", documents=True) as progress, \
            TrackedExecutor(make_executor(settings, documents), progress) as executor:
        report = evaluate(Path(truth), Path(docs) if docs else None, executor, pipeline,
                          progress=False)
    print(json.dumps(report, ensure_ascii=False, indent=2) if json_out else format_report(report))
    return 0

"""Score extraction against a truth file (the format of the real corpus's ``truth.jsonl``).

Attachments are stripped first (a ZUGFeRD XML would answer for the page), and line items are
scored as rows matched by line total and quantity. Only values that are printed count against the
extractor: a truth field whose
``visible_in_text`` flag is false cannot be missed. A prediction for such a field is a false
positive only when the truth is known (non-null) and the prediction differs from it. Matching is
per kind of value: names after case and punctuation folding (legal forms stay significant), IDs
without spaces, amounts within half a cent, dates exactly, addresses by postcode and city.
"""

from __future__ import annotations

import json
import re
import sys
import time
import unicodedata
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

FIELDS: tuple[str, ...] = (
    "invoice_number", "issue_date", "due_date", "delivery_date", "currency", "total_net",
    "total_tax", "total_gross", "seller_name", "seller_address", "buyer_name", "buyer_address",
    "seller_vat_id", "seller_tax_number", "buyer_vat_id", "iban", "bic", "amount_due",
    "contact_person", "director", "seller_register", "bank_name", "order_reference",
    "buyer_reference", "debtor_iban", "customer_number", "supplier_number", "invoice_reference",
    "valid_until", "start_date", "monthly_fee", "prepaid_amount", "dunning_fee",
    "tax_category",
)
"""The fields scored: every field the truth format knows that extraction is asked for (a field a
truth file does not list as printed is not scored on it: the real set has no contact persons)."""

EXTRACTED_AS = {"order_reference": "order_number"}
"""Truth names whose extracted field is named otherwise (DESIGN §8 calls it ``order_number``)."""

NAMES = {"seller_name", "buyer_name", "contact_person", "director", "bank_name"}
ADDRESSES = {"seller_address", "buyer_address"}
AMOUNTS = {"total_net", "total_tax", "total_gross", "amount_due", "monthly_fee", "prepaid_amount",
           "dunning_fee"}
DATES = {"issue_date", "due_date", "delivery_date", "valid_until", "start_date"}


# --- matching ------------------------------------------------------------------------------------


def fold_text(text: str) -> str:
    """Case and punctuation folded, spaces collapsed: 'LIEFERANT GMBH.' == 'Lieferant GmbH'."""
    text = unicodedata.normalize("NFKC", str(text)).casefold()
    text = re.sub(r"[^\w\s]|_", " ", text)
    return " ".join(text.split())


def _amount(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _postcode(address: dict[str, Any]) -> str:
    """Postcode from either spelling: DESIGN's ``postal_code`` or the truth's ``postcode``."""
    code = address.get("postcode") or address.get("postal_code") or ""
    return re.sub(r"\s+", "", str(code)).upper()


def values_match(field: str, expected: Any, got: Any) -> bool:
    """Whether a predicted value counts as the truth value for ``field``."""
    if expected is None or got is None:
        return expected is None and got is None
    if field in AMOUNTS:
        e, g = _amount(expected), _amount(got)
        return e is not None and g is not None and abs(e - g) <= Decimal("0.005")
    if field in DATES:
        return str(expected) == str(got)
    if field in ADDRESSES:
        if not isinstance(expected, dict) or not isinstance(got, dict):
            return False
        return (_postcode(expected) == _postcode(got)
                and fold_text(expected.get("city", "")) == fold_text(got.get("city", "")))
    if field in NAMES:
        return fold_text(expected) == fold_text(got)
    if field == "currency":
        return str(expected).strip().upper() == str(got).strip().upper()
    return re.sub(r"\s+", "", str(expected)) == re.sub(r"\s+", "", str(got))  # identifiers


def strip_attachments(data: bytes) -> bytes:
    """The PDF without embedded files (a ZUGFeRD / Factur-X XML would answer for the page).

    The real development set had its attachments removed; generated or customer PDFs that still
    carry one are scored on what the page says, so page extraction has to stand on its own.
    """
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        count = pdf.count_attachments()
        if not count:
            return data
        for index in range(count - 1, -1, -1):
            pdf.del_attachment(index)
        import io

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
    for name in FIELDS:
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
    totals = {name: {"tp": 0, "fp": 0, "fn": 0} for name in FIELDS}
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
    ``order_reference``), for scoring."""
    values = {name: f.get("value") if isinstance(f, dict) else f
              for name, f in result.get("fields", {}).items()}
    for truth_name, name in EXTRACTED_AS.items():
        if name in values:
            values[truth_name] = values[name]
    return values


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


def evaluate(truth_path: Path, docs_dir: Path | None, executor: Any, pipeline: Any,
             progress: bool = True) -> dict[str, Any]:
    """Run ``pipeline`` on every document of the truth file and score the extracted fields.

    A truth line's ``file`` is relative to the truth file's folder. With ``docs_dir`` it is
    looked up there instead, by its relative path or else by its basename (the same truth over
    another rendering, e.g. a folder of scanned copies).
    """
    from cosy.ingest import inspect_document

    truth_path = Path(truth_path)
    per_doc: list[tuple[dict[str, dict[str, int]], list[dict[str, Any]]]] = []
    item_counts: list[dict[str, int]] = []
    tax_counts: list[dict[str, int]] = []  # documents whose truth has a breakdown
    doc_types: list[tuple[str, str, str | None]] = []
    errors: list[dict[str, str]] = []
    pages = 0
    t0 = time.perf_counter()
    for truth in load_truth(truth_path):
        rel = Path(truth["file"])
        path = _document_path(truth_path, docs_dir, rel)
        try:
            data = strip_attachments(path.read_bytes())
            info = inspect_document(data, path.name, "default", max_bytes=1 << 30, max_pages=10000)
            result = executor.run(pipeline, data, info).outputs["doc.result"]
            pages += info.pages
        except Exception as err:
            errors.append({"file": truth["file"], "error": f"{type(err).__name__}: {err}"})
            result = {}
        per_doc.append(score_document(truth, field_values(result)))
        if truth.get("line_items"):
            item_counts.append(score_line_items(truth["line_items"],
                                                result.get("line_items") or []))
        if truth.get("tax_breakdown") is not None:
            tax_counts.append(score_tax_breakdown(truth["tax_breakdown"],
                                                  result.get("tax_breakdown") or []))
        doc_types.append((truth["file"], truth.get("doc_type", ""), _doc_type(result)))
        if progress:
            print(f"  {truth['file']}", file=sys.stderr, flush=True)
    report = summarize(per_doc, doc_types)
    report["line_items"] = summarize_line_items(item_counts)
    report["tax_breakdown"] = summarize_line_items(tax_counts)
    report["errors"] = errors
    wall = time.perf_counter() - t0
    report["timing"] = {"total_s": round(wall, 3), "pages": pages,
                        "s_per_page": round(wall / pages, 4) if pages else None}
    return report


def _document_path(truth_path: Path, docs_dir: Path | None, rel: Path) -> Path:
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
    if report.get("timing"):
        t = report["timing"]
        out.append(f"Time: {t['total_s']} s for {t['pages']} pages ({t['s_per_page']} s/page)")
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

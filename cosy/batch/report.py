"""The batch report: ``DIR/report.json`` for machines, ``DIR/report.html`` for people.

Built from the store at the end of a run, so it covers the whole batch (documents an earlier,
interrupted run finished included): entries by status (document, duplicate, refused), documents
by status and type, refusals and failures with their reasons, fields below the review threshold
(flagged ``needs_review``: under ``COSY_REVIEW_THRESHOLD``), this run's throughput and the
slowest pages.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

from cosy.batch.runner import Outcome
from cosy.config import Settings
from cosy.store.base import Store

SLOWEST = 10


def build(store: Store, outcome: Outcome, settings: Settings) -> dict[str, Any]:
    """The report of ``outcome``'s batch as a JSON-safe dict."""
    threshold = settings.review_threshold
    locators: dict[str, list[str]] = {}
    for e in outcome.entries:
        if e.get("doc"):
            locators.setdefault(e["doc"], []).append(e["entry"])
    docs, failures, review, pages_timed = [], [], [], []
    for rec in outcome.docs.values():
        job = store.get_job(rec.job_id)
        doc = store.get_document(outcome.tenant, rec.id) or {}
        result = doc.get("result") or {}
        status = str(job.status) if job is not None else rec.status
        doc_type = (result.get("document") or {}).get("doc_type") or "unknown"
        row: dict[str, Any] = {"id": rec.id, "file": rec.locator, "entries": locators[rec.id],
                               "status": status, "pages": rec.pages,
                               "doc_type": doc_type if status == "succeeded" else None}
        mails = [s["mail"] for s in doc.get("sources") or [] if s.get("mail")]
        if mails:
            row["mail"] = mails
        if job is not None and status == "failed" and job.error:
            row["error"] = job.error
            failures.append({"doc": rec.id, "file": rec.locator, "attempts": job.attempts,
                             **job.error})
        docs.append(row)
        review += review_fields(rec.id, rec.locator, result.get("fields") or {}, threshold)
        if job is not None:
            for n, secs in enumerate(job.timings.get("pages") or [], 1):
                pages_timed.append({"doc": rec.id, "file": rec.locator, "page": n,
                                    "seconds": secs})
    refused = [e for e in outcome.entries if e["status"] == "refused"]
    c = outcome.counts
    this_run = {"documents": c.docs_done, "pages": c.pages_done,
                "processing_s": round(outcome.processing_s, 2),
                "wall_s": round(outcome.wall_s, 2),
                "pages_per_s": round(c.pages_done / outcome.processing_s, 2)
                if outcome.processing_s > 0 else None,
                "documents_done_before": c.skipped}
    return {
        "batch": {"tenant": outcome.tenant, "sources": outcome.sources,
                  "started_at": _iso(outcome.started_at), "finished_at": _iso(None),
                  "review_confidence": threshold},
        "totals": {"entries": len(outcome.entries), "documents": len(docs),
                   "pages": sum(d["pages"] for d in docs)},
        "entries_by_status": dict(Counter(e["status"] for e in outcome.entries)),
        "documents_by_status": dict(Counter(d["status"] for d in docs)),
        "documents_by_type": dict(Counter(d["doc_type"] for d in docs
                                          if d["status"] == "succeeded")),
        "refused_by_kind": dict(Counter(e["kind"] for e in refused)),
        "refused": refused,
        "failures": failures,
        "review_by_field": dict(Counter(r["field"] for r in review)),
        "review": review,
        "throughput": this_run,
        "slowest_pages": sorted(pages_timed, key=lambda p: -p["seconds"])[:SLOWEST],
        "documents": docs,
    }


def review_fields(doc_id: str, locator: str, fields: dict[str, Any],
            threshold: float) -> list[dict[str, Any]]:
    """Fields a person should check: flagged ``needs_review`` or below the threshold."""
    out = []
    for name, f in fields.items():
        if not isinstance(f, dict):
            continue
        confidence = float(f.get("confidence", 1.0))
        if f.get("needs_review") or confidence < threshold:
            out.append({"doc": doc_id, "file": locator, "field": name, "value": f.get("value"),
                        "confidence": confidence, "needs_review": bool(f.get("needs_review")),
                        "page": f.get("page")})
    return out


def _iso(ts: float | None) -> str:
    when = dt.datetime.fromtimestamp(ts, dt.UTC) if ts else dt.datetime.now(dt.UTC)
    return when.isoformat(timespec="seconds")


def summary(report: dict[str, Any], out_dir: Path) -> str:
    """The one line a run ends with."""
    d, e, t = report["documents_by_status"], report["entries_by_status"], report["throughput"]
    rate = f"{t['pages_per_s']:.1f} pages/s" if t["pages_per_s"] else "nothing to process"
    return (f"{report['totals']['documents']} documents: {d.get('succeeded', 0)} succeeded, "
            f"{d.get('failed', 0)} failed ({t['documents_done_before']} done by an earlier "
            f"run); {e.get('refused', 0)} entries refused, {e.get('duplicate', 0)} duplicates; "
            f"this run {t['pages']} pages in {t['processing_s']:.1f} s ({rate}); report "
            f"{out_dir / 'report.html'}")


def write(report: dict[str, Any], out_dir: Path) -> None:
    """``report.json`` and ``report.html`` in ``out_dir``, each replaced atomically."""
    out_dir.mkdir(parents=True, exist_ok=True)
    _atomic(out_dir / "report.json", json.dumps(report, ensure_ascii=False, indent=1))
    _atomic(out_dir / "report.html", render_html(report))


def _atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


# --- HTML ----------------------------------------------------------------------------------------

_STYLE = """body{font:14px system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:3px 8px;
text-align:left;vertical-align:top}th{background:#f3f3f3}.n{text-align:right}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.5em}"""


def _table(headers: list[str], rows: list[list[Any]], empty: str = "none") -> str:
    if not rows:
        return f"<p>{html.escape(empty)}</p>"
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(_cell(v) for v in r) + "</tr>" for r in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _cell(v: Any) -> str:
    if isinstance(v, int | float) and not isinstance(v, bool):
        return f'<td class="n">{v}</td>'
    if isinstance(v, dict):
        v = ", ".join(str(x) for x in v.values() if x)
    return f"<td>{html.escape('' if v is None else str(v))}</td>"


def _counts(d: dict[str, int]) -> str:
    return _table(["", "count"], [[k, v] for k, v in sorted(d.items())])


def render_html(r: dict[str, Any]) -> str:
    """A self-contained page: no script, no external resource."""
    t, b = r["throughput"], r["batch"]
    parts = [
        f"<h1>COSY batch report: tenant {html.escape(b['tenant'])}</h1>",
        f"<p>{r['totals']['entries']} entries, {r['totals']['documents']} documents, "
        f"{r['totals']['pages']} pages; started {b['started_at']}, report written "
        f"{b['finished_at']}. Sources: {html.escape(', '.join(b['sources']))}</p>",
        "<h2>Entries by status</h2>", _counts(r["entries_by_status"]),
        "<h2>Documents by status</h2>", _counts(r["documents_by_status"]),
        "<h2>Documents by type</h2>", _counts(r["documents_by_type"]),
        "<h2>Throughput of this run</h2>",
        _table(["documents", "pages", "processing s", "wall s (with start-up)", "pages/s",
                "done by an earlier run"],
               [[t["documents"], t["pages"], t["processing_s"], t["wall_s"],
                 t["pages_per_s"] or "", t["documents_done_before"]]]),
        f"<h2>Refused entries ({len(r['refused'])})</h2>",
        _table(["entry", "kind", "reason"],
               [[e["entry"], e["kind"], e["reason"]] for e in r["refused"]]),
        f"<h2>Failed documents ({len(r['failures'])})</h2>",
        _table(["file", "step", "reason", "attempts"],
               [[f["file"], f.get("step"), f.get("reason"), f["attempts"]]
                for f in r["failures"]]),
        f"<h2>Fields to review ({len(r['review'])}: confidence below "
        f"{b['review_confidence']} or flagged)</h2>",
        _counts(r["review_by_field"]),
        _table(["file", "field", "value", "confidence", "flagged", "page"],
               [[v["file"], v["field"], v["value"], v["confidence"],
                 "yes" if v["needs_review"] else "", v["page"]] for v in r["review"]]),
        "<h2>Slowest pages</h2>",
        _table(["file", "page", "seconds"],
               [[p["file"], p["page"], round(p["seconds"], 3)] for p in r["slowest_pages"]]),
        f"<h2>Documents ({len(r['documents'])})</h2>",
        _table(["file", "status", "type", "pages", "id"],
               [[d["file"], d["status"], d["doc_type"] or "", d["pages"], d["id"]]
                for d in r["documents"]]),
    ]
    return ("<!doctype html><html><head><meta charset='utf-8'><title>COSY batch report</title>"
            f"<style>{_STYLE}</style></head><body>{''.join(parts)}</body></html>\n")

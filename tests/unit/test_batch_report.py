"""The batch report: which fields it lists for review, and a page that escapes what it shows."""

from __future__ import annotations

from cosy.batch.progress import Counts, line
from cosy.batch.report import render_html, review_fields


def test_fields_below_the_threshold_or_flagged_are_listed() -> None:
    fields = {"iban": {"value": "DE02120300000000202051", "confidence": 0.95, "page": 1},
              "buyer_reference": {"value": "04011000-1234-56", "confidence": 0.45, "page": 1},
              "seller_name": {"value": "Kraxi GmbH", "confidence": 0.9, "needs_review": True},
              "bank_name": {"value": "GLS Bank", "confidence": 0.6}}
    listed = review_fields("sha256:1", "a.pdf", fields, 0.6)
    assert [(r["field"], r["needs_review"]) for r in listed] == [("buyer_reference", False),
                                                                 ("seller_name", True)]


def test_progress_line_says_rate_eta_and_failures() -> None:
    c = Counts(docs=10, docs_done=4, pages=20, pages_done=8, failed=1, refused=2, skipped=3,
               started=100.0)
    assert line(c, now=104.0) == ("4/10 documents, 8/20 pages, 2.0 pages/s, ETA 6 s, 1 failed, "
                                  "2 refused, 3 done before")


def test_report_page_escapes_what_documents_say() -> None:
    report = {
        "batch": {"tenant": "t", "sources": ["<a>"], "started_at": "x", "finished_at": "y",
                  "review_confidence": 0.6},
        "totals": {"entries": 1, "documents": 1, "pages": 1},
        "entries_by_status": {"refused": 1}, "documents_by_status": {},
        "documents_by_type": {}, "refused_by_kind": {"corrupt": 1},
        "refused": [{"entry": "x.zip!/<script>.pdf", "kind": "corrupt", "reason": "bad"}],
        "failures": [], "review_by_field": {}, "review": [],
        "throughput": {"documents": 0, "pages": 0, "processing_s": 0, "wall_s": 1,
                       "pages_per_s": None, "documents_done_before": 0},
        "slowest_pages": [], "documents": []}
    page = render_html(report)
    assert "<script>" not in page and "&lt;script&gt;.pdf" in page

"""Scoring rules of cosy.evaluation: matching per kind, visibility, misses, the report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cosy import evaluation as ev


def test_matching_rules() -> None:
    assert ev.values_match("seller_name", "Lieferant GmbH", "LIEFERANT GMBH.")
    assert not ev.values_match("seller_name", "Lieferant GmbH", "Lieferant")
    assert ev.values_match("iban", "DE12 1234 5678", "DE1212345678")
    assert ev.values_match("total_gross", 529.87, "529.87")
    assert not ev.values_match("total_gross", 529.87, "529.88")
    assert ev.values_match("issue_date", "2018-03-05", "2018-03-05")
    assert ev.values_match("buyer_address", {"postcode": "69876", "city": "Frankfurt"},
                           {"postal_code": "69876", "city": "FRANKFURT", "street": "x"})
    assert not ev.values_match("buyer_address", {"postcode": "69876", "city": "Frankfurt"},
                               {"postal_code": "69877", "city": "Frankfurt"})


def test_invisible_truth_is_not_a_miss() -> None:
    truth = {"file": "docs/a.pdf", "fields": {"iban": "DE1", "bic": None, "due_date": "2020-01-02"},
             "visible_in_text": {"iban": False, "due_date": True}}
    counts, misses = ev.score_document(truth, {"bic": "ABCDEFGH", "due_date": "2020-01-03"})
    assert counts["iban"] == {"tp": 0, "fp": 0, "fn": 0}  # not printed, not predicted
    assert counts["bic"] == {"tp": 0, "fp": 0, "fn": 0}  # truth unknown: no false positive
    assert counts["due_date"] == {"tp": 0, "fp": 1, "fn": 1}
    assert [m["field"] for m in misses] == ["due_date"]
    counts, _ = ev.score_document(truth, {"iban": "DE2"})
    assert counts["iban"]["fp"] == 1  # known and different


class FakeExecutor:
    """Stands in for the pipeline: one fixed result, so only the scoring is under test."""

    def run(self, pipeline: Any, data: bytes, info: Any) -> Any:
        from types import SimpleNamespace

        return SimpleNamespace(outputs={"doc.result": {
            "document": {"doc_type": "invoice"},
            "fields": {"invoice_number": {"value": "42"}, "total_gross": {"value": "10.00"}}}})


def test_evaluate_and_report(tmp_path: Path) -> None:
    from tests.conftest import make_pdf

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.pdf").write_bytes(make_pdf([["Rechnung Nr. 42"]]))
    truth = {"file": "docs/a.pdf", "doc_type": "invoice",
             "fields": {"invoice_number": "42", "total_gross": 11.0},
             "visible_in_text": {"invoice_number": True, "total_gross": True}}
    (tmp_path / "truth.jsonl").write_text(json.dumps(truth) + "\n")
    report = ev.evaluate(tmp_path / "truth.jsonl", None, FakeExecutor(), None, progress=False)
    assert report["fields"]["invoice_number"]["f1"] == 1.0
    assert report["fields"]["total_gross"]["recall"] == 0.0
    assert report["doc_type_accuracy"] == 1.0
    assert report["micro"]["tp"] == 1
    text = ev.format_report(report)
    assert "| invoice_number | 1 | 1 | 0 | 0 |" in text and "| a.pdf | total_gross |" in text
    other = ev.evaluate(tmp_path / "truth.jsonl", tmp_path / "docs", FakeExecutor(), None,
                        progress=False)
    assert other["errors"] == []
    # --docs may also name the corpus root, where the truth's relative path resolves
    root = ev.evaluate(tmp_path / "truth.jsonl", tmp_path, FakeExecutor(), None, progress=False)
    assert root["errors"] == []


def test_report_lists_document_type_misses(tmp_path: Path) -> None:
    from tests.conftest import make_pdf

    (tmp_path / "a.pdf").write_bytes(make_pdf([["Gutschrift Nr. 42"]]))
    truth = {"file": "a.pdf", "doc_type": "credit_note", "fields": {}, "visible_in_text": {}}
    (tmp_path / "truth.jsonl").write_text(json.dumps(truth) + "\n")
    report = ev.evaluate(tmp_path / "truth.jsonl", None, FakeExecutor(), None, progress=False)
    assert report["doc_type_accuracy"] == 0.0
    assert report["doc_type_misses"] == [
        {"file": "a.pdf", "expected": "credit_note", "got": "invoice"}]
    assert "| a.pdf | credit_note | invoice |" in ev.format_report(report)

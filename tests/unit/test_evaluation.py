"""Scoring rules of cosy.evaluation: matching per kind, visibility, misses, the report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

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


def test_street_main_line() -> None:
    assert ev.street_matches("Musterstr. 12", "MUSTERSTRASSE 12")
    assert ev.street_matches("Hans Mustermann, Kundenstraße 15", "Kundenstraße 15")
    assert ev.street_matches("Pappelallee 15, Hof 3", "Pappelallee 15")
    assert ev.street_matches("Jalan Kenari 5", "No. 1, Jalan Kenari 5")  # the core, contained
    assert not ev.street_matches("Ecke 12", "Ecke 123")
    assert not ev.street_matches("Ecke 12", "Invoice to Ecke 12")  # a label is not the street
    assert ev.street_matches("NO.23 BATU 10, TAMAN SENTOSA", "No.23 Batu 10, Taman Sentosa, "
                             "Jalan Kapar")
    assert not ev.street_matches("Ecke 12", None)
    assert ev.street_matches(None, "anything")  # no street in the truth: nothing to check
    address = {"street": "Ecke 12", "postcode": "12345", "city": "Stadthausen"}
    assert not ev.values_match("seller_address", address,
                               {"street": "Invoice to Ecke 12x", "postal_code": "12345",
                                "city": "Stadthausen"})


def test_values_held_for_review_are_not_scored_but_counted() -> None:
    result = {"fields": {"iban": {"value": "DE1", "needs_review": True},
                         "order_number": {"value": "PO-1", "needs_review": True},
                         "bic": {"value": "ABCDEFGH"}}}
    assert ev.field_values(result) == {"bic": "ABCDEFGH"}
    held = ev.review_values(result)
    assert held == {"iban": "DE1", "order_reference": "PO-1"}
    truth = {"fields": {"iban": "DE1", "order_reference": "PO-2"},
             "visible_in_text": {"iban": True, "order_reference": True}}
    assert ev.score_review(truth, held) == {"right": 1, "wrong": 1, "unknown": 0}


def test_families_and_held_out_split(tmp_path: Path) -> None:
    from tests.conftest import make_pdf

    (tmp_path / "docs").mkdir()
    lines = []
    for i, locator in enumerate(["org/a@1", "org/a@1", "org/b@2"]):
        (tmp_path / "docs" / f"{i}.pdf").write_bytes(make_pdf([["Rechnung Nr. 42"]]))
        lines.append({"file": f"docs/{i}.pdf", "doc_type": "invoice",
                      "source": {"locator": locator},
                      "fields": {"invoice_number": "42" if i < 2 else "43"},
                      "visible_in_text": {"invoice_number": True}})
    (tmp_path / "truth.jsonl").write_text("".join(json.dumps(t) + "\n" for t in lines))
    report = ev.evaluate(tmp_path / "truth.jsonl", None, FakeExecutor(), None, progress=False,
                         concurrency=2, held_out=("org/b",))
    assert report["families"]["org/a"]["micro"]["f1"] == 1.0
    assert report["families"]["org/b"]["micro"]["f1"] == 0.0
    assert report["held_out"]["tuned"]["documents"] == 2
    assert report["held_out"]["held out"]["families"] == ["org/b"]
    assert "| org/b | 1 |" in ev.format_report(report)


def test_dev_sets_markdown_replaces_its_section(tmp_path: Path) -> None:
    from cosy import evaluation_sets as es

    doc = tmp_path / "evaluation.md"
    doc.write_text(f"# Title\n\nintro\n\n{es.BEGIN}\nold table\n{es.END}\n\n## After\n")
    report = {"documents": 1, "micro": {"tp": 1, "fp": 0, "fn": 0, "precision": 1.0,
                                        "recall": 1.0, "f1": 1.0},
              "doc_type_accuracy": 1.0, "fields": {}, "misses": [], "about": "one document",
              "families": {}}
    es.write_markdown(doc, es.markdown({"real": report}, "make eval"))
    text = doc.read_text()
    assert "old table" not in text and "| real | 1 |" in text
    assert text.startswith("# Title") and text.rstrip().endswith("## After")


class ReadByExecutor(FakeExecutor):
    """The fixed result, with the document read by OCR when its file name says 'scan'."""

    def run(self, pipeline: Any, data: bytes, info: Any) -> Any:
        out = super().run(pipeline, data, info)
        scanned = "scan" in info.file_name
        out.outputs["doc.result"]["document"]["page_sources"] = [
            {"ocr": scanned, "reason": "no text layer" if scanned else "text layer"}]
        return out


def test_documents_read_by_ocr_are_scored_apart_from_those_with_a_text_layer(
        tmp_path: Path) -> None:
    from cosy import evaluation_sets as es
    from tests.conftest import make_pdf

    (tmp_path / "docs").mkdir()
    lines = []
    for name, number in (("a.pdf", "42"), ("scan-b.pdf", "43"), ("scan-c.pdf", "42")):
        (tmp_path / "docs" / name).write_bytes(make_pdf([["Rechnung Nr. 42"]]))
        lines.append({"file": f"docs/{name}", "doc_type": "invoice",
                      "fields": {"invoice_number": number},
                      "visible_in_text": {"invoice_number": True}})
    (tmp_path / "truth.jsonl").write_text("".join(json.dumps(t) + "\n" for t in lines))
    report = ev.evaluate(tmp_path / "truth.jsonl", None, ReadByExecutor(), None,
                         progress=False)
    by = report["by_source"]
    assert by[ev.SOURCE_TEXT]["documents"] == 1 and by[ev.SOURCE_TEXT]["micro"]["f1"] == 1.0
    assert by[ev.SOURCE_OCR]["documents"] == 2 and by[ev.SOURCE_OCR]["micro"]["f1"] == 0.5
    table = es.summary_table({"wild": {**report, "about": ""}})
    assert "| wild: image-only (OCR) | 2 |" in table and "| wild: text layer | 1 |" in table
    # a set read one way only has no split
    one_way = ev.evaluate(tmp_path / "truth.jsonl", None, FakeExecutor(), None, progress=False)
    assert "by_source" not in one_way


@pytest.mark.slow
def test_how_a_document_was_read_comes_from_the_pipelines_result() -> None:
    from cosy.config import Settings
    from cosy.corpus import generate_document
    from cosy.engine.executor import SyncExecutor
    from cosy.engine.profiles import load_pipeline
    from cosy.ingest import inspect_document

    executor, pipeline = SyncExecutor(Settings()), load_pipeline()
    for scanned, expected in ((False, ev.SOURCE_TEXT), (True, ev.SOURCE_OCR)):
        pdf, _ = generate_document(11, doc_type="invoice", language="de", family="classic",
                                   scanned=scanned)
        info = inspect_document(pdf, "a.pdf", "t", max_bytes=10**8, max_pages=10)
        assert ev.read_by(executor.run(pipeline, pdf, info).outputs["doc.result"]) == expected

"""Budgets end to end in-process: partial success, failures with a kind, no retry of what the
input causes, cleaned file names. (tests/hostile runs the same on a Dask LocalCluster.)"""

from __future__ import annotations

import time

import pytest

from cosy.corpus import hostile
from cosy.domain import JobStatus, Word
from cosy.engine.dag import Pipeline
from cosy.engine.dispatcher import Dispatcher
from cosy.engine.executor import SyncExecutor
from cosy.engine.profiles import load_pipeline
from cosy.engine.step import make_step
from cosy.jobs import submit_document
from cosy.store import open_store

INVOICE = ["Muster GmbH", "Rechnungsnummer: RE-2024-0042", "Rechnungsdatum: 01.03.2024",
           "Gesamtbetrag 119,00 EUR"]


@pytest.fixture(params=["embedded", "mongomock"])
def store(request, settings):
    s = open_store(settings.store if request.param == "embedded" else "mongomock://")
    yield s
    s.close()


def run(store, settings, data: bytes, name: str = "a.pdf", pipeline: Pipeline | None = None):
    sub = submit_document(store, data, name, "acme", settings)
    Dispatcher(store, SyncExecutor(settings), pipeline or load_pipeline(), settings).drain(60)
    return store.get_job(sub.job.id), store.get_document("acme", sub.document["id"])


def test_a_page_over_a_budget_is_skipped_and_the_document_succeeds_with_the_rest(store,
                                                                                  settings):
    settings = settings.model_copy(update={"max_stream_mb": 1})
    data = hostile.document([hostile.text_page(INVOICE),
                             (hostile.A4, hostile.inflating(2 << 20), b"<< >>")])
    job, doc = run(store, settings, data)
    assert job.status == JobStatus.SUCCEEDED and job.partial and job.attempts == 1
    assert job.skipped_pages == [{"page": 2, "kind": "stream_too_large",
                                  "reason": "page 2: a stream inflates past 1 MB"}]
    result = doc["result"]
    assert result["document"]["skipped_pages"] == job.skipped_pages
    assert result["document"]["page_sources"][1] == {"ocr": False, "reason": "skipped"}
    assert result["fields"]["invoice_number"]["value"] == "RE-2024-0042"  # page 1 was read
    assert store.count_triples("acme", doc["id"]) == doc["triples"] > 0


def test_a_document_with_no_readable_page_fails_once_with_the_kind(store, settings):
    settings = settings.model_copy(update={"max_stream_mb": 1})
    job, doc = run(store, settings, hostile.content_bomb(2 << 20))
    assert job.status == JobStatus.FAILED and job.attempts == 1 and job.max_attempts == 3
    assert job.error["kind"] == "stream_too_large" and job.error["step"] == "result.assemble"
    assert job.error["reason"] == "no page could be read: page 1: a stream inflates past 1 MB"
    assert doc["status"] == "failed" and "result" not in doc


def test_a_deterministic_pdfminer_recursion_error_is_permanent(store, settings):
    """With the walk's nesting budget out of the way, pdfminer itself recurses to its limit on
    a chain of forms: the page is skipped as a parser error, and the job is not retried."""
    settings = settings.model_copy(update={"max_nesting": 100_000})
    job, _ = run(store, settings, hostile.deep_forms(2000))
    assert job.status == JobStatus.FAILED and job.attempts == 1
    assert job.error["kind"] == "parser_error"
    assert "RecursionError" in job.error["reason"] or "recursion" in job.error["reason"]


def slow_on_page_two(page_raw_words: list[Word], page_no: int) -> int:
    """Spins in Python on page 2 (until the watchdog stops it): a page that would never end."""
    if page_no == 2 and page_raw_words:
        while True:
            sum(range(1000))
    return 0


def test_a_page_over_its_time_is_skipped_and_the_others_are_read(store, settings):
    slow = make_step(slow_on_page_two, name="parse.slow", scope="page",
                     requires=["page.raw_words", "page_no"], provides=["page.slow"], sink=True)
    settings = settings.model_copy(update={"page_timeout_s": 1.0})
    data = hostile.document([hostile.text_page(INVOICE),
                             hostile.text_page(["Seite 2: Positionen und Summen der Rechnung"]),
                             hostile.text_page(["Seite 3: Zahlungsbedingungen, Bankverbindung"])])
    t0 = time.monotonic()
    job, doc = run(store, settings, data, pipeline=Pipeline([*load_pipeline().steps, slow]))
    assert time.monotonic() - t0 < 30
    assert job.status == JobStatus.SUCCEEDED and job.partial
    [skipped] = job.skipped_pages
    assert skipped["page"] == 2 and skipped["kind"] == "time_budget"
    assert skipped["reason"] == "page 2: over its budget of 1 s (in step parse.slow)"
    assert doc["result"]["fields"]["invoice_number"]["value"] == "RE-2024-0042"


def test_blank_pages_are_not_read_by_ocr(store, settings):
    job, doc = run(store, settings, hostile.document(
        [hostile.text_page(INVOICE), *[(hostile.A4, None, b"<< >>")] * 3,
         (hostile.A4, b"1 g 0 0 595 842 re f", b"<< >>")]))  # white on white: no ink
    assert job.status == JobStatus.SUCCEEDED and not job.partial
    assert [s["reason"] for s in doc["result"]["document"]["page_sources"]] == \
        ["text layer"] + ["blank page"] * 4
    assert "ocr.words" not in job.timings["steps"] or job.timings["steps"]["ocr.words"] < 0.5


def test_file_names_are_stored_clean_with_the_original_escaped(store, settings):
    job, doc = run(store, settings, hostile.readable(), name="rechnung\u202efdp.exe\x00")
    assert job.file_name == doc["file_name"] == "rechnungfdp.exe"
    assert doc["file_name_original"] == "rechnung\\u202efdp.exe\\x00"
    assert doc["result"]["document"]["file"] == "rechnungfdp.exe"


def test_a_document_task_has_a_budget_that_grows_with_its_pages(store, settings):
    """Megabytes of nested objects make even the page check slow: the document task stops at
    4 page budgets (here 4 × 0.5 s) and the job fails with its kind instead of running on."""
    assert settings.model_copy(update={"page_timeout_s": 30}).doc_timeout_s == 900
    from cosy.budgets import Budgets

    b = Budgets.from_settings(settings.model_copy(update={"page_timeout_s": 30}))
    assert (b.document_task_seconds(1), b.document_task_seconds(500),
            b.document_task_seconds(5000)) == (120, 500, 900)
    settings = settings.model_copy(update={"page_timeout_s": 0.5, "max_nesting": 10**7})
    t0 = time.monotonic()
    job, _ = run(store, settings, hostile.nested_arrays(1_000_000))  # far past 2 s unstopped
    assert time.monotonic() - t0 < 30
    assert job.status == JobStatus.FAILED and job.attempts == 1
    assert job.error["kind"] == "time_budget" and job.error["step"] == "parse.check"

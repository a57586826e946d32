"""Time and memory budgets of a task (the watchdog), and how failures are classed."""

from __future__ import annotations

import pickle
import threading
import time

import pytest
from pdfminer.psparser import PSSyntaxError
from pdfplumber.utils.exceptions import PdfminerException

from cosy.engine.failures import classify, from_cluster
from cosy.engine.guard import MemoryOverrun, Overrun, TimeOverrun, watched
from cosy.engine.step import BudgetExceeded, StepError
from cosy.ingest import DocumentInfo

INFO = DocumentInfo("sha256:x", "t", "x.pdf", 1, 1)


def busy_swallowing(seconds: float) -> int:
    """A loop that swallows every Exception, as careless library code does."""
    end, n = time.monotonic() + seconds, 0
    while time.monotonic() < end:
        try:
            n += sum(range(100))
        except Exception:  # the point: an Overrun is not an Exception
            continue
    return n


def test_a_task_over_its_time_is_stopped_even_through_except_exception() -> None:
    t0 = time.monotonic()
    with pytest.raises(TimeOverrun), watched(0.3, 1e12):
        busy_swallowing(10)
    assert time.monotonic() - t0 < 3


def test_a_task_over_its_memory_is_stopped() -> None:
    held = []
    with pytest.raises(MemoryOverrun), watched(60, 150 << 20):
        for _ in range(100):
            held.append(bytearray(20 << 20))  # touched: resident at once
            time.sleep(0.02)
    # stopped once the process grew by the budget: the test's own bytes, and whatever else the
    # process allocated meanwhile (a full-suite run's other threads: once 10 MiB)
    assert 100 << 20 <= sum(map(len, held)) < 1 << 30
    held.clear()


def test_a_task_within_budget_gets_no_stray_exception_later() -> None:
    with watched(0.2, 1e12):
        time.sleep(0.15)
    busy_swallowing(0.5)  # nothing may land here, after the block


def test_watches_are_per_thread() -> None:
    outcome: dict[str, str] = {}

    def run(name: str, seconds: float, work: float) -> None:
        try:
            with watched(seconds, 1e12):
                busy_swallowing(work)
            outcome[name] = "done"
        except Overrun as over:
            outcome[name] = over.what

    threads = [threading.Thread(target=run, args=("slow", 0.2, 5)),
               threading.Thread(target=run, args=("quick", 5, 0.4))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcome == {"slow": "time", "quick": "done"}


# --- classes of failure ---------------------------------------------------------------------------


def test_parser_errors_are_permanent_and_keep_no_deep_chain() -> None:
    deep = RecursionError("maximum recursion depth exceeded")
    for err in (PdfminerException(deep), deep, PSSyntaxError("bad token")):
        out = classify(err, "parse.words", "page 2: ", INFO)
        assert isinstance(out, BudgetExceeded) and out.kind == "parser_error"
        assert out.permanent and out.reason.startswith("page 2: the PDF parser failed")
        assert out.__cause__ is None and pickle.loads(pickle.dumps(out)).kind == "parser_error"


def test_a_budget_deep_in_a_library_keeps_its_kind() -> None:
    inner = BudgetExceeded("a stream inflates past 64 MB", kind="stream_too_large")
    out = classify(PdfminerException(inner), "parse.words", "page 1: ", INFO)
    assert isinstance(out, BudgetExceeded) and out.kind == "stream_too_large"
    assert out.reason == "page 1: a stream inflates past 64 MB" and out.step == "parse.words"
    assert classify(MemoryError(), "ocr.words", "", INFO).kind == "memory_budget"


def test_other_step_errors_keep_their_class_and_bugs_are_permanent() -> None:
    transient = classify(StepError("store down", permanent=False), "s", "", INFO)
    assert type(transient) is StepError and not transient.permanent
    assert transient.kind == "transient"
    bug = classify(KeyError("x"), "fields.iban.select", "page 1: ", INFO)
    assert bug.permanent and bug.kind == "step_failed" and bug.step == "fields.iban.select"


def test_step_errors_cross_processes_with_class_and_kind() -> None:
    for err in (BudgetExceeded("over", kind="too_deep", step="parse.check"),
                StepError("lost", step="engine.dask", permanent=False)):
        back = pickle.loads(pickle.dumps(err))
        assert type(back) is type(err)
        assert (back.reason, back.step, back.permanent, back.kind) == \
            (err.reason, err.step, err.permanent, err.kind)


def test_errors_from_the_cluster_are_transient_unless_the_task_raised_them() -> None:
    assert from_cluster(OSError("connection reset"), task_failed=False).permanent is False
    failed = from_cluster(TypeError("cannot pickle"), task_failed=True)
    assert failed.permanent and failed.kind == "step_failed"

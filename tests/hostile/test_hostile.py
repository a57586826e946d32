"""The hostile-input suite: small PDFs that cost a reader far more than their size.

Every input is generated here (cosy.corpus.hostile) and runs through the real pipeline: the
store, the dispatcher and a Dask LocalCluster of 2 workers, at the default budgets, all at once
and beside ordinary invoices. Each must end succeeded, partially succeeded or failed with a
reason, within 2 minutes; no worker and no process of this test may pass 2 GB; no worker may
die; every ordinary invoice must succeed whole. Last, a document that kills its worker
(poison) must fail alone, once, while the documents beside it succeed.

``COSY_HOSTILE_REPORT=path.json`` writes the figures (docs/reliability.md quotes them).
"""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from benchmarks.harness import MemorySampler
from cosy.config import Settings
from cosy.corpus import hostile
from cosy.domain import Job, JobStatus
from cosy.engine.dag import Pipeline
from cosy.engine.dispatcher import Dispatcher
from cosy.engine.executor import DaskExecutor
from cosy.engine.profiles import load_pipeline
from cosy.engine.step import make_step
from cosy.ingest import InputError
from cosy.jobs import submit_document
from cosy.store import Store, open_store

pytestmark = pytest.mark.slow

GB = 1 << 30
LIMIT_S = 120.0
INVOICE = ["Muster GmbH, Hauptstr. 1, 10115 Berlin", "Rechnungsnummer: RE-2025-{n:04d}",
           "Rechnungsdatum: 03.02.2025", "Nettobetrag 100,00 EUR", "USt 19 % 19,00 EUR",
           "Gesamtbetrag 119,00 EUR", "IBAN DE89 3704 0044 0532 0130 00"]


def invoice(n: int, pages: int = 1) -> bytes:
    return hostile.document([hostile.text_page([line.format(n=n) for line in INVOICE])] * pages)


@dataclass(frozen=True)
class Case:
    """An input and the end it must reach: job status, error kind, skipped pages' kinds."""

    name: str
    make: Callable[[], bytes]
    status: str
    kind: str | None = None
    skipped: tuple[tuple[int, str], ...] = ()


A4_BLANK = (hostile.A4, None, b"<< >>")
CASES = [
    # the table, at its sizes
    Case("blank page of 14400 x 14400 pt", hostile.huge_page, "succeeded"),
    Case("content stream inflating 1000x (1 GB)", lambda: hostile.content_bomb(1 << 30),
         "failed", "stream_too_large"),
    Case("embedded file inflating 1000x (1 GB)", lambda: hostile.embedded_file_bomb(1 << 30),
         "succeeded"),
    Case("300,000 rectangle operators", lambda: hostile.many_operators(300_000), "failed",
         "too_many_operators"),
    Case("500 blank pages", lambda: hostile.blank_pages(500), "succeeded"),
    Case("forms nested 2,000 deep (pdfminer: RecursionError)", lambda: hostile.deep_forms(2000),
         "failed", "too_deep"),
    # more of the same families
    Case("a form that draws itself", hostile.self_drawing_form, "succeeded"),
    Case("a page tree that contains itself", hostile.circular_pages, "succeeded", None,
         ((2, "missing_page"),)),
    Case("an array nested 100,000 deep", lambda: hostile.nested_arrays(100_000), "failed",
         "too_deep"),
    Case("an image of 2.5 gigapixels", lambda: hostile.image_bomb(50_000), "failed",
         "image_too_large"),
    Case("a font file inflating 1000x (1 GB)", lambda: hostile.font_bomb(1 << 30), "failed",
         "stream_too_large"),
    Case("an invoice with four hostile pages", lambda: hostile.document([
        hostile.text_page([line.format(n=99) for line in INVOICE]),
        (hostile.A4, hostile.inflating(80 << 20), b"<< >>"),
        hostile.huge_drawing_page(),
        (hostile.A4, hostile.inflating(8 << 20, b"9 9 9 9 re f "), b"<< >>"),
        A4_BLANK]), "succeeded", None,
        ((2, "stream_too_large"), (3, "page_too_large"), (4, "too_many_operators"))),
]
REFUSED = [("a cross-reference table of 250,000 entries", lambda: hostile.huge_xref(250_000),
            "too_many_objects")]
ORDINARY = 4


class TimedDispatcher(Dispatcher):
    """Records how long each job took from claim to its end."""

    seconds: dict[str, float]

    def process(self, job: Job) -> JobStatus:
        t0 = time.monotonic()
        try:
            return super().process(job)
        finally:
            self.seconds[job.id] = round(time.monotonic() - t0, 2)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[DaskExecutor, Settings]]:
    settings = Settings(store=str(tmp_path_factory.mktemp("hostile") / "store"),
                        dask_scheduler="local", dask_workers=2, dispatcher_concurrency=4,
                        job_retry_backoff_s=0.0, dispatcher_poll_s=0.05)
    executor = DaskExecutor(settings)
    try:
        yield executor, settings
    finally:
        executor.close()


def removed_workers(executor: DaskExecutor) -> int:
    return executor.client.run_on_scheduler(
        lambda dask_scheduler: dask_scheduler._workers_removed_total)


def drain(store: Store, executor: DaskExecutor, settings: Settings,
          pipeline: Pipeline | None = None) -> TimedDispatcher:
    d = TimedDispatcher(store, executor, pipeline or load_pipeline(), settings)
    d.seconds = {}
    d.drain(timeout=600)
    return d


def test_every_hostile_input_ends_with_a_reason_within_its_bounds(cluster) -> None:
    executor, settings = cluster
    store = open_store(settings.store)
    for name, make, kind in REFUSED:  # before a job exists
        with pytest.raises(InputError) as err:
            submit_document(store, make(), f"{name}.pdf", "hostile", settings)
        assert err.value.kind == kind, name
    jobs: dict[str, tuple[Case | None, str]] = {}
    for n in range(ORDINARY):  # ordinary invoices first, so they run beside the hostile ones
        sub = submit_document(store, invoice(n, pages=1 + n % 3), f"invoice-{n}.pdf", "ordinary",
                              settings)
        jobs[sub.job.id] = (None, f"invoice {n}")
    for case in CASES:
        sub = submit_document(store, case.make(), f"{case.name}.pdf", "hostile", settings)
        jobs[sub.job.id] = (case, case.name)
    t0 = time.monotonic()
    with MemorySampler(interval_s=0.1) as sampler:
        dispatcher = drain(store, executor, settings)
    wall = time.monotonic() - t0
    rows = []
    for job_id, (case, name) in jobs.items():
        job = store.get_job(job_id)
        assert job is not None and job.status.final, name
        seconds = dispatcher.seconds[job_id]
        rows.append({"input": name, "status": str(job.status), "partial": job.partial,
                     "kind": (job.error or {}).get("kind"), "seconds": seconds,
                     "skipped": [(p["page"], p["kind"]) for p in job.skipped_pages],
                     "attempts": job.attempts})
        assert seconds < LIMIT_S, (name, seconds)
        if case is None:  # an ordinary invoice beside the hostile ones: whole and correct
            doc = store.get_document(job.tenant, job.doc_id)
            assert job.status is JobStatus.SUCCEEDED and not job.partial, (name, job.error)
            assert doc["result"]["fields"]["invoice_number"]["value"].startswith("RE-2025-")
            continue
        assert str(job.status) == case.status, (name, job.error)
        assert (job.error or {}).get("kind") == case.kind, (name, job.error)
        assert tuple((p["page"], p["kind"]) for p in job.skipped_pages) == case.skipped, name
        assert job.partial == bool(case.skipped) and job.attempts == 1, name
        assert job.error is None or job.error["reason"], name
    peak = sampler.highest()
    report = {"wall_s": round(wall, 1), "peak_rss_mb": round(peak / 2**20),
              "processes": {str(pid): [name, round(rss / 2**20)]
                            for pid, (name, rss) in sampler.peak.items()},
              "workers_removed": removed_workers(executor), "jobs": rows}
    if os.environ.get("COSY_HOSTILE_REPORT"):
        Path(os.environ["COSY_HOSTILE_REPORT"]).write_text(json.dumps(report, indent=1))
    print(json.dumps(report, indent=1))
    assert peak < 2 * GB, report["processes"]
    assert report["workers_removed"] == 0
    store.close()


def kill_worker_on_poison(page_raw_words: list[list[Any]]) -> int:
    """A stand-in for a document that takes its worker down (the kernel's OOM killer sends
    SIGKILL): after a moment's work, the worker process dies on the word POISON."""
    if any(w.text == "POISON" for words in page_raw_words for w in words):
        time.sleep(0.5)
        os.kill(os.getpid(), signal.SIGKILL)
    return 0


POISON_STEP = make_step(kill_worker_on_poison, name="test.poison", scope="document",
                        requires=["page.raw_words"], provides=["doc.poison"], sink=True)


def test_a_document_that_kills_its_worker_fails_alone_and_is_not_retried(cluster) -> None:
    executor, settings = cluster
    store = open_store(settings.store)
    before = removed_workers(executor)
    poison = submit_document(store, hostile.document([hostile.text_page(["POISON", *INVOICE]),
                                                      hostile.text_page()]),
                             "poison.pdf", "poison", settings)
    others = [submit_document(store, invoice(100 + n, pages=2 + n), f"beside-{n}.pdf", "poison",
                              settings) for n in range(3)]
    drain(store, executor, settings, Pipeline([*load_pipeline().steps, POISON_STEP]))
    failed = store.get_job(poison.job.id)
    assert failed.status is JobStatus.FAILED and failed.attempts == 1
    assert failed.error["kind"] == "worker_killed" and failed.worker_deaths == 1
    assert "not retried" in failed.error["reason"]
    for sub in others:
        job = store.get_job(sub.job.id)
        assert job.status is JobStatus.SUCCEEDED and not job.partial, job.error
    assert removed_workers(executor) - before == 1  # one worker died: the poison's
    store.close()

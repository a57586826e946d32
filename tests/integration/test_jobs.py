"""Durable jobs: submission, the dispatcher, failures with reasons, retries, leases."""

from __future__ import annotations

import time

import pytest

from cosy.domain import Job, JobStatus
from cosy.engine.dag import Pipeline
from cosy.engine.dispatcher import Dispatcher
from cosy.engine.executor import SyncExecutor
from cosy.engine.profiles import load_pipeline
from cosy.engine.step import StepError, make_step
from cosy.ingest import InputError
from cosy.jobs import blob_key, submit_document
from cosy.store import open_store
from tests.conftest import make_pdf

INVOICE = [["Muster GmbH", "Rechnungsnummer: RE-2024-0042", "Rechnungsdatum: 01.03.2024",
            "Nettobetrag 100,00 EUR", "USt 19 % 19,00 EUR", "Gesamtbetrag 119,00 EUR",
            "IBAN DE89 3704 0044 0532 0130 00"]]


@pytest.fixture(params=["embedded", "mongomock"])
def store(request, settings):
    """Every job test runs on both backends: SQLite + files, and MongoDB (mongomock) + GridFS."""
    s = open_store(settings.store if request.param == "embedded" else "mongomock://")
    yield s
    s.close()


def drain(store, settings, pipeline=None, executor=None) -> Dispatcher:
    d = Dispatcher(store, executor or SyncExecutor(settings), pipeline or load_pipeline(),
                   settings)
    d.drain(timeout=60)
    return d


def test_submit_stores_original_document_and_job_before_returning(store, settings):
    data = make_pdf(INVOICE)
    sub = submit_document(store, data, "a.pdf", "acme", settings)
    assert sub.created and sub.job.status == JobStatus.QUEUED
    assert store.blobs.get(blob_key("acme", sub.document["id"])) == data
    assert store.get_document("acme", sub.document["id"])["job_id"] == sub.job.id
    again = submit_document(store, data, "copy.pdf", "acme", settings)
    assert not again.created and again.job.id == sub.job.id
    other = submit_document(store, data, "a.pdf", "other", settings)
    assert other.created and other.job.id != sub.job.id


def test_bad_input_is_refused_at_submission_and_nothing_is_stored(store, settings):
    with pytest.raises(InputError, match="not a PDF"):
        submit_document(store, b"just text", "a.pdf", "acme", settings)
    assert store.count_documents("acme") == 0 and store.list_jobs() == []


def test_job_succeeds_and_persists_triples_idempotently(store, settings):
    sub = submit_document(store, make_pdf(INVOICE), "a.pdf", "acme", settings)
    drain(store, settings)
    job = store.get_job(sub.job.id)
    assert job.status == JobStatus.SUCCEEDED and job.attempts == 1
    doc = store.get_document("acme", sub.document["id"])
    fields = doc["result"]["fields"]
    assert fields["invoice_number"]["value"] == "RE-2024-0042"
    assert fields["issue_date"]["value"] == "2024-03-01"
    assert fields["total_gross"]["value"] == "119.00"
    assert fields["iban"]["value"] == "DE89370400440532013000"
    n = store.count_triples("acme", sub.document["id"])
    assert n == doc["triples"] > 5
    # the document run again (as after a crash between persisting and finishing) adds nothing
    store.create_job(Job(id="again", tenant="acme", doc_id=sub.document["id"],
                         file_name="a.pdf", created_at=time.time()))
    drain(store, settings)
    assert store.get_job("again").status == JobStatus.SUCCEEDED
    assert store.count_triples("acme", sub.document["id"]) == n


@pytest.mark.parametrize(("blob", "kind"), [
    (b"", "empty"),
    (b"<html>not a pdf</html>", "unsupported_media_type"),
    (b"%PDF-1.4 garbage garbage", "corrupt"),
    (make_pdf([["secret"]], encrypt="pw"), "encrypted"),
    (make_pdf([["p"]] * 6), "too_many_pages"),
])
def test_bad_original_fails_the_job_with_a_reason(store, settings, blob, kind):
    """A job whose original cannot be processed ends failed, naming the step and the reason."""
    settings = settings.model_copy(update={"max_pages": 5})
    store.put_document("acme", {"id": "sha256:x", "file_name": "bad.pdf", "created_at": 1.0})
    store.blobs.put(blob_key("acme", "sha256:x"), blob)
    store.create_job(Job(id="j1", tenant="acme", doc_id="sha256:x", file_name="bad.pdf",
                         created_at=time.time()))
    drain(store, settings)
    job = store.get_job("j1")
    assert job.status == JobStatus.FAILED
    assert job.error["step"] == "ingest" and job.error["kind"] == kind
    assert "bad.pdf" in job.error["reason"]


def test_oversized_original_fails_the_job(store, settings):
    sub = submit_document(store, make_pdf(INVOICE), "a.pdf", "acme", settings)
    small = settings.model_copy(update={"max_file_mb": 0.0001})
    drain(store, small)
    job = store.get_job(sub.job.id)
    assert job.status == JobStatus.FAILED and job.error["kind"] == "too_large"


def failing_pipeline(permanent: bool) -> Pipeline:
    def explode(doc_fields):
        raise StepError("the checksum does not add up", permanent=permanent)

    boom = make_step(explode, name="check.boom", scope="document", requires=["doc.fields"],
                     provides=["doc.boom"], sink=True)
    return Pipeline([*load_pipeline().steps, boom])


def test_failing_step_fails_the_job_naming_step_and_reason(store, settings):
    sub = submit_document(store, make_pdf(INVOICE), "a.pdf", "acme", settings)
    drain(store, settings, pipeline=failing_pipeline(permanent=True))
    job = store.get_job(sub.job.id)
    assert job.status == JobStatus.FAILED and job.attempts == 1
    assert job.error == {"step": "check.boom", "kind": "step_failed",
                         "reason": "the checksum does not add up"}
    assert store.get_document("acme", sub.document["id"])["status"] == "failed"


def test_exception_in_step_is_reported_with_page(store, settings):
    def broken(page_lines):
        raise ZeroDivisionError("division by zero")

    step = make_step(broken, name="layout.broken", scope="page", requires=["page.lines"],
                     provides=["page.broken"], sink=True)
    sub = submit_document(store, make_pdf(INVOICE), "a.pdf", "acme", settings)
    drain(store, settings, pipeline=Pipeline([*load_pipeline().steps, step]))
    job = store.get_job(sub.job.id)
    assert job.error["step"] == "layout.broken"
    assert job.error["reason"] == "page 1: ZeroDivisionError: division by zero"


def test_transient_failures_are_retried_then_give_up(store, settings):
    sub = submit_document(store, make_pdf(INVOICE), "a.pdf", "acme", settings)
    drain(store, settings, pipeline=failing_pipeline(permanent=False))
    job = store.get_job(sub.job.id)
    assert job.status == JobStatus.FAILED and job.attempts == settings.job_max_attempts
    assert job.error["reason"].startswith(f"gave up after {settings.job_max_attempts} attempts")


class FlakyExecutor(SyncExecutor):
    """Fails the first run like a lost worker would, then works."""

    def __init__(self, settings):
        super().__init__(settings)
        self.calls = 0

    def run(self, *args, **kwargs):
        self.calls += 1
        if self.calls == 1:
            raise StepError("KilledWorker: worker died", step="engine.dask", permanent=False)
        return super().run(*args, **kwargs)


def test_transient_failure_then_success(store, settings):
    sub = submit_document(store, make_pdf(INVOICE), "a.pdf", "acme", settings)
    drain(store, settings, executor=FlakyExecutor(settings))
    job = store.get_job(sub.job.id)
    assert job.status == JobStatus.SUCCEEDED and job.attempts == 2


def test_expired_lease_of_a_dead_dispatcher_is_taken_over(store, settings):
    sub = submit_document(store, make_pdf(INVOICE), "a.pdf", "acme", settings)
    claimed = store.claim_job("dead-dispatcher", lease_s=0.2, now=time.time())
    assert claimed.id == sub.job.id
    time.sleep(0.3)
    d = drain(store, settings)
    job = store.get_job(sub.job.id)
    assert job.status == JobStatus.SUCCEEDED and job.attempts == 2 and job.owner in (None, d.owner)


def test_too_many_attempts_at_claim_fail_the_job(store, settings):
    sub = submit_document(store, make_pdf(INVOICE), "a.pdf", "acme", settings)
    for _ in range(settings.job_max_attempts):  # dispatchers that died holding it
        assert store.claim_job("dead", lease_s=0.01, now=time.time()) is not None
        time.sleep(0.02)
    drain(store, settings)
    job = store.get_job(sub.job.id)
    assert job.status == JobStatus.FAILED and job.error["kind"] == "attempts_exhausted"


def test_progress_reaches_the_store_while_the_job_runs(store, settings, monkeypatch):
    """API clients poll the store: progress must land there during the run, not only at the end."""
    import cosy.engine.dispatcher as dispatcher

    monkeypatch.setattr(dispatcher, "PROGRESS_EVERY_S", 0.0)
    seen: list[dict] = []
    original = store.heartbeat

    def spy(job_id, owner, lease_s, now, progress=None):
        if progress:
            seen.append(progress)
        return original(job_id, owner, lease_s, now, progress)

    monkeypatch.setattr(store, "heartbeat", spy)
    sub = submit_document(store, make_pdf(INVOICE * 3), "a.pdf", "acme", settings)
    drain(store, settings)
    assert store.get_job(sub.job.id).status == JobStatus.SUCCEEDED
    steps = [p["steps_done"] for p in seen]
    assert len(steps) == load_pipeline().task_count(3)  # one write per finished task
    assert steps == sorted(steps)
    assert seen[-1]["steps_done"] == seen[-1]["steps_total"]


def test_wake_claims_a_new_job_without_waiting_for_the_poll(store, settings):
    """`cosy serve` wakes its dispatcher on upload: latency must not include the poll interval."""
    slow_poll = settings.model_copy(update={"dispatcher_poll_s": 30.0})
    d = Dispatcher(store, SyncExecutor(slow_poll), load_pipeline(), slow_poll)
    d.start()
    try:
        time.sleep(0.2)  # the claim loop found nothing and sleeps for up to 30 s
        sub = submit_document(store, make_pdf(INVOICE), "a.pdf", "acme", settings)
        d.wake()
        deadline = time.monotonic() + 10
        while not store.get_job(sub.job.id).status.final and time.monotonic() < deadline:
            time.sleep(0.02)
        assert store.get_job(sub.job.id).status == JobStatus.SUCCEEDED
    finally:
        d.stop()

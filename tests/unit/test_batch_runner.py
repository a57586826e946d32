"""How a batch counts a document whose job is already final when the sources reach it.

Done by an earlier run: skipped. Finished by this run's dispatcher before the sources reached
its entry (an earlier run left it queued, and the dispatcher claims queued jobs of any batch):
this run's work, reported as finished, never as "done before".
"""

from __future__ import annotations

from typing import Any

from cosy.batch.items import Entry
from cosy.batch.progress import Counts, Display
from cosy.batch.runner import BatchRunner
from cosy.config import Settings
from cosy.store import open_store
from tests.conftest import make_pdf


class Recorder(Display):
    """Keeps the events the runner shows."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[tuple[str, str]] = []

    def skipped(self, c: Counts, doc_id: str, locator: str, status: str) -> None:
        self.events.append(("skipped", doc_id))

    def queued(self, c: Counts, doc_id: str, locator: str, pages: int) -> None:
        self.events.append(("queued", doc_id))

    def finished(self, c: Counts, doc_id: str, status: str, pages: int,
                 error: dict[str, Any] | None) -> None:
        self.events.append((status, doc_id))


class IdleDispatcher:
    owner = "test:0:0"

    def wake(self) -> None: ...


def _queued_by_an_earlier_run(store: Any, settings: Settings, text: str) -> str:
    """Submit a document as an earlier run did; return its job id (still queued)."""
    runner = BatchRunner(store, settings, "t", Display())
    runner._take(Entry(f"{text}.pdf", make_pdf([[text]])), IdleDispatcher())
    return next(iter(runner.outcome.docs.values())).job_id


def _finish(store: Any, job_id: str, now: float) -> None:
    job = store.claim_job("dispatcher", 60.0, now)
    assert job is not None and job.id == job_id
    assert store.finish_job(job_id, "dispatcher", "succeeded", now)


def test_a_document_finished_by_an_earlier_run_is_skipped(settings: Settings) -> None:
    store = open_store(settings.store)
    job_id = _queued_by_an_earlier_run(store, settings, "earlier")
    runner = BatchRunner(store, settings, "t", Recorder())
    runner.outcome.started_at = 2_000_000_000.0
    _finish(store, job_id, now=runner.outcome.started_at - 10)

    runner._take(Entry("earlier.pdf", make_pdf([["earlier"]])), IdleDispatcher())

    assert [e for e, _ in runner.display.events] == ["skipped"]
    assert runner.outcome.counts.skipped == 1 and not runner.pending


def test_a_queued_document_this_run_finished_first_is_not_done_before(
        settings: Settings) -> None:
    store = open_store(settings.store)
    job_id = _queued_by_an_earlier_run(store, settings, "left queued")
    runner = BatchRunner(store, settings, "t", Recorder())
    runner.outcome.started_at = 1_000_000_000.0
    _finish(store, job_id, now=runner.outcome.started_at + 10)
    runner.ended[job_id] = "succeeded"  # our dispatcher's hook ran before the sources got here

    runner._take(Entry("left queued.pdf", make_pdf([["left queued"]])), IdleDispatcher())

    assert [e for e, _ in runner.display.events] == ["queued", "succeeded"]
    c = runner.outcome.counts
    assert (c.skipped, c.docs, c.docs_done) == (0, 1, 1) and not runner.pending
    assert next(iter(runner.outcome.docs.values())).this_run


def test_finished_before_its_hook_ran_waits_for_the_hook(settings: Settings) -> None:
    store = open_store(settings.store)
    job_id = _queued_by_an_earlier_run(store, settings, "racing")
    runner = BatchRunner(store, settings, "t", Recorder())
    runner.outcome.started_at = 1_000_000_000.0
    _finish(store, job_id, now=runner.outcome.started_at + 10)

    runner._take(Entry("racing.pdf", make_pdf([["racing"]])), IdleDispatcher())
    assert runner.pending == {job_id} and runner.outcome.counts.skipped == 0
    job = store.get_job(job_id)
    runner._finished(job, {})

    assert [e for e, _ in runner.display.events] == ["queued", "succeeded"]
    assert not runner.pending

"""``cosy batch``: every entry of the sources through the durable jobs, resumable, with progress.

The same path as ``cosy submit --wait``: each PDF is validated, stored and queued as a job
(:func:`cosy.jobs.submit_document`), and a :class:`~cosy.engine.dispatcher.Dispatcher` on this
process's executor (a LocalCluster, or ``COSY_DASK_SCHEDULER``'s cluster) runs the jobs while
the sources are still being read. Resumable by content: a document's id is the sha256 of its
bytes, so a re-run skips what an earlier run finished, re-queues nothing twice, and takes over
jobs whose dispatcher died: at once when it ran on this host and its process is gone, else when
its lease runs out. Ctrl-C (or SIGTERM) stops claiming and lets the documents in flight finish;
a second Ctrl-C hands their jobs back to the queue and leaves at once.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from cosy.batch.items import Entry, Item, Limits, Refusal
from cosy.batch.progress import Counts, Display
from cosy.batch.sources import iter_sources
from cosy.config import Settings
from cosy.domain import Job, JobStatus
from cosy.engine.dispatcher import Dispatcher
from cosy.ingest import InputError
from cosy.jobs import submit_document
from cosy.store.base import Store

log = logging.getLogger(__name__)

IDLE_POLL_S = 2.0
"""How often a waiting batch looks at jobs it is not running itself (held elsewhere, backoff)."""
WAIT_NOTE_S = 30.0
"""How often it says so while jobs are held by another dispatcher."""


@dataclass
class DocRecord:
    """One unique document of the batch (its first entry names it)."""

    id: str
    job_id: str
    pages: int
    locator: str
    status: str
    this_run: bool = False  # processed by this run (not skipped as done before)


@dataclass
class Outcome:
    """What a run leaves for the report: entries in order, documents by id, timing."""

    tenant: str
    sources: list[str]
    entries: list[dict[str, Any]] = field(default_factory=list)
    docs: dict[str, DocRecord] = field(default_factory=dict)
    counts: Counts = field(default_factory=Counts)
    started_at: float = 0.0  # time.time()
    wall_s: float = 0.0  # including the cluster's start
    processing_s: float = 0.0  # from the executor being ready to the last document


def owner_gone(owner: str | None) -> bool:
    """True when a job's dispatcher ran on this host and its process no longer exists.

    Dispatcher owners are ``host:pid:nonce`` (:class:`~cosy.engine.dispatcher.Dispatcher`). A
    process on another host (another pod) cannot be checked: its job waits for the lease.
    """
    host, _, rest = (owner or "").partition(":")
    pid = rest.split(":", 1)[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, someone else's
        return False
    return False


class BatchRunner:
    """Reads the sources, submits each new document, and waits until all are final."""

    def __init__(self, store: Store, settings: Settings, tenant: str, display: Display) -> None:
        self.store = store
        self.settings = settings
        self.tenant = tenant
        self.display = display
        self.lock = threading.Condition()
        self.pending: set[str] = set()  # job ids this run waits for
        self.by_job: dict[str, DocRecord] = {}
        self.ended: dict[str, str] = {}  # job id -> final status, reported by our dispatcher
        self.last_finish = 0.0
        self.last_note = 0.0
        self.outcome = Outcome(tenant, [])

    # --- the run ---------------------------------------------------------------------------------
    def run(self, paths: Sequence[str]) -> Outcome:
        from cosy.engine.executor import make_executor
        from cosy.engine.profiles import load_pipeline

        out = self.outcome
        out.sources = list(paths)
        out.started_at, t0 = time.time(), time.monotonic()
        pipeline = load_pipeline(self.settings.pipeline)
        with make_executor(self.settings) as executor:
            dispatcher = Dispatcher(self.store, executor, pipeline, self.settings,
                                    on_finished=self._finished)
            ready = time.monotonic()
            with self.lock:
                out.counts.started = ready
            dispatcher.start()
            try:
                for item in iter_sources(paths, Limits.from_settings(self.settings)):
                    self._take(item, dispatcher)
                self._wait(dispatcher)
            except BaseException:
                self._stop(dispatcher)
                raise
            dispatcher.stop(wait=True)
        out.wall_s = time.monotonic() - t0
        out.processing_s = max(self.last_finish - ready, 0.0)
        return out

    # --- one entry -------------------------------------------------------------------------------
    def _take(self, item: Item, dispatcher: Dispatcher) -> None:
        out = self.outcome
        if isinstance(item, Entry):
            try:
                sub = submit_document(self.store, item.data, item.locator, self.tenant,
                                      self.settings)
            except InputError as err:
                item = Refusal(item.locator, err.kind, err.reason)
            else:
                self._remember_source(sub.document, item)
                self._register(item.locator, sub.document, sub.job, dispatcher)
                return
        with self.lock:
            out.entries.append({"entry": item.locator, "status": "refused", "kind": item.kind,
                                "reason": item.reason})
            out.counts.refused += 1
            self.display.refused(out.counts, item.locator, item.kind, item.reason)

    def _remember_source(self, doc: dict[str, Any], entry: Entry) -> None:
        """Add where this copy came from (path in archive, mail sender/subject/date) to the
        document, once: the provenance an export's side sheet shows."""
        sources = list(doc.get("sources") or [])
        if any(s.get("locator") == entry.locator for s in sources):
            return
        sources.append(entry.source())
        self.store.update_document(self.tenant, doc["id"], {"sources": sources})

    def _register(self, locator: str, doc: dict[str, Any], job: Job,
                  dispatcher: Dispatcher) -> None:
        out, c = self.outcome, self.outcome.counts
        with self.lock:
            if doc["id"] in out.docs:
                out.entries.append({"entry": locator, "status": "duplicate", "doc": doc["id"],
                                    "same_as": out.docs[doc["id"]].locator})
                c.duplicates += 1
                return
            rec = DocRecord(doc["id"], job.id, int(doc.get("pages") or 0), locator,
                            str(job.status))
            out.docs[rec.id] = rec
            out.entries.append({"entry": locator, "status": "document", "doc": rec.id})
            if job.status.final and (job.updated_at or 0.0) < out.started_at:
                c.skipped += 1
                self.display.skipped(c, rec.id, locator, rec.status)
                return
            # not final, or finished by a dispatcher of this run before the sources reached
            # it (an earlier run's queued job): this run's work, counted as it ends
            rec.this_run = True
            self.by_job[job.id] = rec
            self.pending.add(job.id)
            c.docs += 1
            c.pages += rec.pages
            self.display.queued(c, rec.id, locator, rec.pages)
            if job.id in self.ended:  # our dispatcher was quicker than this bookkeeping
                self._done(job.id, self.ended[job.id], None)
        if job.status == JobStatus.RUNNING:
            self._take_over(job)
        dispatcher.wake()

    # --- finishing -------------------------------------------------------------------------------
    def _finished(self, job: Job, timings: dict[str, Any]) -> None:
        """The dispatcher's hook (a worker thread): a job of any batch ended here."""
        error = None
        if job.status == JobStatus.FAILED:
            final = self.store.get_job(job.id)
            error = final.error if final is not None else None
        with self.lock:
            self.ended[job.id] = str(job.status)
            if job.id in self.pending:
                self._done(job.id, str(job.status), error)

    def _done(self, job_id: str, status: str, error: dict[str, Any] | None) -> None:
        """Count a job of this run as ended (the lock is held)."""
        c, rec = self.outcome.counts, self.by_job[job_id]
        self.pending.discard(job_id)
        rec.status = status
        c.docs_done += 1
        c.pages_done += rec.pages
        if status == str(JobStatus.FAILED):
            c.failed += 1
        self.last_finish = time.monotonic()
        self.display.finished(c, rec.id, status, rec.pages, error)
        self.lock.notify_all()

    def _wait(self, dispatcher: Dispatcher) -> None:
        """Until every job of the batch is final; when this dispatcher idles, look at the jobs
        it is not running: finished elsewhere, held by a dead dispatcher, or still leased."""
        last_poll = 0.0
        while True:
            with self.lock:
                if not self.pending:
                    return
                self.lock.wait(timeout=IDLE_POLL_S / 4)
                idle = dispatcher.inflight == 0
                todo = list(self.pending) if idle else []
            if todo and time.monotonic() - last_poll >= IDLE_POLL_S:
                last_poll = time.monotonic()
                self._poll(todo, dispatcher)

    def _poll(self, job_ids: list[str], dispatcher: Dispatcher) -> None:
        held = []
        for job_id in job_ids:
            job = self.store.get_job(job_id)
            if job is None:
                continue
            if job.status.final:
                error = job.error if job.status == JobStatus.FAILED else None
                with self.lock:
                    if job_id in self.pending:
                        self._done(job_id, str(job.status), error)
            elif (job.status == JobStatus.RUNNING and job.owner != dispatcher.owner
                  and not self._take_over(job)):
                held.append(job)
        if held and time.monotonic() - self.last_note >= WAIT_NOTE_S:
            self.last_note = time.monotonic()
            wait = max((j.lease_until or 0) - time.time() for j in held)
            with self.lock:
                self.display.waiting(self.outcome.counts, f"{len(held)} document(s) held by "
                                     f"another dispatcher ({held[0].owner}); their lease ends "
                                     f"in {max(wait, 0):.0f} s")
        dispatcher.wake()

    def _take_over(self, job: Job) -> bool:
        """Requeue a running job whose dispatcher process is gone; True if it was."""
        if job.owner is None or not owner_gone(job.owner):
            return False
        now = time.time()
        return self.store.retry_job(job.id, job.owner, now, now, {
            "step": "dispatcher", "kind": "transient",
            "reason": f"taken over: dispatcher {job.owner} is gone"})

    def _stop(self, dispatcher: Dispatcher) -> None:
        """Interrupted (Ctrl-C, SIGTERM) or failed: claim nothing more and let the documents in
        flight finish, so that no work is lost; interrupted again, hand their jobs back to the
        queue and leave at once (the next run starts them without waiting for their leases)."""
        with self.lock:
            self.display.waiting(self.outcome.counts, f"stopping: finishing the "
                                 f"{dispatcher.inflight} document(s) in flight; Ctrl-C again "
                                 "to stop at once")
        try:
            dispatcher.stop(wait=True)
        except KeyboardInterrupt:
            self._hand_back(dispatcher)
            os._exit(130)  # threads still use the store and the cluster: no clean-up

    def _hand_back(self, dispatcher: Dispatcher) -> None:
        """Requeue the jobs this dispatcher holds."""
        now = time.time()
        try:
            for job in self.store.list_jobs(status=str(JobStatus.RUNNING), limit=10000):
                if job.owner == dispatcher.owner:
                    self.store.retry_job(job.id, job.owner, now, now, {
                        "step": "dispatcher", "kind": "transient",
                        "reason": "the batch was interrupted"})
        except Exception:  # the store is gone too: the leases will run out
            log.exception("handing back the jobs in flight failed")

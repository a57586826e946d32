"""The dispatcher: claims durable jobs from the store and runs them on the executor.

Crash safety comes from leases: a claimed job carries ``lease_until``, which a heartbeat extends
while the job runs. If the dispatcher dies (even by SIGKILL), the lease runs out and any
dispatcher that polls later claims the job again. Retries are bounded (``max_attempts``) with
exponential backoff; input errors are not retried, nor is anything the input itself causes: a
budget it crosses, a parser error, a worker it killed (cosy.engine.failures). Every job ends
``succeeded`` (``partial`` when pages were skipped) or ``failed``.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from dataclasses import replace
from typing import Any

from cosy.config import Settings
from cosy.domain import Job, JobStatus
from cosy.engine.dag import Pipeline
from cosy.engine.executor import Executor
from cosy.engine.step import StepError
from cosy.ingest import InputError, inspect_document, limits
from cosy.jobs import blob_key, outcome, persist_result
from cosy.store.base import Store

log = logging.getLogger(__name__)

PROGRESS_EVERY_S = 0.5
"""How often a running job's progress reaches the store (what API clients and SSE streams see)."""


class Dispatcher:
    """Claims jobs, runs up to ``dispatcher_concurrency`` at once, heartbeats their leases."""

    def __init__(self, store: Store, executor: Executor, pipeline: Pipeline,
                 settings: Settings, owner: str | None = None,
                 on_finished: Callable[[Job, dict[str, Any]], None] | None = None) -> None:
        self.store = store
        self.on_finished = on_finished  # (the job in its final status, its timings): metrics
        self.executor = executor
        self.pipeline = pipeline
        self.settings = settings
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self._pool = ThreadPoolExecutor(settings.dispatcher_concurrency,
                                        thread_name_prefix="cosy-job")
        self._inflight: dict[str, dict[str, Any]] = {}  # job id -> latest progress
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._threads: list[threading.Thread] = []
        self._draining = threading.Event()  # set by shutdown(): claim nothing more
        self._claims_stopped = threading.Event()  # the claim loop saw it
        self._running: list[Future[JobStatus]] = []  # the claim loop's jobs (shutdown waits)

    # --- one job ---------------------------------------------------------------------------------
    def process(self, job: Job) -> JobStatus:
        """Run one claimed job to its end (or to a retry); return the status it was left in."""
        lease = self.settings.job_lease_s
        if job.attempts > job.max_attempts:
            self.store.fail_job(job.id, time.time(), {
                "step": "dispatcher", "kind": "attempts_exhausted",
                "reason": f"gave up after {job.max_attempts} attempts"
                          + (f"; last error: {job.error['reason']}" if job.error else ""),
            })
            self._finished(job, JobStatus.FAILED, {})
            return JobStatus.FAILED
        try:
            data = self.store.blobs.get(blob_key(job.tenant, job.doc_id))
        except KeyError:
            return self._fail(job, {"step": "ingest", "kind": "missing_original",
                                    "reason": "the original file is missing from the blob store"})
        try:
            info = inspect_document(data, job.file_name, job.tenant, **limits(self.settings))
            run = self.executor.run(self.pipeline, data, info, self._progress_fn(job.id))
            persist_result(self.store, info, run, self.pipeline.version)
        except InputError as err:
            return self._fail(job, {"step": "ingest", "kind": err.kind, "reason": err.reason})
        except StepError as err:
            error = {"step": err.step, "kind": err.kind, "reason": err.reason}
            if err.permanent:  # the input's fault (a budget, a parser error, a poison document)
                return self._fail(job, error, {"worker_deaths": getattr(err, "deaths", 0)})
            return self._retry(job, error)
        except Exception as err:  # the store or the cluster failed us: worth another attempt
            log.exception("job %s hit an unexpected error", job.id)
            return self._retry(job, {"step": "dispatcher", "kind": "transient",
                                     "reason": f"{type(err).__name__}: {err}"})
        finally:
            with self._lock:
                self._inflight.pop(job.id, None)
        found = outcome(run)
        ok = self.store.finish_job(job.id, self.owner, str(JobStatus.SUCCEEDED), time.time(),
                                   timings=run.timings, outcome=found)
        if not ok:
            log.warning("job %s: lease lost before finishing (lease %.0fs)", job.id, lease)
            return JobStatus.RUNNING
        self.store.audit(job.tenant, "job.succeeded", time.time(), job_id=job.id,
                         doc_id=job.doc_id, seconds=run.timings.get("total_s"),
                         skipped_pages=[p["page"] for p in found["skipped_pages"]])
        self._finished(job, JobStatus.SUCCEEDED, run.timings)
        return JobStatus.SUCCEEDED

    def _finished(self, job: Job, status: JobStatus, timings: dict[str, Any]) -> None:
        """Tell ``on_finished`` that a job ended; its failure never fails the job."""
        if self.on_finished is None:
            return
        try:
            self.on_finished(replace(job, status=status, timings=timings), timings)
        except Exception:
            log.exception("on_finished hook failed for job %s", job.id)

    def _progress_fn(self, job_id: str):  # type: ignore[no-untyped-def]
        """Record progress for the heartbeat, and write it at most every PROGRESS_EVERY_S."""
        last_write = 0.0

        def record(progress: dict[str, Any]) -> None:
            nonlocal last_write
            with self._lock:
                self._inflight[job_id] = progress
            now = time.monotonic()
            if now - last_write >= PROGRESS_EVERY_S:
                last_write = now
                try:
                    self.store.heartbeat(job_id, self.owner, self.settings.job_lease_s,
                                         time.time(), progress)
                except Exception:  # progress is best effort; the heartbeat loop retries
                    log.exception("writing progress of job %s failed", job_id)

        with self._lock:
            self._inflight[job_id] = {"steps_done": 0, "stage": "queued"}
        return record

    def _fail(self, job: Job, error: dict[str, Any],
              found: dict[str, Any] | None = None) -> JobStatus:
        self.store.finish_job(job.id, self.owner, str(JobStatus.FAILED), time.time(), error=error,
                              outcome=found)
        self.store.update_document(job.tenant, job.doc_id, {"status": "failed", "error": error})
        self.store.audit(job.tenant, "job.failed", time.time(), job_id=job.id, **error)
        self._finished(job, JobStatus.FAILED, {})
        return JobStatus.FAILED

    def _retry(self, job: Job, error: dict[str, Any]) -> JobStatus:
        if job.attempts >= job.max_attempts:
            error = {**error, "reason": f"gave up after {job.attempts} attempts: {error['reason']}"}
            return self._fail(job, error)
        delay = self.settings.job_retry_backoff_s * 2 ** (job.attempts - 1)
        now = time.time()
        self.store.retry_job(job.id, self.owner, now + delay, now, error)
        return JobStatus.QUEUED

    # --- the loops -------------------------------------------------------------------------------
    def claim(self) -> Job | None:
        return self.store.claim_job(self.owner, self.settings.job_lease_s, time.time())

    def drain(self, timeout: float | None = None) -> int:
        """Process jobs until none is claimable or in flight; return how many ended."""
        deadline = None if timeout is None else time.monotonic() + timeout
        futures: list[Future[JobStatus]] = []
        hb = threading.Thread(target=self._heartbeat_loop, daemon=True, name="cosy-heartbeat")
        hb.start()
        try:
            while deadline is None or time.monotonic() < deadline:
                futures = [f for f in futures if not f.done()]
                job = self.claim() if len(futures) < self.settings.dispatcher_concurrency else None
                if job is not None:
                    futures.append(self._pool.submit(self.process, job))
                    continue
                if not futures and not self._claimable_soon():
                    break
                time.sleep(0.05 if futures else self.settings.dispatcher_poll_s)
        finally:
            for f in futures:
                f.result()
            self._stop.set()
            hb.join()
            self._stop.clear()
        return len(futures)

    def _claimable_soon(self) -> bool:
        """Whether queued jobs are waiting (e.g. a retry's backoff) that drain should wait for."""
        counts = self.store.count_jobs()
        return counts.get("queued", 0) > 0

    def start(self) -> None:
        """Run in background threads until :meth:`stop` (used by `cosy serve`)."""
        self._threads = [
            threading.Thread(target=self._claim_loop, daemon=True, name="cosy-dispatcher"),
            threading.Thread(target=self._heartbeat_loop, daemon=True, name="cosy-heartbeat"),
        ]
        for t in self._threads:
            t.start()

    def wake(self) -> None:
        """A job was just queued: claim now instead of at the next poll (same process only)."""
        self._wake.set()

    def stop(self, wait: bool = True) -> None:
        self._stop.set()
        self._wake.set()
        for t in self._threads:
            t.join()
        self._pool.shutdown(wait=wait, cancel_futures=True)

    def shutdown(self, grace_s: float) -> int:
        """Claim nothing more, give the jobs in flight up to ``grace_s`` seconds to finish (their
        heartbeats go on), then stop; return how many were still running. Those are taken over
        by another dispatcher when their lease runs out. `cosy dispatcher` does this on SIGTERM,
        so a rolling upgrade finishes most jobs instead of re-running them."""
        deadline = time.monotonic() + grace_s
        self._draining.set()
        self._wake.set()
        if self._threads:  # a claim in progress lands in _running before the loop says so
            self._claims_stopped.wait(max(grace_s, 1.0))
        while True:
            with self._lock:
                running = [f for f in self._running if not f.done()]
            remaining = deadline - time.monotonic()
            if not running or remaining <= 0:
                break
            wait_futures(running, timeout=min(remaining, 0.5))
        self.stop(wait=False)
        return len(running)

    def _claim_loop(self) -> None:
        while not self._stop.is_set():
            with self._lock:
                self._running = running = [f for f in self._running if not f.done()]
            job = None
            if self._draining.is_set():
                self._claims_stopped.set()
            elif len(running) < self.settings.dispatcher_concurrency:
                try:
                    job = self.claim()
                except Exception:
                    log.exception("claiming a job failed; retrying")
            if job is not None:
                with self._lock:
                    self._running.append(self._pool.submit(self.process, job))
            else:
                self._wake.wait(self.settings.dispatcher_poll_s)
                self._wake.clear()

    def _heartbeat_loop(self) -> None:
        interval = max(self.settings.job_lease_s / 3, 0.05)
        while not self._stop.wait(interval):
            with self._lock:
                inflight = dict(self._inflight)
            for job_id, progress in inflight.items():
                try:
                    self.store.heartbeat(job_id, self.owner, self.settings.job_lease_s,
                                         time.time(), progress)
                except Exception:
                    log.exception("heartbeat for job %s failed", job_id)

    @property
    def alive(self) -> bool:
        """The claim and heartbeat threads run (what a dispatcher's liveness probe asks)."""
        return bool(self._threads) and all(t.is_alive() for t in self._threads)

    @property
    def inflight(self) -> int:
        with self._lock:
            return len(self._inflight)

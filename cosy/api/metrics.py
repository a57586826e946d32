"""Prometheus metrics of the API and of the jobs a dispatcher finishes.

Each app has its own registry (tests build many apps in one process). HTTP metrics are labelled
by route *template* (``/v1/documents/{doc_id}``), never by raw path, so label cardinality stays
bounded whatever ids clients send. Job gauges are read from the store at scrape time, so they are
right even when other processes run the dispatchers.

With separate services (`cosy api`, `cosy dispatcher`, docs/deploy.md) each replica exports what
it did: counters and histograms are per process (sum them over replicas), while the job, queue
and age gauges come from the one store and are the same in every replica (take their ``max``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

from cosy.domain import Job, JobStatus
from cosy.store.base import Store

log = logging.getLogger(__name__)

HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
STEP_BUCKETS = (0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10)
JOB_BUCKETS = (0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600)
PAGE_BUCKETS = (0.1, 0.25, 0.5, 1, 2, 3, 5, 7.5, 9, 10, 12.5, 15, 20, 30, 60)
"""Seconds per page, dense around the 10 s budget of the worst page, so that an alert on the p95
nearing it (helm/cosy PrometheusRule) interpolates between close buckets."""


class Metrics:
    """The registry and every metric COSY exports."""

    content_type = CONTENT_TYPE_LATEST

    def __init__(self, step_models: Mapping[str, str] | None = None) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.step_models: dict[str, str] = dict(step_models or {})
        self.requests = Counter("cosy_http_requests_total", "HTTP requests",
                                ["method", "route", "status"], registry=r)
        self.latency = Histogram("cosy_http_request_duration_seconds", "HTTP request latency",
                                 ["method", "route"], buckets=LATENCY_BUCKETS, registry=r)
        self.jobs = Gauge("cosy_jobs", "Jobs in the store by status", ["status"], registry=r)
        self.queue_depth = Gauge("cosy_queue_depth", "Jobs waiting to be claimed", registry=r)
        self.jobs_finished = Counter("cosy_jobs_finished_total",
                                     "Jobs finished by this process's dispatcher", ["status"],
                                     registry=r)
        self.pages = Counter("cosy_pages_processed_total",
                             "Pages of the documents this process's dispatcher finished, by "
                             "the job's final status", ["status"], registry=r)
        self.page_seconds = Histogram("cosy_page_duration_seconds",
                                      "Seconds per page of a finished document (its processing "
                                      "wall time over its pages; one observation per page)",
                                      buckets=PAGE_BUCKETS, registry=r)
        self.pages_over_budget = Counter(
            "cosy_pages_over_budget_total", "Pages whose steps took longer than the per-page "
            "budget (COSY_PAGE_BUDGET_S; each is in its job's timings.over_budget)", registry=r)
        self.queue_age = Gauge("cosy_queue_oldest_age_seconds",
                               "Age of the oldest queued job (0 when none waits)", registry=r)
        self.on_scrape: list[Callable[[], None]] = []
        """Refreshers of per-process gauges (a dispatcher's jobs in flight, its Dask workers),
        run before each scrape."""
        self.job_seconds = Histogram("cosy_job_duration_seconds", "Wall time of a successful job",
                                     buckets=JOB_BUCKETS, registry=r)
        self.step_seconds = Histogram("cosy_step_duration_seconds",
                                      "Time of a step over one document (all its pages)",
                                      ["step"], buckets=STEP_BUCKETS, registry=r)
        self.model_seconds = Histogram("cosy_model_duration_seconds",
                                       "Time of the steps that run a model, per document",
                                       ["model"], buckets=STEP_BUCKETS, registry=r)

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        """Count a request; a method outside HTTP's own is counted as ``other`` (clients pick
        methods freely, and each new label value would be a new series forever)."""
        method = method if method in HTTP_METHODS else "other"
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)

    def observe_job(self, job: Job, timings: dict[str, Any], pages: int | None = None) -> None:
        """The Dispatcher's ``on_finished`` hook: per-job, per-page, per-step and per-model
        durations; ``pages`` of a failed job (its timings are empty) if the caller knows them."""
        status = str(job.status)
        self.jobs_finished.labels(status).inc()
        if pages is None:
            pages = len(timings.get("pages") or [])
        if pages:
            self.pages.labels(status).inc(pages)
        if job.status != JobStatus.SUCCEEDED or not timings:
            return
        self.pages_over_budget.inc(len(timings.get("over_budget") or ()))
        if "total_s" in timings:
            self.job_seconds.observe(float(timings["total_s"]))
            for _ in range(pages):
                self.page_seconds.observe(float(timings["total_s"]) / pages)
        per_model: dict[str, float] = {}
        for step, seconds in (timings.get("steps") or {}).items():
            self.step_seconds.labels(step).observe(float(seconds))
            model = self.step_models.get(step)
            if model:
                per_model[model] = per_model.get(model, 0.0) + float(seconds)
        for model, seconds in per_model.items():
            self.model_seconds.labels(model).observe(seconds)

    def job_hook(self, store: Store) -> Callable[[Job, dict[str, Any]], None]:
        """``observe_job`` as a Dispatcher's ``on_finished``, a failed job's pages read from its
        document (the dispatcher has no timings for it)."""

        def hook(job: Job, timings: dict[str, Any]) -> None:
            pages = len(timings.get("pages") or [])
            if not pages:
                doc = store.get_document(job.tenant, job.doc_id) or {}
                pages = int(doc.get("pages") or 0)
            self.observe_job(job, timings, pages)

        return hook

    def render(self, store: Store) -> bytes:
        """The exposition text; job gauges are refreshed from the store first."""
        try:
            counts = store.count_jobs()
            oldest = store.oldest_queued_at()
        except Exception:  # a scrape must not fail because the store is down; readyz says so
            log.warning("metrics: cannot count jobs in the store", exc_info=True)
            counts = None
        if counts is not None:
            for status in JobStatus:
                self.jobs.labels(str(status)).set(counts.get(str(status), 0))
            self.queue_depth.set(counts.get(str(JobStatus.QUEUED), 0))
            self.queue_age.set(0.0 if oldest is None else max(0.0, time.time() - oldest))
        for refresh in self.on_scrape:
            try:
                refresh()
            except Exception:
                log.warning("metrics: a gauge could not be refreshed", exc_info=True)
        return generate_latest(self.registry)

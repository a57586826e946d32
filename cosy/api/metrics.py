"""Prometheus metrics of the API and of the jobs the in-process dispatcher finishes.

Each app has its own registry (tests build many apps in one process). HTTP metrics are labelled
by route *template* (``/v1/documents/{doc_id}``), never by raw path, and by method only among
HTTP's own (any other is ``other``), so label cardinality stays bounded whatever clients
send. Job gauges are read from the store at scrape time, so they are right even when other
processes run the dispatchers.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
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
                             "Pages of documents processed successfully", registry=r)
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

    def observe_job(self, job: Job, timings: dict[str, Any]) -> None:
        """The Dispatcher's ``on_finished`` hook: per-job, per-step and per-model durations."""
        status = str(job.status)
        self.jobs_finished.labels(status).inc()
        if job.status != JobStatus.SUCCEEDED or not timings:
            return
        self.pages.inc(len(timings.get("pages") or []))
        if "total_s" in timings:
            self.job_seconds.observe(float(timings["total_s"]))
        per_model: dict[str, float] = {}
        for step, seconds in (timings.get("steps") or {}).items():
            self.step_seconds.labels(step).observe(float(seconds))
            model = self.step_models.get(step)
            if model:
                per_model[model] = per_model.get(model, 0.0) + float(seconds)
        for model, seconds in per_model.items():
            self.model_seconds.labels(model).observe(seconds)

    def render(self, store: Store) -> bytes:
        """The exposition text; job gauges are refreshed from the store first."""
        try:
            counts = store.count_jobs()
        except Exception:  # a scrape must not fail because the store is down; readyz says so
            log.warning("metrics: cannot count jobs in the store", exc_info=True)
            counts = None
        if counts is not None:
            for status in JobStatus:
                self.jobs.labels(str(status)).set(counts.get(str(status), 0))
            self.queue_depth.set(counts.get(str(JobStatus.QUEUED), 0))
        return generate_latest(self.registry)

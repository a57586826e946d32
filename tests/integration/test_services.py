"""The pieces of the separate services, in one process: a dispatcher draining on SIGTERM, its
probes and gauges, the metrics of failed jobs and of the queue's age (the processes themselves
run in tests/integration/test_topology.py)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cosy.api.app import create_ops_app
from cosy.api.metrics import Metrics
from cosy.domain import JobStatus
from cosy.engine.dispatcher import Dispatcher
from cosy.engine.executor import SyncExecutor
from cosy.engine.profiles import load_pipeline
from cosy.jobs import submit_document
from cosy.service import dispatcher_gauges
from cosy.store import open_store
from tests.conftest import make_pdf


class GatedExecutor(SyncExecutor):
    """Runs a document only once the test opens the gate: a job that is 'in flight'."""

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.gate, self.started = threading.Event(), threading.Event()

    def run(self, *args: Any, **kwargs: Any) -> Any:
        self.started.set()
        assert self.gate.wait(60)
        return super().run(*args, **kwargs)


@pytest.fixture
def store(settings):
    s = open_store(settings.store)
    yield s
    s.close()


def submit(store, settings, n: int) -> list[str]:
    return [submit_document(store, make_pdf([[f"Rechnung RE-{i}", "Summe 10,00 EUR"]]),
                            f"r{i}.pdf", "acme", settings).job.id for i in range(n)]


def test_shutdown_lets_the_job_in_flight_finish_and_claims_no_more(store, settings):
    settings = settings.model_copy(update={"dispatcher_concurrency": 1})
    first, second = submit(store, settings, 2)
    executor = GatedExecutor(settings)
    dispatcher = Dispatcher(store, executor, load_pipeline(), settings)
    dispatcher.start()
    assert executor.started.wait(60)
    threading.Timer(0.5, executor.gate.set).start()  # the job ends during the grace period
    assert dispatcher.shutdown(grace_s=60) == 0
    assert store.get_job(first).status == JobStatus.SUCCEEDED
    assert store.get_job(second).status == JobStatus.QUEUED  # left for the other replicas
    assert not dispatcher.alive


def test_shutdown_gives_up_after_its_grace(store, settings):
    [job_id] = submit(store, settings, 1)
    executor = GatedExecutor(settings)
    dispatcher = Dispatcher(store, executor, load_pipeline(), settings)
    dispatcher.start()
    assert executor.started.wait(60)
    t0 = time.monotonic()
    assert dispatcher.shutdown(grace_s=0.3) == 1
    assert time.monotonic() - t0 < 5
    assert store.get_job(job_id).status == JobStatus.RUNNING  # its lease will run out
    executor.gate.set()  # the abandoned thread still ends it (its lease holds): let it
    deadline = time.monotonic() + 60
    while not store.get_job(job_id).status.final and time.monotonic() < deadline:
        time.sleep(0.05)


def test_dispatcher_probes_and_gauges(store, settings):
    submit(store, settings, 1)
    executor, metrics = SyncExecutor(settings), Metrics()
    dispatcher = Dispatcher(store, executor, load_pipeline(), settings,
                            on_finished=metrics.job_hook(store))
    metrics.on_scrape.append(dispatcher_gauges(metrics, dispatcher, executor))
    with TestClient(create_ops_app(store, executor, metrics,
                                   alive=lambda: dispatcher.alive)) as client:
        assert client.get("/healthz").status_code == 503  # its loops are not running yet
        assert client.get("/readyz").json() == {"status": "ok",
                                                "checks": {"store": True, "dask": True}}
        text = client.get("/metrics").text
        assert "cosy_queue_depth 1.0" in text and "cosy_dask_workers 1.0" in text
        age = float(next(line.split()[1] for line in text.splitlines()
                         if line.startswith("cosy_queue_oldest_age_seconds ")))
        assert age >= 0
        dispatcher.start()
        assert client.get("/healthz").json() == {"status": "ok"}
        deadline = time.monotonic() + 60
        while store.count_jobs().get("succeeded") != 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        text = client.get("/metrics").text
        assert "cosy_queue_oldest_age_seconds 0.0" in text
        assert 'cosy_jobs_finished_total{status="succeeded"} 1.0' in text
        assert "cosy_dispatcher_jobs_in_flight 0.0" in text
        assert client.get("/docs").status_code == 404  # probes and metrics only
        dispatcher.stop()
        assert client.get("/healthz").status_code == 503


def test_failed_jobs_count_their_pages(store, settings):
    [job_id] = submit(store, settings, 1)
    metrics = Metrics()
    job = store.get_job(job_id)
    job.status = JobStatus.FAILED
    metrics.job_hook(store)(job, {})
    text = metrics.render(store).decode()
    assert 'cosy_pages_processed_total{status="failed"} 1.0' in text
    assert 'cosy_jobs_finished_total{status="failed"} 1.0' in text
    assert "cosy_page_duration_seconds_count 0.0" in text  # only finished pages have a time

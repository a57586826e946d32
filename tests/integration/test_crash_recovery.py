"""A dispatcher killed with SIGKILL in the middle of a job loses nothing and duplicates nothing."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from cosy.config import Settings
from cosy.domain import JobStatus
from cosy.engine.executor import SyncExecutor
from cosy.engine.profiles import load_pipeline
from cosy.ingest import inspect_document
from cosy.jobs import submit_document
from cosy.store import open_store
from tests.conftest import make_pdf

pytestmark = pytest.mark.slow

LINE = "Pos {i}  Schraube M{i} verzinkt  {i},00 Stk  1.234,56 EUR  Rechnungsnummer RE-{i}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(store_dir: Path, port: int, log: Path) -> subprocess.Popen:
    env = {**os.environ, "COSY_STORE": str(store_dir), "COSY_JOB_LEASE_S": "2",
           "COSY_DASK_WORKERS": "1", "COSY_DISPATCHER_POLL_S": "0.1",
           "COSY_JOB_RETRY_BACKOFF_S": "0"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "cosy.cli", "serve", "--port", str(port)], env=env,
        stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return proc
        except OSError:
            assert proc.poll() is None, log.read_text()
            time.sleep(0.2)
    raise AssertionError(f"cosy serve did not come up:\n{log.read_text()}")


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_sigkill_mid_job_then_restart_completes_without_duplicates(tmp_path: Path):
    store_dir, log = tmp_path / "store", tmp_path / "serve.log"
    pages = [[LINE.format(i=i * 50 + j) for j in range(45)] for i in range(80)]
    data = make_pdf(pages)
    settings = Settings(store=str(store_dir), dask_scheduler="sync")
    store = open_store(str(store_dir))
    sub = submit_document(store, data, "long.pdf", "default", settings)

    first = start_server(store_dir, free_port(), log)
    try:
        wait_for(lambda: store.get_job(sub.job.id).status == JobStatus.RUNNING, 60,
                 "the first dispatcher to claim the job")
        time.sleep(1.0)  # well into the job: 80 dense pages take several seconds
    finally:
        os.killpg(first.pid, signal.SIGKILL)  # the dispatcher and its Dask workers
        first.wait()
    job = store.get_job(sub.job.id)
    assert job.status == JobStatus.RUNNING, "the job ended before the kill; make it longer"
    assert "result" not in (store.get_document("default", sub.document["id"]) or {})

    second = start_server(store_dir, free_port(), log)
    try:
        job = wait_for(lambda: (j := store.get_job(sub.job.id)).status.final and j, 120,
                       "the second dispatcher to finish the job")
    finally:
        os.killpg(second.pid, signal.SIGTERM)
        second.wait(timeout=30)

    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.attempts == 2  # the killed attempt and the one that finished
    expected = SyncExecutor(settings).run(
        load_pipeline(), data, inspect_document(data, "long.pdf", "default",
                                                max_bytes=settings.max_bytes, max_pages=500))
    triples = store.find_triples("default", doc=sub.document["id"], limit=100000)
    assert len(triples) == len(expected.outputs["doc.triples"])
    assert len({t.id for t in triples}) == len(triples)
    assert store.count_triples("default") == len(triples)
    store.close()

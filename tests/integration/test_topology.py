"""The cluster topology on one machine, each service a separate OS process as in a pod: a stock
`dask scheduler`, two `dask worker --preload cosy.inference.preload`, two `cosy dispatcher` and
two `cosy api`, all on one embedded store. Documents go in through one API and are read through
the other; a worker and a dispatcher are SIGKILLed in the middle of a job, and every job still
ends succeeded, with no triple written twice. Last, every metric the Helm chart's alerts,
dashboard and autoscaler use is found in the services' /metrics.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from cosy.api.keys import create_api_key
from cosy.corpus import generate_corpus
from cosy.domain import JobStatus
from cosy.store import open_store
from tests.conftest import make_pdf
from tests.helm.chart import chart_metric_names
from tests.integration.test_crash_recovery import wait_for

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
LINE = "Pos {i}  Schraube M{i} verzinkt  {i},00 Stk  1.234,56 EUR  Lieferschein LS-{i}"


def free_ports(n: int) -> list[int]:
    import socket

    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


class Topology:
    """The processes of one test, each in its own session (killed with its children), with
    its output in a log file named after it."""

    def __init__(self, tmp: Path, env: dict[str, str]) -> None:
        self.tmp, self.env = tmp, env
        self.procs: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, *cmd: str) -> None:
        with open(self.tmp / f"{name}.log", "wb") as log:
            self.procs[name] = subprocess.Popen(cmd, env=self.env, stdout=log,
                                                stderr=subprocess.STDOUT,
                                                start_new_session=True)

    def log(self, name: str) -> str:
        return (self.tmp / f"{name}.log").read_text(errors="replace")[-4000:]

    def kill(self, name: str) -> None:
        proc = self.procs.pop(name)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)

    def stop_all(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)

    def wait_ready(self, name: str, url: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            assert self.procs[name].poll() is None, f"{name} exited:\n{self.log(name)}"
            try:
                if httpx.get(url, timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, f"{name} not ready at {url}:\n{self.log(name)}"
            time.sleep(0.3)


def scrape(url: str) -> set[str]:
    """The sample names a /metrics page exports (``x_bucket``, ``x_total``, ...)."""
    text = httpx.get(url, timeout=10).text
    return {s.name for f in text_string_to_metric_families(text) for s in f.samples}


def sample_sum(url: str, name: str) -> float:
    """The sum of a metric's samples over its labels."""
    text = httpx.get(url, timeout=10).text
    return sum(s.value for f in text_string_to_metric_families(text) for s in f.samples
               if s.name == name)


@pytest.fixture
def topology(tmp_path: Path) -> Iterator[tuple[Topology, dict[str, str]]]:
    sched, sched_http, w1, w2, d1, d2, a1, a2 = free_ports(8)
    env = {**os.environ, "COSY_STORE": str(tmp_path / "store"),
           "COSY_DASK_SCHEDULER": f"tcp://127.0.0.1:{sched}", "COSY_JOB_LEASE_S": "5",
           "COSY_JOB_MAX_ATTEMPTS": "5", "COSY_JOB_RETRY_BACKOFF_S": "0",
           "COSY_DISPATCHER_POLL_S": "0.1", "COSY_DISPATCHER_CONCURRENCY": "2",
           "COSY_API_RATE_PER_S": "0", "COSY_HTTP_HOST": "127.0.0.1",
           "DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED": "False",
           "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    top = Topology(tmp_path, env)
    urls = {"scheduler": f"http://127.0.0.1:{sched_http}", "w1": f"http://127.0.0.1:{w1}",
            "w2": f"http://127.0.0.1:{w2}", "d1": f"http://127.0.0.1:{d1}",
            "d2": f"http://127.0.0.1:{d2}", "a1": f"http://127.0.0.1:{a1}",
            "a2": f"http://127.0.0.1:{a2}"}
    try:
        top.start("scheduler", str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port",
                  str(sched), "--dashboard-address", f"127.0.0.1:{sched_http}")
        for name, port in (("w1", w1), ("w2", w2)):  # as the chart runs them
            top.start(name, str(BIN / "dask"), "worker", f"tcp://127.0.0.1:{sched}",
                      "--nthreads", "1", "--no-nanny", "--memory-limit", "2GiB",
                      "--preload", "cosy.inference.preload", "--name", name,
                      "--dashboard-address", f"127.0.0.1:{port}")
        for name, port in (("d1", d1), ("d2", d2)):
            top.start(name, str(BIN / "cosy"), "dispatcher", "--port", str(port))
        for name, port in (("a1", a1), ("a2", a2)):
            top.start(name, str(BIN / "cosy"), "api", "--port", str(port))
        for name in ("scheduler", "a1", "a2", "d1", "d2"):  # dispatchers: once a worker joined
            top.wait_ready(name, urls[name] + ("/health" if name == "scheduler" else "/readyz"),
                           180)
        for name in ("w1", "w2"):  # both workers have loaded their resources
            wait_for(lambda n=name: "cosy_worker_resources_ready 1.0"
                     in httpx.get(urls[n] + "/metrics", timeout=10).text,
                     180, f"worker {name} to load its resources")
        yield top, urls
    finally:
        top.stop_all()


def long_pdf(tag: str, pages: int = 16) -> bytes:
    return make_pdf([[LINE.format(i=f"{tag}{p}-{j}") for j in range(40)] for p in range(pages)])


def test_services_survive_sigkill_of_a_worker_and_a_dispatcher(topology, tmp_path: Path):
    top, urls = topology
    store = open_store(top.env["COSY_STORE"])
    key, _ = create_api_key(store, "acme", "writer")
    auth = {"Authorization": f"Bearer {key}"}
    generate_corpus(tmp_path / "gen", n=3, seed=15)
    files = [("long-a.pdf", long_pdf("A")), ("long-b.pdf", long_pdf("B"))] + \
        [(p.name, p.read_bytes()) for p in sorted((tmp_path / "gen" / "docs").glob("*.pdf"))]

    with httpx.Client(base_url=urls["a1"], headers=auth, timeout=30) as first:
        items = []
        for name, data in files:  # the long ones first: they are claimed first
            r = first.post("/v1/documents", files=[("files", (name, data, "application/pdf"))])
            assert r.status_code == 202, r.text
            items += r.json()["items"]
    jobs = {item["job_id"]: item for item in items}

    # mid-job: the first long document runs and its pages have started on the workers
    running = wait_for(lambda: (j := store.get_job(items[0]["job_id"])).status
                       == JobStatus.RUNNING and (j.progress or {}).get("steps_done") and j,
                       120, "the first long document to be running")
    owner = "d1" if running.owner.split(":")[1] == str(top.procs["d1"].pid) else "d2"
    assert running.owner.split(":")[1] == str(top.procs[owner].pid)
    top.kill("w1")
    top.kill(owner)
    assert not store.get_job(items[0]["job_id"]).status.final, "killed too late: make it longer"
    survivor = "d2" if owner == "d1" else "d1"

    def ended() -> dict[str, Any] | None:
        now = {i: store.get_job(i) for i in jobs}
        return now if all(j.status.final for j in now.values()) else None

    final = wait_for(ended, 300, "every job to end (the survivors take over)")
    assert {i: str(j.status) for i, j in final.items()} == {i: "succeeded" for i in jobs}, \
        {i: j.error for i, j in final.items()}
    assert final[items[0]["job_id"]].attempts >= 2  # its dispatcher died; another finished it

    with httpx.Client(base_url=urls["a2"], headers=auth, timeout=30) as second:  # the other API
        for job_id, item in jobs.items():
            assert second.get(f"/v1/jobs/{job_id}").json()["status"] == "succeeded"
            doc_path = f"/v1/documents/{quote(item['document_id'])}"
            doc = second.get(doc_path).json()
            served = second.get(f"{doc_path}/triples").json()
            stored = store.find_triples("acme", doc=item["document_id"], limit=100000)
            spo = {(t.s, t.p, t.o) for t in stored}
            assert len(stored) == len(spo) == served["total"] > 5  # no triple twice
            assert doc["result"]["document"]["file"] == item["file_name"]
    assert store.count_triples("acme") == sum(
        store.count_triples("acme", doc=item["document_id"]) for item in items)

    # the killed worker had tasks in flight: the scheduler counted them suspicious
    assert sample_sum(urls["scheduler"] + "/metrics", "dask_scheduler_tasks_suspicious_total") > 0
    exported = set().union(*(scrape(urls[n] + "/metrics")
                             for n in ("a2", survivor, "w2", "scheduler")))
    used = chart_metric_names()
    assert used and used <= exported, f"not exported by any service: {sorted(used - exported)}"

    for name in ("a2", survivor):  # as Kubernetes stops a pod: SIGTERM, then a clean exit
        proc = top.procs.pop(name)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=90) == 0, top.log(name)
        assert "Traceback" not in top.log(name)
    store.close()

"""End to end: a real `cosy serve` (uvicorn, dispatcher, a one-worker Dask LocalCluster) on
127.0.0.1, driven over HTTP as a client would: key from the CLI, upload, live events, result,
triples in three formats, a neighbourhood, delete."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from rdflib import Graph

from tests.api.conftest import invoice_pdf
from tests.api.test_jobs import parse_sse

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def wait_ready(proc: subprocess.Popen[bytes], base: str, log: Path, timeout_s: float) -> None:
    """Until ``base``/readyz answers 200; fail with the server's log if it dies or is late."""
    deadline = time.monotonic() + timeout_s
    while True:
        assert proc.poll() is None, log.read_text()
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, "the server did not become ready\n" + \
            log.read_text()
        time.sleep(0.3)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "COSY_STORE": str(tmp_path / "store"), "COSY_DASK_WORKERS": "1",
            "COSY_DASK_SCHEDULER": "local", "COSY_DISPATCHER_POLL_S": "0.1",
            "PYTHONPATH": str(ROOT)}


def cosy(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cosy.cli", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=True)


@pytest.fixture
def server(env: dict[str, str], tmp_path: Path) -> Iterator[tuple[str, Path]]:
    port = free_port()
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "cosy.cli", "serve", "--host", "127.0.0.1", "--port",
             str(port)], env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(proc, base, log, 90)
        yield base, log
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def test_cosy_serve_end_to_end(env, server):
    base, log = server
    key = cosy(env, "keys", "create", "--tenant", "e2e", "--role", "writer").stdout.strip()
    assert key.startswith("cosy_") and "\n" not in key
    auth = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=base, headers=auth, timeout=30) as http:
        r = http.post("/v1/documents",
                      files=[("files", ("invoice.pdf", invoice_pdf(), "application/pdf"))])
        assert r.status_code == 202, r.text
        item = r.json()["items"][0]
        doc = quote(item["document_id"])

        with http.stream("GET", f"/v1/jobs/{item['job_id']}/events",
                         timeout=httpx.Timeout(120, connect=5)) as stream:
            assert stream.headers["content-type"].startswith("text/event-stream")
            text = "".join(stream.iter_text())
        events = parse_sse(text)
        assert events[-1][0] == "end", text
        assert events[-1][1]["status"] == "succeeded", events[-1][1]

        result = http.get(f"/v1/documents/{doc}").json()["result"]
        assert result["fields"]["invoice_number"]["value"] == "RE-2024-0042"
        assert result["timings"]["steps"]

        as_json = http.get(f"/v1/documents/{doc}/triples").json()
        nt = http.get(f"/v1/documents/{doc}/triples",
                      headers={"Accept": "application/n-triples"}).text
        ld = http.get(f"/v1/documents/{doc}/triples",
                      headers={"Accept": "application/ld+json"}).text
        assert len(Graph().parse(data=nt, format="nt")) == as_json["total"] > 5
        assert len(Graph().parse(data=ld, format="json-ld")) == as_json["total"]

        [account] = http.get("/v1/entities?type=BankAccount").json()["items"]
        hood = http.get(f"/v1/graph/neighbourhood/{quote(account['id'])}?depth=2").json()
        assert {n["distance"] for n in hood["nodes"]} >= {0, 1} and hood["edges"]

        metrics = httpx.get(f"{base}/metrics").text
        assert 'cosy_jobs_finished_total{status="succeeded"} 1.0' in metrics
        assert "cosy_step_duration_seconds_count" in metrics
        assert 'cosy_pages_processed_total{status="succeeded"} 1.0' in metrics

        assert http.delete(f"/v1/documents/{doc}").status_code == 204
        assert http.get(f"/v1/documents/{doc}").status_code == 404
        assert http.get(f"/v1/triples?doc={doc}").json()["total"] == 0

    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    access = [line for line in lines if line.get("logger") == "cosy.api.access"]
    assert access and all(line.get("request_id") for line in access)
    assert {"route": "/v1/documents/{doc_id}", "status": 204} in [
        {"route": a["route"], "status": a["status"]} for a in access if a["method"] == "DELETE"]

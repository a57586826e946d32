"""Jobs over HTTP: status with progress and timings, and the server-sent event stream."""

from __future__ import annotations

import json
import threading
import time

from cosy.domain import JobStatus
from cosy.jobs import blob_key
from tests.api.conftest import A, invoice_pdf, upload


def parse_sse(text: str) -> list[tuple[str, dict]]:
    events = []
    for block in text.split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines()
                      if ": " in line and not line.startswith(":"))
        if "event" in fields:
            events.append((fields["event"], json.loads(fields["data"])))
    return events


def test_job_status_before_and_after_processing(client, writer, reader, run_jobs):
    item = upload(client, writer, ("a.pdf", invoice_pdf())).json()["items"][0]
    job = client.get(f"/v1/jobs/{item['job_id']}", headers=reader).json()
    assert job["status"] == "queued" and job["document_id"] == item["document_id"]
    assert job["progress"]["stage"] == "queued" and job["progress"]["steps_done"] == 0
    assert job["timings"] is None and job["error"] is None
    run_jobs()
    done = client.get(f"/v1/jobs/{item['job_id']}", headers=reader).json()
    assert done["status"] == "succeeded" and done["attempts"] == 1
    assert done["progress"]["stage"] == "done"
    assert done["timings"]["total_s"] > 0 and "steps" not in done["timings"]


def test_failed_job_reports_its_error(client, writer, reader, store, run_jobs):
    item = upload(client, writer, ("a.pdf", invoice_pdf())).json()["items"][0]
    store.blobs.delete(blob_key(A, item["document_id"]))  # the original vanished
    run_jobs()
    job = client.get(f"/v1/jobs/{item['job_id']}", headers=reader).json()
    assert job["status"] == "failed" and job["progress"]["stage"] == "failed"
    assert job["error"]["kind"] == "missing_original" and job["error"]["step"] == "ingest"


def test_unknown_job_is_404(client, reader):
    assert client.get("/v1/jobs/nope", headers=reader).status_code == 404
    assert client.get("/v1/jobs/nope/events", headers=reader).status_code == 404


def test_events_stream_progress_until_the_job_ends(client, writer, reader, store, run_jobs):
    item = upload(client, writer, ("a.pdf", invoice_pdf())).json()["items"][0]
    job_id = item["job_id"]

    def work() -> None:
        time.sleep(0.3)  # the stream sees the queued state first
        owner = "test-dispatcher"
        store.claim_job(owner, 30.0, time.time())
        store.heartbeat(job_id, owner, 30.0, time.time(),
                        {"steps_done": 3, "steps_total": 10, "stage": "parse"})
        time.sleep(0.3)
        store.finish_job(job_id, owner, "succeeded", time.time(), timings={"total_s": 0.5})

    worker = threading.Thread(target=work)
    worker.start()
    with client.stream("GET", f"/v1/jobs/{job_id}/events", headers=reader) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        text = "".join(r.iter_text())
    worker.join()
    events = parse_sse(text)
    kinds = [kind for kind, _ in events]
    assert kinds[-1] == "end" and kinds.count("end") == 1 and "progress" in kinds
    assert events[0][1]["status"] == "queued"
    running = [data for kind, data in events if data["status"] == "running"]
    assert running and running[-1]["progress"] == {"steps_done": 3, "steps_total": 10,
                                                   "stage": "parse"}
    final = events[-1][1]
    assert final["status"] == "succeeded" and final["progress"]["steps_done"] == 10
    assert store.get_job(job_id).status == JobStatus.SUCCEEDED


def test_events_of_a_finished_job_end_at_once(client, reader, processed):
    r = client.get(f"/v1/jobs/{processed['job_id']}/events", headers=reader)
    events = parse_sse(r.text)
    assert [k for k, _ in events] == ["end"] and events[0][1]["status"] == "succeeded"


def test_events_stream_is_bounded(make_client, writer, reader):
    client = make_client(api_sse_max_s=0.3)
    item = upload(client, writer, ("a.pdf", invoice_pdf())).json()["items"][0]
    started = time.monotonic()
    r = client.get(f"/v1/jobs/{item['job_id']}/events", headers=reader)
    assert time.monotonic() - started < 5
    assert [k for k, _ in parse_sse(r.text)] == ["progress", "timeout"]

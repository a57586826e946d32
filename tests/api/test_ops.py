"""Health, readiness, metrics and the OpenAPI documents: open without a key."""

from __future__ import annotations

from cosy.api.metrics import Metrics
from tests.api.conftest import invoice_pdf, upload


def test_health_and_docs_need_no_key(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    spec = client.get("/openapi.json").json()
    assert "/v1/documents" in spec["paths"] and spec["info"]["title"] == "COSY"
    schemes = spec["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}
    assert client.get("/docs").status_code == 200


def test_readiness_checks_store_and_executor(client, store, api_settings):
    assert client.get("/readyz").json() == {"status": "ok",
                                            "checks": {"store": True, "dask": True}}

    class DeadExecutor:
        def ping(self) -> bool:
            raise ConnectionError("scheduler gone")

    client.app.state.executor = DeadExecutor()
    r = client.get("/readyz")
    assert r.status_code == 503 and r.json()["checks"] == {"store": True, "dask": False}


def test_metrics_count_requests_by_route_template_and_jobs(client, writer, reader, run_jobs):
    item = upload(client, writer, ("a.pdf", invoice_pdf())).json()["items"][0]
    client.get(f"/v1/documents/{item['document_id']}", headers=reader)
    client.get("/v1/documents/sha256:unknown", headers=reader)
    text = client.get("/metrics").text
    assert ('cosy_http_requests_total{method="GET",route="/v1/documents/{doc_id}",status="200"}'
            ' 1.0') in text
    assert 'route="/v1/documents/{doc_id}",status="404"' in text
    assert 'cosy_http_request_duration_seconds_bucket{le="0.005",method="POST",' \
           'route="/v1/documents"}' in text
    assert "sha256:" not in text  # raw paths never become labels
    assert 'cosy_jobs{status="queued"} 1.0' in text and "cosy_queue_depth 1.0" in text
    run_jobs()
    text = client.get("/metrics").text
    assert 'cosy_jobs{status="succeeded"} 1.0' in text and "cosy_queue_depth 0.0" in text


def test_finished_jobs_feed_step_model_and_page_metrics(client, writer, run_jobs):
    metrics: Metrics = client.app.state.metrics
    metrics.step_models = {"graph.triples": "demo-model"}
    upload(client, writer, ("a.pdf", invoice_pdf()))
    [(job, timings)] = run_jobs()
    metrics.observe_job(job, timings)  # what `cosy serve` wires as Dispatcher(on_finished=...)
    assert str(job.status) == "succeeded" and timings["steps"]
    text = client.get("/metrics").text
    assert 'cosy_jobs_finished_total{status="succeeded"} 1.0' in text
    assert 'cosy_pages_processed_total{status="succeeded"} 1.0' in text
    assert "cosy_page_duration_seconds_count 1.0" in text
    assert 'cosy_step_duration_seconds_count{step="graph.triples"} 1.0' in text
    assert 'cosy_model_duration_seconds_count{model="demo-model"} 1.0' in text
    assert "cosy_job_duration_seconds_count 1.0" in text
    assert "cosy_pages_over_budget_total 0.0" in text  # a one-page invoice: far under 10 s
    metrics.observe_job(job, {**timings, "over_budget": [{"page": 1, "seconds": 12.0}]})
    assert "cosy_pages_over_budget_total 1.0" in client.get("/metrics").text

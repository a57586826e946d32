"""The API under hostile input: bounded metrics, clean file names, page images rendered in a
limited process, partial results in the job and document views."""

from __future__ import annotations

import psutil

from cosy.corpus import hostile
from tests.api.conftest import upload


def test_made_up_methods_share_one_metrics_label(client):
    before = client.get("/metrics").text.count("cosy_http_requests_total{")
    for i in range(25):
        client.request(f"BREW{i}", "/v1/documents")
        client.request(f"X{i}", f"/made/up/{i}")
    text = client.get("/metrics").text
    assert "BREW" not in text and 'method="X' not in text
    assert 'method="other",route="unmatched"' in text
    assert text.count("cosy_http_requests_total{") - before <= 4  # other+unmatched, /metrics


def test_file_names_are_cleaned_and_the_original_kept_escaped(client, writer, reader):
    r = upload(client, writer, ("rechnung\u202efdp.exe", hostile.readable()))
    assert r.status_code == 202, r.text
    item = r.json()["items"][0]
    assert item["file_name"] == "rechnungfdp.exe"
    doc = client.get(f"/v1/documents/{item['document_id']}", headers=reader).json()
    assert doc["file_name"] == "rechnungfdp.exe"
    assert doc["file_name_original"] == "rechnung\\u202efdp.exe"
    job = client.get(item["links"]["job"], headers=reader).json()
    assert job["file_name"] == "rechnungfdp.exe"


def test_a_hostile_page_image_is_refused_by_the_renderer_not_the_api(client, writer, reader):
    """Page 2 inflates past the default stream budget: the check in the renderer process
    refuses it with the reason, and the API process itself does not grow."""
    data = hostile.document([hostile.text_page(), (hostile.A4, hostile.inflating(80 << 20),
                                                   b"<< >>")])
    item = upload(client, writer, ("bomb.pdf", data)).json()["items"][0]
    base = f"/v1/documents/{item['document_id']}/pages"
    assert client.get(f"{base}/1.png", headers=reader).status_code == 200  # renderer warm
    rss = psutil.Process().memory_info().rss
    r = client.get(f"{base}/2.png", headers=reader)
    assert r.status_code == 422
    assert r.json()["error"] == {**r.json()["error"], "code": "page_not_renderable",
                                 "kind": "stream_too_large",
                                 "message": "page 2: a stream inflates past 64 MB"}
    assert psutil.Process().memory_info().rss - rss < 32 << 20


def test_a_page_image_over_the_pixel_budget_is_refused(make_client, writer, reader):
    client = make_client(max_render_mp=1)
    item = upload(client, writer, ("a.pdf", hostile.readable())).json()["items"][0]
    r = client.get(f"/v1/documents/{item['document_id']}/pages/1.png?scale=2", headers=reader)
    assert r.status_code == 422 and r.json()["error"]["kind"] == "page_too_large"
    assert "scale 2 would be 2.0 megapixels, over the budget of 1.0" in r.json()["error"]["message"]


def test_a_partial_result_is_named_in_the_job_and_the_document(make_client, writer, reader,
                                                               store, api_settings):
    from cosy.engine.dispatcher import Dispatcher
    from cosy.engine.executor import SyncExecutor
    from cosy.engine.profiles import load_pipeline

    settings = api_settings.model_copy(update={"max_stream_mb": 1})
    client = make_client(max_stream_mb=1)
    data = hostile.document([hostile.text_page(), (hostile.A4, hostile.inflating(2 << 20),
                                                   b"<< >>")])
    item = upload(client, writer, ("partial.pdf", data)).json()["items"][0]
    Dispatcher(store, SyncExecutor(settings), load_pipeline(), settings).drain(60)
    job = client.get(item["links"]["job"], headers=reader).json()
    skipped = [{"page": 2, "kind": "stream_too_large",
                "reason": "page 2: a stream inflates past 1 MB"}]
    assert job["status"] == "succeeded" and job["partial"] is True
    assert job["skipped_pages"] == skipped and job["worker_deaths"] == 0
    doc = client.get(item["links"]["document"], headers=reader).json()
    assert doc["skipped_pages"] == skipped == doc["result"]["document"]["skipped_pages"]

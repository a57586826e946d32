"""The /app page over HTTP (no browser): login, CSRF, roles, tenants, review, demo reset.

tests/browser drives the same page in Chromium; these check the server's answers directly, on
the API tests' app and store (tests/api/conftest.py).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cosy import cli
from cosy.api.web.demo import ensure_demo
from cosy.api.web.session import COOKIE
from cosy.config import Settings
from cosy.jobs import submit_document
from cosy.store import Store
from tests.api.conftest import A, B, Headers, invoice_pdf


def raw(headers: Headers) -> str:
    return headers["Authorization"].removeprefix("Bearer ")


def logged_in(make_client: Callable[..., TestClient], headers: Headers,
              **settings: Any) -> tuple[TestClient, str]:
    """A client with the key's cookie, and the CSRF token its pages carry."""
    client = make_client(**settings)
    r = client.post("/app/login", data={"key": raw(headers)}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/app/documents"
    page = client.get("/app/documents")
    token = re.search(r'name="csrf-token" content="([0-9a-f]{64})"', page.text)
    assert token, page.text[:500]
    return client, token.group(1)


def test_root_leads_to_the_page_and_pages_need_a_key(client: TestClient) -> None:
    r = client.get("/", follow_redirects=False)
    assert r.status_code == 307 and r.headers["location"] == "/app"
    for path in ("/app/documents", "/app/review", "/app/graph"):
        r = client.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/app/login", path
    login = client.get("/app/login")
    assert login.status_code == 200 and 'for="key"' in login.text
    assert "script-src 'self'" in login.headers["content-security-policy"]
    assert client.get("/app/static/app.js").status_code == 200  # served here, no CDN
    assert "http" not in re.sub(r'href="/[^"]*"', "", login.text.split("<body>")[0])


def test_login_keeps_the_key_in_an_httponly_strict_cookie(client: TestClient,
                                                          writer: Headers) -> None:
    bad = client.post("/app/login", data={"key": "cosy_nope"}, follow_redirects=False)
    assert bad.status_code == 401 and "unknown or revoked" in bad.text
    good = client.post("/app/login", data={"key": raw(writer)}, follow_redirects=False)
    cookie = good.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=") and "HttpOnly" in cookie
    assert "SameSite=strict" in cookie and "Path=/app" in cookie
    assert "acme · writer" in client.get("/app/documents").text


def test_state_changes_need_the_csrf_token(make_client: Callable[..., TestClient],
                                           writer: Headers) -> None:
    client, token = logged_in(make_client, writer)
    body = {"doc": "sha256:x", "key": "invoice_number", "value": "1"}
    for headers in ({}, {"X-CSRF-Token": "0" * 64}):
        r = client.post("/app/review", json=body, headers=headers)
        assert r.status_code == 403 and r.json()["error"]["code"] == "csrf"
    assert client.post("/app/logout", follow_redirects=False).status_code == 403
    r = client.post("/app/logout", data={"csrf": token}, follow_redirects=False)
    assert r.status_code == 303 and 'cosy_key=""' in r.headers["set-cookie"]


def test_document_view_boxes_and_page_image(make_client: Callable[..., TestClient],
                                            writer: Headers, processed: dict[str, Any],
                                            store: Store) -> None:
    client, _ = logged_in(make_client, writer)
    doc = store.get_document(A, processed["document_id"])
    assert doc is not None
    page = client.get(f"/app/documents/{processed['document_id']}")
    assert page.status_code == 200
    boxed = [n for n, f in doc["result"]["fields"].items() if f.get("bbox")]
    assert boxed and all(f'data-key="{n}"' in page.text for n in boxed)
    image = client.get(f"/app/documents/{processed['document_id']}/pages/1.png")
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
    assert "invoice.pdf" in client.get("/app/documents").text


def test_a_correction_replaces_the_value_in_result_graph_and_log(
        make_client: Callable[..., TestClient], writer: Headers, processed: dict[str, Any],
        store: Store, client: TestClient, settings_env: Callable[[], None],
        capsys: pytest.CaptureFixture[str]) -> None:
    web, token = logged_in(make_client, writer)
    doc_id = processed["document_id"]
    old = store.get_document(A, doc_id)["result"]["fields"]["invoice_number"]  # type: ignore
    assert old["value"] == "RE-2024-0042"

    def review(**body: Any) -> Any:
        return web.post("/app/review", json={"doc": doc_id, **body},
                        headers={"X-CSRF-Token": token})

    r = review(key="invoice_number", value="  RE-2024-0043 ")
    assert r.status_code == 200, r.text
    assert r.json()["action"] == "correct" and r.json()["new_value"] == "RE-2024-0043"
    triples = client.get(f"/v1/documents/{doc_id}/triples", headers=writer).json()["items"]
    now = [t for t in triples if t["o"] == "RE-2024-0043"]
    assert now and all(t["step"] == "review" and t["source"] == "reviewed"
                       and t["confidence"] == 1.0 for t in now)
    assert not [t for t in triples if t["o"] == "RE-2024-0042" and t["o_kind"] == "literal"]
    field = client.get(f"/v1/documents/{doc_id}", headers=writer).json()["result"]["fields"][
        "invoice_number"]
    assert field["value"] == "RE-2024-0043" and field["source"] == "reviewed"
    assert field["reviews"][0]["old_value"] == "RE-2024-0042"
    [correction] = store.list_corrections(A)
    assert correction["by"].startswith("key_") and correction["superseded"]
    assert "RE-2024-0042" in correction["context"]  # the page text around the value
    # bad values are refused with the reason; unknown values are 404
    assert review(key="issue_date", value="31.02.2024").status_code == 422
    assert "YYYY-MM-DD" in review(key="issue_date", value="soon").json()["error"]["message"]
    assert review(key="nope", value="1").status_code == 404
    # accepting keeps the value and marks it reviewed
    accepted = review(key="total_gross")
    assert accepted.status_code == 200 and accepted.json()["action"] == "accept"

    settings_env()
    assert cli.main(["corrections", "export", "--tenant", A]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [e["field"] for e in lines] == ["invoice_number", "total_gross"]
    first = lines[0]
    assert first["document_id"] == doc_id and first["old_value"] == "RE-2024-0042"
    assert first["new_value"] == "RE-2024-0043" and first["page"] == 1 and first["bbox"]
    assert first["context"] and first["tenant"] == A


@pytest.fixture
def settings_env(monkeypatch: pytest.MonkeyPatch,
                 api_settings: Settings) -> Callable[[], None]:
    """Point the CLI at the tests' store."""

    def apply() -> None:
        monkeypatch.setenv("COSY_STORE", api_settings.store)
        cli.get_settings.cache_clear()

    yield apply
    cli.get_settings.cache_clear()


def test_a_reader_cannot_correct_and_another_tenant_cannot_reach(
        make_client: Callable[..., TestClient], reader: Headers, other: Headers,
        processed: dict[str, Any]) -> None:
    doc_id = processed["document_id"]
    web, token = logged_in(make_client, reader)
    r = web.post("/app/review", json={"doc": doc_id, "key": "invoice_number", "value": "X"},
                 headers={"X-CSRF-Token": token})
    assert r.status_code == 403 and "needs the writer role" in r.json()["error"]["message"]
    assert "reader key" in web.get("/app/review").text
    assert 'id="dropzone"' not in web.get("/app/documents").text
    up = web.post("/app/upload", files=[("files", ("a.pdf", invoice_pdf("R-9"),
                                                   "application/pdf"))],
                  headers={"X-CSRF-Token": token})
    assert up.status_code == 403

    foreign, token_b = logged_in(make_client, other)
    assert "invoice.pdf" not in foreign.get("/app/documents").text
    assert foreign.get(f"/app/documents/{doc_id}").status_code == 404
    assert foreign.get(f"/app/documents/{doc_id}/pages/1.png").status_code == 404
    r = foreign.post("/app/review", json={"doc": doc_id, "key": "invoice_number", "value": "X"},
                     headers={"X-CSRF-Token": token_b})
    assert r.status_code == 404
    assert "RE-2024-0042" not in foreign.get("/app/review").text


def test_upload_from_the_page_streams_the_job(make_client: Callable[..., TestClient],
                                              writer: Headers,
                                              run_jobs: Callable[[], list[Any]]) -> None:
    web, token = logged_in(make_client, writer)
    r = web.post("/app/upload", files=[("files", ("b.pdf", invoice_pdf("R-7"),
                                                  "application/pdf"))],
                 headers={"X-CSRF-Token": token})
    assert r.status_code == 202, r.text
    job_id = r.json()["items"][0]["job_id"]
    run_jobs()
    events = web.get(f"/app/jobs/{job_id}/events").text
    assert "event: end" in events and '"status":"succeeded"' in events


def test_review_queue_puts_marked_values_first(make_client: Callable[..., TestClient],
                                              writer: Headers, processed: dict[str, Any],
                                              store: Store) -> None:
    doc = store.get_document(A, processed["document_id"])
    assert doc is not None
    result = doc["result"]
    sure = max(result["fields"], key=lambda n: result["fields"][n]["confidence"])
    result["fields"][sure]["needs_review"] = True  # as the calibrated extraction marks it
    store.update_document(A, doc["id"], {"result": result})
    web, _ = logged_in(make_client, writer, review_threshold=0.99)
    keys = re.findall(r'<li class="item" tabindex="-1" data-doc="[^"]+" data-key="([^"]+)"',
                      web.get("/app/review").text)
    assert keys[0] == sure
    confidences = [result["fields"][k.split(".")[0]]["confidence"] for k in keys[1:]]
    assert confidences == sorted(confidences) and all(c < 0.99 for c in confidences)


def test_demo_tenant_key_samples_and_reset(store: Store, api_settings: Settings,
                                           make_client: Callable[..., TestClient],
                                           run_jobs: Callable[[], list[Any]],
                                           writer: Headers, other: Headers) -> None:
    demo = {"demo_tenant": A, "demo_key": "cosy_the-demo-key", "demo_samples": 1}
    settings = api_settings.model_copy(update=demo)
    assert ensure_demo(store, settings) == 1
    assert ensure_demo(store, settings) == 0  # the key exists, the tenant is not empty
    assert [k["role"] for k in store.list_api_keys(A) if k["name"] == "demo"] == ["admin"]
    with pytest.raises(ValueError, match="not of the demo tenant"):
        ensure_demo(store, settings.model_copy(update={"demo_tenant": B}))

    admin, token = logged_in(make_client, {"Authorization": "Bearer cosy_the-demo-key"}, **demo)
    assert 'id="reset-demo"' in admin.get("/app/documents").text
    busy = admin.post("/app/demo/reset", headers={"X-CSRF-Token": token})
    assert busy.status_code == 409 and "still being processed" in busy.text
    extra = submit_document(store, invoice_pdf("R-5"), "extra.pdf", A, settings)
    run_jobs()
    done = admin.post("/app/demo/reset", headers={"X-CSRF-Token": token})
    assert done.status_code == 200 and done.json() == {"deleted": 2, "queued": 1}
    assert not store.blobs.exists(extra.document["blob"])
    assert [d["file_name"] for d in store.list_documents(A)] != ["extra.pdf"]
    assert store.count_documents(A) == 1 and store.find_triples(A) == []  # not yet processed
    assert any(e["event"] == "demo.reset" for e in store.list_audit(A))

    writer_web, wtoken = logged_in(make_client, writer, **demo)
    r = writer_web.post("/app/demo/reset", headers={"X-CSRF-Token": wtoken})
    assert r.status_code == 403 and "needs the admin role" in r.json()["error"]["message"]
    foreign, btoken = logged_in(make_client, other, **demo)  # an admin of another tenant
    r = foreign.post("/app/demo/reset", headers={"X-CSRF-Token": btoken})
    assert r.status_code == 403 and "only the demo tenant" in r.json()["error"]["message"]
    nodemo, ntoken = logged_in(make_client, other)
    r = nodemo.post("/app/demo/reset", headers={"X-CSRF-Token": ntoken})
    assert r.status_code == 404


def test_graph_page_searches_and_draws_a_neighbourhood(make_client: Callable[..., TestClient],
                                                      writer: Headers,
                                                      processed: dict[str, Any],
                                                      store: Store) -> None:
    web, _ = logged_in(make_client, writer)
    org = store.find_entities(A, type="Organization", limit=1)[0]
    found = web.get("/app/graph", params={"q": org["label"][:5]}).text
    assert f'href="/app/graph?entity={org["id"].replace(":", "%3A")}"' in found
    page = web.get("/app/graph", params={"entity": org["id"]}).text
    assert page.count("<circle") >= 2 and 'class="node' in page
    assert web.get("/app/graph", params={"entity": "urn:cosy:nope"}).status_code == 404


def test_upload_json_errors_reach_the_page(make_client: Callable[..., TestClient],
                                          writer: Headers) -> None:
    web, token = logged_in(make_client, writer)
    r = web.post("/app/upload", files=[("files", ("n.pdf", b"hello", "application/pdf"))],
                 headers={"X-CSRF-Token": token})
    assert r.status_code == 415 and "not a PDF" in r.json()["error"]["message"]


def test_pages_answer_in_html_for_missing_documents(make_client: Callable[..., TestClient],
                                                   writer: Headers) -> None:
    web, _ = logged_in(make_client, writer)
    r = web.get("/app/documents/sha256:missing")
    assert r.status_code == 404 and "text/html" in r.headers["content-type"]


def test_serve_prints_where_the_page_is(api_settings: Settings) -> None:
    from cosy.service import demo_line

    line = demo_line(api_settings, "127.0.0.1", 8000)
    assert "http://127.0.0.1:8000/app" in line and "cosy keys create --tenant default" in line
    demo = api_settings.model_copy(update={"demo_tenant": "demo", "demo_key": "k"})
    assert "tenant demo: log in with COSY_DEMO_KEY, 6 sample" in demo_line(demo, "h", 1, 6)

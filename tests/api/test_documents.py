"""Documents over HTTP: upload (with every refusal), listing, results, originals, pages, delete."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image
from rdflib import Graph, Literal, URIRef

from cosy.jobs import blob_key
from tests.api.conftest import A, invoice_pdf, upload
from tests.conftest import make_pdf


def error(r) -> dict:
    body = r.json()
    assert set(body) == {"error"} and {"code", "message"} <= set(body["error"])
    return body["error"]


# --- upload --------------------------------------------------------------------------------------


def test_upload_returns_202_with_document_and_job_then_200_for_the_same_content(client, writer):
    data = invoice_pdf()
    r = upload(client, writer, ("a.pdf", data))
    assert r.status_code == 202
    [item] = r.json()["items"]
    assert item["document_id"].startswith("sha256:") and item["created"] is True
    assert item["status"] == "queued" and r.headers["location"] == f"/v1/jobs/{item['job_id']}"
    again = upload(client, writer, ("renamed.pdf", data))
    assert again.status_code == 200
    [same] = again.json()["items"]
    assert same["document_id"] == item["document_id"] and same["job_id"] == item["job_id"]
    assert same["created"] is False


def test_upload_several_files_in_one_request(client, writer):
    r = upload(client, writer, ("a.pdf", invoice_pdf("A-1")), ("b.pdf", invoice_pdf("B-2")))
    assert r.status_code == 202
    items = r.json()["items"]
    assert [i["file_name"] for i in items] == ["a.pdf", "b.pdf"]
    assert len({i["document_id"] for i in items}) == 2
    listed = client.get("/v1/documents", headers=writer).json()
    assert listed["total"] == 2


def test_idempotency_key_replays_the_first_answer(client, writer, store):
    headers = {**writer, "Idempotency-Key": "upload-42"}
    first = upload(client, headers, ("a.pdf", invoice_pdf()))
    assert first.status_code == 202
    replay = upload(client, headers, ("a.pdf", invoice_pdf()))
    assert replay.status_code == 202  # the stored answer, not the 200 of a duplicate upload
    assert replay.json() == first.json() and replay.headers["idempotent-replayed"] == "true"
    assert store.get_idempotency(A, "upload-42")["status"] == 202
    other_body = upload(client, headers, ("b.pdf", invoice_pdf("X-9")))
    assert other_body.status_code == 422
    assert error(other_body)["code"] == "idempotency_key_reused"
    assert client.get("/v1/documents", headers=writer).json()["total"] == 1


@pytest.mark.parametrize(("name", "data", "status", "code"), [
    ("notes.pdf", b"just some text, named like a PDF", 415, "unsupported_media_type"),
    ("image.pdf", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, 415, "unsupported_media_type"),
    ("locked.pdf", make_pdf([["secret"]], encrypt="pw"), 422, "encrypted"),
    ("broken.pdf", b"%PDF-1.4\n garbage without objects", 422, "corrupt"),
    ("empty.pdf", b"", 422, "empty"),
])
def test_bad_files_are_refused_with_a_reason(client, writer, store, name, data, status, code):
    r = upload(client, writer, ("good.pdf", invoice_pdf()), (name, data))
    assert r.status_code == status, r.text
    err = error(r)
    assert err["code"] == code and err["file"] == name and name in err["message"]
    assert store.count_documents(A) == 0  # all or nothing: the good file is not stored either


def test_file_over_the_size_limit_is_413_while_streaming(make_client, writer, store):
    client = make_client(max_file_mb=0.01)  # 10 KB
    r = upload(client, writer, ("big.pdf", b"%PDF-1.4\n" + b"x" * 20_000))
    assert r.status_code == 413
    assert error(r)["code"] == "too_large" and error(r)["file"] == "big.pdf"
    assert store.count_documents(A) == 0


def test_too_many_pages_is_413(make_client, writer):
    client = make_client(max_pages=2)
    r = upload(client, writer, ("long.pdf", make_pdf([["p1"], ["p2"], ["p3"]])))
    assert r.status_code == 413 and error(r)["code"] == "too_many_pages"


def test_too_many_files_is_413(make_client, writer, store):
    client = make_client(api_max_files=2)
    files = [(f"{i}.pdf", invoice_pdf(f"N-{i}")) for i in range(3)]
    r = upload(client, writer, *files)
    assert r.status_code == 413 and error(r)["code"] == "too_many_files"
    assert store.count_documents(A) == 0


def test_content_length_over_any_possible_upload_is_refused_before_reading(make_client, writer):
    client = make_client(max_file_mb=0.01, api_max_files=1)
    r = client.post("/v1/documents", headers={
        **writer, "Content-Type": "multipart/form-data; boundary=x",
        "Content-Length": str(10**9)}, content=b"--x--\r\n")
    assert r.status_code == 413 and error(r)["code"] == "too_large"


def test_upload_needs_multipart_and_at_least_one_file(client, writer):
    r = client.post("/v1/documents", headers=writer, json={"files": []})
    assert r.status_code == 415 and error(r)["code"] == "unsupported_media_type"
    r = client.post("/v1/documents", headers=writer, data={"other": "x"},
                    files=[("notfiles", ("a.pdf", b"%PDF-", "application/pdf"))])
    assert r.status_code == 422 and error(r)["code"] == "no_files"
    r = client.post("/v1/documents", headers={**writer, "Content-Type":
                                             "multipart/form-data; boundary=zz"},
                    content=b"--zz\r\nContent-Disposition: form-data; name=\"files\"\r\n\r\nabc")
    assert r.status_code == 400 and error(r)["code"] == "bad_request"


# --- read ----------------------------------------------------------------------------------------


def test_list_documents_is_paged_newest_first(client, writer):
    for i in range(3):
        upload(client, writer, (f"{i}.pdf", invoice_pdf(f"P-{i}")))
    page = client.get("/v1/documents?limit=2", headers=writer).json()
    assert page["total"] == 3 and page["limit"] == 2 and len(page["items"]) == 2
    assert [d["file_name"] for d in page["items"]] == ["2.pdf", "1.pdf"]
    rest = client.get("/v1/documents?limit=2&offset=2", headers=writer).json()
    assert [d["file_name"] for d in rest["items"]] == ["0.pdf"]
    assert "blob" not in page["items"][0] and "result" not in page["items"][0]
    assert client.get("/v1/documents?limit=0", headers=writer).status_code == 422
    assert error(client.get("/v1/documents?offset=-1", headers=writer))["code"] == (
        "invalid_request")


def test_document_metadata_and_result(client, reader, processed):
    r = client.get(f"/v1/documents/{processed['document_id']}", headers=reader)
    assert r.status_code == 200
    doc = r.json()
    assert doc["status"] == "succeeded" and doc["pages"] == 1 and doc["file_name"] == "invoice.pdf"
    result = doc["result"]
    assert result["document"]["id"] == processed["document_id"]
    assert result["fields"]["invoice_number"]["value"] == "RE-2024-0042"
    assert result["fields"]["total_gross"]["value"] == "119.00"
    assert {"entities", "triples", "timings", "line_items"} <= set(result)
    assert "blob" not in doc and "tenant" not in doc


def test_unknown_document_is_404_with_json(client, reader):
    r = client.get("/v1/documents/sha256:nothing", headers=reader)
    assert r.status_code == 404 and error(r)["code"] == "not_found"
    assert error(r)["request_id"] == r.headers["x-request-id"]


def test_download_the_original(client, reader, writer):
    data = invoice_pdf()
    item = upload(client, writer, ("Rechnung März.pdf", data)).json()["items"][0]
    r = client.get(f"/v1/documents/{item['document_id']}/file", headers=reader)
    assert r.status_code == 200 and r.content == data
    assert r.headers["content-type"] == "application/pdf"
    assert "filename*=UTF-8''Rechnung%20M%C3%A4rz.pdf" in r.headers["content-disposition"]


def test_page_image(client, reader, writer):
    item = upload(client, writer, ("two.pdf", make_pdf([["one"], ["two"]]))).json()["items"][0]
    base = f"/v1/documents/{item['document_id']}/pages"
    r = client.get(f"{base}/2.png", headers=reader)
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    small = Image.open(io.BytesIO(r.content))
    lo, hi = small.convert("L").getextrema()
    assert lo < 128 and hi == 255  # dark text on white, not a blank page
    big = Image.open(io.BytesIO(client.get(f"{base}/1.png?scale=2", headers=reader).content))
    assert big.size[0] == pytest.approx(2 * small.size[0], abs=2)
    assert client.get(f"{base}/3.png", headers=reader).status_code == 404
    assert client.get(f"{base}/0.png", headers=reader).status_code == 422
    assert client.get(f"{base}/1.png?scale=5", headers=reader).status_code == 422  # over 4.0
    assert client.get(f"{base}/1.png?scale=9", headers=reader).status_code == 422
    assert client.get(f"{base}/1.png?scale=0", headers=reader).status_code == 422


# --- triples -------------------------------------------------------------------------------------


def test_document_triples_in_three_formats(client, reader, processed):
    url = f"/v1/documents/{processed['document_id']}/triples"
    as_json = client.get(url, headers=reader)
    assert as_json.status_code == 200 and as_json.headers["content-type"] == "application/json"
    body = as_json.json()
    assert body["total"] == len(body["items"]) > 5
    total = next(t for t in body["items"] if t["p"] == "https://schema.org/totalPaymentDue")
    assert total["o"] == "119.00" and total["datatype"].endswith("#decimal")
    assert total["doc"] == processed["document_id"] and total["step"] and total["confidence"] > 0

    nt = client.get(url, headers={**reader, "Accept": "application/n-triples"})
    assert nt.status_code == 200 and nt.headers["content-type"].startswith(
        "application/n-triples")
    graph = Graph().parse(data=nt.text, format="nt")
    assert len(graph) == body["total"]
    doc_iri = URIRef(total["s"])
    assert (doc_iri, URIRef("https://schema.org/totalPaymentDue"),
            Literal("119.00", datatype=URIRef(total["datatype"]))) in graph
    assert any(str(o).startswith("urn:cosy:") for o in graph.objects(doc_iri, None)
               if isinstance(o, URIRef))

    ld = client.get(url, headers={**reader, "Accept": "application/ld+json"})
    assert ld.status_code == 200 and ld.headers["content-type"].startswith("application/ld+json")
    assert "@context" in json.loads(ld.text)
    assert len(Graph().parse(data=ld.text, format="json-ld")) == len(graph)

    q = client.get(url, headers={**reader, "Accept": "text/html;q=1, application/ld+json;q=0.5"})
    assert q.headers["content-type"].startswith("application/ld+json")
    bad = client.get(url, headers={**reader, "Accept": "text/html"})
    assert bad.status_code == 406 and error(bad)["code"] == "not_acceptable"
    paged = client.get(url + "?limit=2&offset=1", headers=reader).json()
    assert paged["items"] == body["items"][1:3]


# --- delete --------------------------------------------------------------------------------------


def test_delete_removes_document_blob_and_its_triples(client, writer, reader, store, processed,
                                                      run_jobs):
    other = upload(client, writer, ("b.pdf", invoice_pdf("B-7"))).json()["items"][0]
    run_jobs()
    doc_id = processed["document_id"]
    kept = store.count_triples(A, doc=other["document_id"])
    assert store.count_triples(A, doc=doc_id) > 0
    assert client.delete(f"/v1/documents/{doc_id}", headers=reader).status_code == 403
    r = client.delete(f"/v1/documents/{doc_id}", headers=writer)
    assert r.status_code == 204 and r.content == b""
    assert client.get(f"/v1/documents/{doc_id}", headers=reader).status_code == 404
    assert client.get(f"/v1/documents/{doc_id}/file", headers=reader).status_code == 404
    assert not store.blobs.exists(blob_key(A, doc_id))
    assert store.count_triples(A, doc=doc_id) == 0
    assert store.count_triples(A, doc=other["document_id"]) == kept > 0  # shared entities stay
    assert client.delete(f"/v1/documents/{doc_id}", headers=writer).status_code == 404
    assert store.list_audit(A, limit=1)[0]["event"] == "document.deleted"


def test_delete_while_the_job_is_queued_is_409(client, writer):
    item = upload(client, writer, ("a.pdf", invoice_pdf())).json()["items"][0]
    r = client.delete(f"/v1/documents/{item['document_id']}", headers=writer)
    assert r.status_code == 409 and error(r)["code"] == "job_in_progress"

"""Tenant isolation: tenant B's key sees, finds, downloads and deletes nothing of tenant A.

Every endpoint that takes an id answers 404 (not 403) for another tenant's resource, so that a
caller cannot even learn that it exists; every list and query comes back empty.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest

from cosy.kg import vocab
from cosy.store import open_store
from tests.api.conftest import A, B, invoice_pdf, key_headers, upload


@pytest.fixture
def a_world(client, writer, reader, processed):
    """Tenant A's ids: a processed document, its job, and an entity of each kind."""
    entities = client.get("/v1/entities", headers=reader).json()["items"]
    assert {e["type"] for e in entities} == {"Document", "BankAccount", "Organization", "TaxID",
                                             "Invoice", "TaxSubtotal"}
    return {"doc": processed["document_id"], "job": processed["job_id"],
            "entities": [e["id"] for e in entities]}


def id_urls(world) -> list[str]:
    doc = quote(world["doc"])
    urls = [f"/v1/documents/{doc}", f"/v1/documents/{doc}/file",
            f"/v1/documents/{doc}/pages/1.png", f"/v1/documents/{doc}/triples",
            f"/v1/jobs/{world['job']}", f"/v1/jobs/{world['job']}/events"]
    for entity in world["entities"]:
        urls += [f"/v1/entities/{quote(entity)}", f"/v1/graph/neighbourhood/{quote(entity)}"]
    return urls


def test_other_tenant_gets_404_for_every_id(client, reader, other, a_world):
    for url in id_urls(a_world):
        assert client.get(url, headers=reader).status_code == 200, url  # A sees it
        r = client.get(url, headers=other)
        assert r.status_code == 404, url
        assert r.json()["error"]["code"] == "not_found"
    for accept in ("application/n-triples", "application/ld+json"):
        r = client.get(f"/v1/documents/{quote(a_world['doc'])}/triples",
                       headers={**other, "Accept": accept})
        assert r.status_code == 404


def test_other_tenant_lists_and_queries_nothing(client, other, a_world):
    assert client.get("/v1/documents", headers=other).json() == {
        "items": [], "limit": 50, "offset": 0, "total": 0}
    assert client.get("/v1/entities", headers=other).json()["items"] == []
    assert client.get("/v1/entities?type=BankAccount", headers=other).json()["items"] == []
    assert client.get("/v1/triples", headers=other).json()["items"] == []
    for entity in a_world["entities"]:
        for param in ("s", "o"):
            r = client.get(f"/v1/triples?{param}={quote(entity)}", headers=other)
            assert r.json()["items"] == []
    r = client.get(f"/v1/triples?doc={quote(a_world['doc'])}", headers=other)
    assert r.json()["items"] == [] and r.json()["total"] == 0
    r = client.get(f"/v1/triples?p={quote(vocab.RDF_TYPE)}", headers=other)
    assert r.json()["items"] == []


def test_other_tenant_cannot_delete(client, reader, other, store, a_world):
    r = client.delete(f"/v1/documents/{quote(a_world['doc'])}", headers=other)
    assert r.status_code == 404
    assert client.get(f"/v1/documents/{quote(a_world['doc'])}", headers=reader).status_code == 200
    assert store.count_triples(A, doc=a_world["doc"]) > 0


def test_same_content_in_two_tenants_is_two_documents(client, writer, other, store, a_world):
    data = invoice_pdf()  # the bytes tenant A uploaded: the same content-addressed id
    r = upload(client, other, ("mine.pdf", data))
    assert r.status_code == 202  # new for B, not "already there" (which would leak A's upload)
    item = r.json()["items"][0]
    assert item["document_id"] == a_world["doc"] and item["job_id"] != a_world["job"]
    assert client.get(f"/v1/documents/{quote(item['document_id'])}",
                      headers=other).json()["file_name"] == "mine.pdf"
    assert client.delete(f"/v1/documents/{quote(item['document_id'])}",
                         headers=other).status_code == 409  # B's job is queued
    assert store.get_document(A, a_world["doc"])["file_name"] == "invoice.pdf"


def test_idempotency_keys_are_per_tenant(client, writer, other):
    first = upload(client, {**writer, "Idempotency-Key": "k1"}, ("a.pdf", invoice_pdf("I-1")))
    second = upload(client, {**other, "Idempotency-Key": "k1"}, ("b.pdf", invoice_pdf("I-2")))
    assert first.status_code == second.status_code == 202
    assert first.json() != second.json()


def test_isolation_holds_on_the_mongo_backend(api_settings):
    from fastapi.testclient import TestClient

    from cosy.api.app import create_app

    store = open_store("mongomock://")
    a, b = key_headers(store, A, "writer"), key_headers(store, B, "writer")
    with TestClient(create_app(api_settings, store)) as client:
        item = upload(client, a, ("a.pdf", invoice_pdf())).json()["items"][0]
        doc = quote(item["document_id"])
        assert client.get(f"/v1/documents/{doc}", headers=a).status_code == 200
        assert client.get(f"/v1/documents/{doc}/file", headers=a).content == invoice_pdf()
        for url in (f"/v1/documents/{doc}", f"/v1/documents/{doc}/file",
                    f"/v1/jobs/{item['job_id']}"):
            assert client.get(url, headers=b).status_code == 404
        assert client.get("/v1/documents", headers=b).json()["total"] == 0
        assert client.delete(f"/v1/documents/{doc}", headers=b).status_code == 404

"""Entities, neighbourhoods and triple pattern queries over HTTP."""

from __future__ import annotations

from urllib.parse import quote

from cosy.domain import Triple
from cosy.kg import vocab
from tests.api.conftest import A, invoice_pdf, upload


def entity_of(client, headers, type_: str) -> dict:
    [found] = client.get(f"/v1/entities?type={type_}", headers=headers).json()["items"]
    return found


def test_entities_by_type_and_query(client, reader, processed):
    items = client.get("/v1/entities", headers=reader).json()["items"]
    assert {e["type"] for e in items} == {"Document", "BankAccount", "Organization", "TaxID",
                                          "Invoice", "TaxSubtotal"}
    account = entity_of(client, reader, "BankAccount")
    assert account["label"] == "DE89370400440532013000"
    assert account["docs"] == [processed["document_id"]]
    found = client.get("/v1/entities?q=de89370400440532013000", headers=reader).json()
    assert [e["id"] for e in found["items"]] == [account["id"]]
    assert client.get("/v1/entities?type=Nothing", headers=reader).json()["items"] == []
    page = client.get("/v1/entities?limit=1&offset=1", headers=reader).json()
    assert page["items"] == [items[1]]


def test_entity_detail_has_triples_and_documents(client, reader, processed):
    account = entity_of(client, reader, "BankAccount")
    r = client.get(f"/v1/entities/{quote(account['id'])}", headers=reader)
    assert r.status_code == 200
    body = r.json()
    assert body["id"] == account["id"] and body["type"] == "BankAccount"
    assert body["documents"] == [{"id": processed["document_id"], "file_name": "invoice.pdf"}]
    predicates = {(t["s"] == account["id"], t["p"]) for t in body["triples"]}
    assert (True, vocab.IBAN) in predicates  # as subject
    assert (False, vocab.PAYEE_ACCOUNT) in predicates  # as object
    assert client.get("/v1/entities/urn:cosy:nothing", headers=reader).status_code == 404


def test_neighbourhood_by_depth(client, reader, store, processed):
    doc = entity_of(client, reader, "Document")
    account = entity_of(client, reader, "BankAccount")
    org = entity_of(client, reader, "Organization")
    # a second hop: a bank account that only the organisation links to
    store.upsert_triples([Triple(A, org["id"], vocab.COSY + "owns", "urn:cosy:bankaccount:x",
                                 processed["document_id"], o_kind="entity")])
    url = f"/v1/graph/neighbourhood/{quote(account['id'])}"
    one = client.get(url, headers=reader).json()
    assert one["center"] == account["id"] and one["depth"] == 1 and one["truncated"] is False
    distances = {n["id"]: n["distance"] for n in one["nodes"]}
    assert distances == {account["id"]: 0, doc["id"]: 1, org["id"]: 1}
    assert {"s": doc["id"], "p": vocab.PAYEE_ACCOUNT, "o": account["id"],
            "doc": processed["document_id"]} in one["edges"]
    assert all(e["p"] != vocab.RDF_TYPE for e in one["edges"])
    two = client.get(url + "?depth=2", headers=reader).json()
    assert {n["id"]: n["distance"] for n in two["nodes"]}["urn:cosy:bankaccount:x"] == 2
    by_id = {n["id"]: n for n in two["nodes"]}
    assert by_id[org["id"]]["type"] == "Organization" and by_id["urn:cosy:bankaccount:x"][
        "type"] is None
    assert client.get(url + "?depth=4", headers=reader).status_code == 422
    assert client.get(url + "?depth=0", headers=reader).status_code == 422
    missing = client.get("/v1/graph/neighbourhood/urn:cosy:none", headers=reader)
    assert missing.status_code == 404


def test_neighbourhood_node_cap(make_client, reader, store, processed):
    client = make_client(api_graph_max_nodes=2)
    doc = entity_of(client, reader, "Document")
    body = client.get(f"/v1/graph/neighbourhood/{quote(doc['id'])}", headers=reader).json()
    assert body["truncated"] is True and len(body["nodes"]) == 2
    ids = {n["id"] for n in body["nodes"]}
    assert all(e["s"] in ids and e["o"] in ids for e in body["edges"])


def test_triple_pattern_queries_are_paged(client, reader, writer, processed, run_jobs):
    upload(client, writer, ("b.pdf", invoice_pdf("B-1")))
    run_jobs()
    everything = client.get("/v1/triples?limit=1000", headers=reader).json()
    assert everything["total"] == len(everything["items"]) > 10
    account = entity_of(client, reader, "BankAccount")  # same IBAN in both: one entity
    links = client.get(f"/v1/triples?p={quote(vocab.PAYEE_ACCOUNT)}&o={quote(account['id'])}",
                       headers=reader).json()
    assert len(links["items"]) == 2 and links["total"] is None
    assert {t["o"] for t in links["items"]} == {account["id"]}
    by_s = client.get(f"/v1/triples?s={quote(account['id'])}", headers=reader).json()["items"]
    assert by_s and all(t["s"] == account["id"] for t in by_s)
    first = client.get("/v1/triples?limit=3", headers=reader).json()["items"]
    second = client.get("/v1/triples?limit=3&offset=3", headers=reader).json()["items"]
    assert first + second == everything["items"][:6]
    by_doc = client.get(f"/v1/triples?doc={quote(processed['document_id'])}",
                        headers=reader).json()
    assert by_doc["total"] == len(by_doc["items"]) < everything["total"]
    assert client.get("/v1/triples?limit=1001", headers=reader).status_code == 422

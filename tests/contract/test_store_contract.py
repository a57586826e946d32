"""The Store contract (cosy/store/base.py), held against every backend by one suite.

Each test takes the ``store`` fixture (conftest.py), so a behaviour that one backend gets wrong
fails under that backend's id. The last section covers what only the embedded store promises:
safe concurrent writers in several processes and threads on one file.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from cosy.domain import Job, JobStatus, Triple
from cosy.store import Store, StoreError, open_store
from cosy.store.embedded import EmbeddedStore, FileBlobStore

A, B = "tenant-a", "tenant-b"


# --- helpers -------------------------------------------------------------------------------------


def doc(doc_id: str, created_at: float = 0.0, **fields: Any) -> dict[str, Any]:
    return {"id": doc_id, "created_at": created_at, "file_name": f"{doc_id}.pdf", **fields}


def job(job_id: str, tenant: str = A, created_at: float = 0.0, **fields: Any) -> Job:
    return Job(id=job_id, tenant=tenant, doc_id=f"doc-{job_id}", file_name=f"{job_id}.pdf",
               created_at=created_at, updated_at=created_at, **fields)


def triple(s: str, p: str, o: str, d: str = "doc1", tenant: str = A, **fields: Any) -> Triple:
    return Triple(tenant=tenant, s=s, p=p, o=o, doc=d, **fields)


def entity(entity_id: str, label: str, type: str = "Organization") -> dict[str, Any]:
    return {"id": entity_id, "type": type, "label": label, "keys": {"name": label.lower()}}


def key(t: Triple) -> tuple[str, str, str, str]:
    return (t.s, t.p, t.o, t.doc)


# --- documents -----------------------------------------------------------------------------------


def test_put_document_creates_once(store: Store) -> None:
    assert store.put_document(A, doc("d1", 1.0, status="new")) is True
    assert store.put_document(A, doc("d1", 2.0, status="other")) is False
    got = store.get_document(A, "d1")
    assert got is not None
    assert got["id"] == "d1" and got["tenant"] == A
    assert got["status"] == "new" and got["created_at"] == 1.0
    assert "_id" not in got
    assert store.get_document(A, "missing") is None
    assert store.count_documents(A) == 1


def test_put_document_needs_an_id(store: Store) -> None:
    with pytest.raises(ValueError):
        store.put_document(A, {"file_name": "x.pdf"})


def test_update_document_sets_top_level_fields(store: Store) -> None:
    store.put_document(A, doc("d1", 1.0, status="new", pages=2))
    store.update_document(A, "d1", {"status": "done", "result": {"fields": {"total": "9.50"}}})
    got = store.get_document(A, "d1")
    assert got is not None
    assert got["status"] == "done"
    assert got["result"] == {"fields": {"total": "9.50"}}
    assert got["pages"] == 2  # untouched fields stay
    store.update_document(A, "d1", {"id": "evil", "tenant": B})  # identity is immutable
    assert store.get_document(A, "d1") is not None
    assert store.get_document(B, "d1") is None
    store.update_document(A, "missing", {"status": "x"})  # no-op, not an upsert
    assert store.get_document(A, "missing") is None


def test_list_documents_newest_first_with_paging(store: Store) -> None:
    for i in [3, 1, 5, 2, 4]:
        store.put_document(A, doc(f"d{i}", float(i)))
    assert [d["id"] for d in store.list_documents(A)] == ["d5", "d4", "d3", "d2", "d1"]
    assert [d["id"] for d in store.list_documents(A, limit=2)] == ["d5", "d4"]
    assert [d["id"] for d in store.list_documents(A, limit=2, offset=2)] == ["d3", "d2"]
    assert [d["id"] for d in store.list_documents(A, limit=2, offset=4)] == ["d1"]
    assert store.list_documents(A, limit=2, offset=10) == []
    assert store.list_documents(A, limit=0) == []
    with pytest.raises(ValueError):
        store.list_documents(A, limit=-1)


def test_documents_are_tenant_scoped(store: Store) -> None:
    assert store.put_document(A, doc("shared", 1.0, owner="a"))
    assert store.put_document(B, doc("shared", 1.0, owner="b"))  # same id, other tenant: new
    store.put_document(A, doc("only-a", 2.0))
    assert store.get_document(B, "only-a") is None
    assert store.get_document(B, "shared")["owner"] == "b"  # type: ignore[index]
    assert [d["id"] for d in store.list_documents(B)] == ["shared"]
    assert store.count_documents(A) == 2 and store.count_documents(B) == 1
    assert store.delete_document(B, "only-a") is False
    assert store.get_document(A, "only-a") is not None


def test_delete_document_removes_triples_and_entity_links(store: Store) -> None:
    for d in ("doc1", "doc2"):
        store.put_document(A, doc(d))
        store.upsert_entities(A, [entity("e:acme", "ACME GmbH")], d)
        store.upsert_triples([triple("e:acme", "name", "ACME GmbH", d),
                              triple(f"{d}:inv", "issuer", "e:acme", d)])
    store.put_document(B, doc("doc1"))
    store.upsert_entities(B, [entity("e:acme", "ACME GmbH")], "doc1")
    store.upsert_triples([triple("e:acme", "name", "ACME GmbH", "doc1", tenant=B)])

    assert store.delete_document(A, "doc1") is True
    assert store.get_document(A, "doc1") is None
    assert store.count_triples(A, doc="doc1") == 0
    assert store.count_triples(A, doc="doc2") == 2
    assert store.get_entity(A, "e:acme")["docs"] == ["doc2"]  # type: ignore[index]
    assert store.delete_document(A, "doc1") is False
    # the other tenant's document of the same id is untouched
    assert store.get_document(B, "doc1") is not None
    assert store.count_triples(B, doc="doc1") == 1
    assert store.get_entity(B, "e:acme")["docs"] == ["doc1"]  # type: ignore[index]


# --- triples -------------------------------------------------------------------------------------


def test_upsert_triples_is_idempotent(store: Store) -> None:
    triples = [triple(f"s{i}", "p", f"o{i}") for i in range(25)]
    assert store.upsert_triples(triples) == 25
    assert store.upsert_triples(triples) == 25
    assert store.upsert_triples(iter(triples[:5])) == 5  # any iterable
    assert store.count_triples(A) == 25
    assert store.upsert_triples([]) == 0
    # the same (s, p, o, doc) with new provenance replaces the old record
    store.upsert_triples([triple("s0", "p", "o0", confidence=0.25, step="rules")])
    [found] = store.find_triples(A, s="s0")
    assert found.confidence == 0.25 and found.step == "rules"
    assert store.count_triples(A) == 25


def test_triple_round_trip_keeps_every_field(store: Store) -> None:
    t = triple("doc1:inv", "total", "119.00", datatype="xsd:decimal", page=1,
               bbox=(10.0, 20.5, 30.0, 40.25), span=(5, 11), step="amounts", model="m",
               model_version="1", confidence=0.875, pipeline_version="0.1.0", source="xml")
    store.upsert_triples([t])
    assert store.find_triples(A) == [t]


def test_find_triples_by_pattern(store: Store) -> None:
    store.upsert_triples([
        triple("inv1", "issuer", "e:acme", "doc1", o_kind="entity"),
        triple("inv1", "total", "10.00", "doc1"),
        triple("inv2", "issuer", "e:acme", "doc2", o_kind="entity"),
        triple("inv2", "total", "20.00", "doc2"),
        triple("e:acme", "name", "ACME", "doc2"),
        triple("inv1", "issuer", "e:acme", "doc1", tenant=B),
    ])
    assert {key(t) for t in store.find_triples(A, s="inv1")} == {
        ("inv1", "issuer", "e:acme", "doc1"), ("inv1", "total", "10.00", "doc1")}
    assert [t.s for t in store.find_triples(A, p="issuer", o="e:acme")] == ["inv1", "inv2"]
    assert len(store.find_triples(A, doc="doc2")) == 3
    assert [key(t) for t in store.find_triples(A, s="inv2", p="total", doc="doc2")] == [
        ("inv2", "total", "20.00", "doc2")]
    assert store.find_triples(A, s="nobody") == []
    assert len(store.find_triples(B)) == 1  # tenant B sees only its own
    assert store.count_triples(A) == 5 and store.count_triples(A, doc="doc1") == 2


def test_find_triples_sorted_and_paging_is_stable(store: Store) -> None:
    triples = [triple(f"s{i % 4}", f"p{i % 3}", f"o{i}", f"doc{i % 2}") for i in range(30)]
    random.Random(7).shuffle(triples)
    store.upsert_triples(triples)
    everything = store.find_triples(A)
    assert [key(t) for t in everything] == sorted(key(t) for t in triples)
    pages = [store.find_triples(A, limit=7, offset=off) for off in range(0, 35, 7)]
    assert [t for page in pages for t in page] == everything
    assert store.find_triples(A, limit=0) == []


# --- entities ------------------------------------------------------------------------------------


def test_entity_docs_grow_as_a_set(store: Store) -> None:
    assert store.upsert_entities(A, [entity("e1", "ACME"), entity("e2", "Bob", "Person")],
                                 "doc2") == 2
    store.upsert_entities(A, [entity("e1", "ACME GmbH")], "doc1")
    store.upsert_entities(A, [entity("e1", "ACME GmbH")], "doc2")  # seen again: no duplicate
    got = store.get_entity(A, "e1")
    assert got is not None
    assert got["docs"] == ["doc1", "doc2"]
    assert got["label"] == "ACME GmbH" and got["type"] == "Organization"
    assert got["keys"] == {"name": "acme gmbh"} and got["id"] == "e1"
    assert "_id" not in got
    assert store.get_entity(A, "e2")["docs"] == ["doc2"]  # type: ignore[index]
    assert store.get_entity(A, "missing") is None
    assert store.get_entity(B, "e1") is None
    assert store.upsert_entities(A, [], "doc3") == 0


def test_find_entities_by_type_and_query(store: Store) -> None:
    store.upsert_entities(A, [
        entity("o2", "Beta AG"), entity("o1", "acme GmbH"), entity("o3", "ACME Corp"),
        entity("p1", "Anna Acmeson", "Person"), entity("x1", "a.b Ltd"), entity("x2", "axb Ltd"),
    ], "doc1")
    store.upsert_entities(B, [entity("b1", "ACME B")], "doc9")

    orgs = store.find_entities(A, type="Organization")
    assert [e["id"] for e in orgs] == ["o3", "o2", "x1", "o1", "x2"]  # by label (binary), id
    assert all(e["docs"] == ["doc1"] for e in orgs)
    assert [e["id"] for e in store.find_entities(A, q="acme")] == ["o3", "p1", "o1"]
    assert [e["id"] for e in store.find_entities(A, type="Person", q="ACME")] == ["p1"]
    assert [e["id"] for e in store.find_entities(A, q="a.b")] == ["x1"]  # literal, not a regex
    assert [e["id"] for e in store.find_entities(A, limit=2, offset=1)] == ["p1", "o2"]
    assert [e["id"] for e in store.find_entities(B)] == ["b1"]
    assert store.find_entities(A, type="Nothing") == []


def test_resolve_entities_against_the_tenant_graph(store: Store) -> None:
    vat, name = "Organization|vat_id=DE123", "Organization|name=kraxi gmbh|postal_code=12345"
    iban = "Organization|iban=DE02120300000000202051"
    # first sight: every entity keeps its own id and records its aliases
    assert store.resolve_entities(A, {"org1": [vat, name], "acct": []}) == {
        "org1": "org1", "acct": "acct"}
    # a later document names the company without its VAT ID: the name and postcode resolve it,
    # and the IBAN it adds now resolves to the same entity too
    assert store.resolve_entities(A, {"org2": [name, iban]}) == {"org2": "org1"}
    assert store.resolve_entities(A, {"org3": [iban]}) == {"org3": "org1"}
    # the strongest known alias wins over a weaker one that points elsewhere
    store.resolve_entities(A, {"other": ["Organization|name=other|postal_code=1"]})
    assert store.resolve_entities(A, {"org4": [vat, "Organization|name=other|postal_code=1"]}) \
        == {"org4": "org1"}
    # other tenants never share an entity
    assert store.resolve_entities(B, {"orgB": [vat]}) == {"orgB": "orgB"}


# --- jobs ----------------------------------------------------------------------------------------


def test_job_lifecycle(store: Store) -> None:
    store.create_job(job("j1", created_at=100.0))
    queued = store.get_job("j1")
    assert queued is not None
    assert queued.status is JobStatus.QUEUED and queued.attempts == 0 and queued.owner is None

    claimed = store.claim_job("w1", lease_s=30.0, now=101.0)
    assert claimed is not None and claimed.id == "j1"
    assert claimed.status is JobStatus.RUNNING
    assert claimed.attempts == 1 and claimed.owner == "w1" and claimed.lease_until == 131.0
    assert store.claim_job("w2", lease_s=30.0, now=102.0) is None  # held, not expired

    assert store.heartbeat("j1", "w1", 30.0, now=110.0, progress={"step": "ocr"}) is True
    assert store.heartbeat("j1", "stranger", 30.0, now=110.0) is False
    beat = store.get_job("j1", tenant=A)
    assert beat is not None and beat.lease_until == 140.0 and beat.progress == {"step": "ocr"}

    assert store.finish_job("j1", "stranger", "succeeded", now=120.0) is False
    assert store.finish_job("j1", "w1", "succeeded", now=120.0, timings={"total_s": 19}) is True
    done = store.get_job("j1")
    assert done is not None
    assert done.status is JobStatus.SUCCEEDED and done.timings == {"total_s": 19}
    assert done.updated_at == 120.0 and done.attempts == 1
    assert store.claim_job("w2", 30.0, now=1e9) is None  # final jobs are never claimed
    assert store.heartbeat("j1", "w1", 30.0, now=121.0) is False  # not running any more
    assert store.finish_job("j1", "w1", "failed", now=122.0) is False


def test_finish_job_records_what_the_run_found(store: Store) -> None:
    store.create_job(job("j1"))
    assert store.claim_job("w1", 30.0, now=1.0) is not None
    skipped = [{"page": 2, "kind": "stream_too_large", "reason": "page 2: a stream inflates"}]
    assert store.finish_job("j1", "w1", "succeeded", now=2.0, outcome={
        "partial": True, "skipped_pages": skipped, "worker_deaths": 1, "status": "queued"})
    done = store.get_job("j1")
    assert done is not None and done.status is JobStatus.SUCCEEDED  # outcome cannot set status
    assert done.partial is True and done.skipped_pages == skipped and done.worker_deaths == 1
    fresh = store.get_job("j1")
    assert fresh is not None and Job.from_dict(fresh.to_dict()) == fresh


def _exploding(triples: list[Triple], after: int) -> Any:
    """Triples that stop coming after ``after`` of them: a job that dies mid-write."""
    for i, t in enumerate(triples):
        if i == after:
            raise RuntimeError("the dispatcher died")
        yield t


def test_publish_document_is_all_or_nothing_for_readers(store: Store) -> None:
    """Between a crash and the job's recovery, nothing of a half-written document shows: not
    its triples, not an entity only it mentions, not its result; after a rerun, all of it."""
    store.put_document(A, doc("d0"))
    store.publish_document(A, "d0", [{"id": "e-old", "type": "Organization", "label": "Old"}],
                           [triple("e-old", "name", "Old", d="d0")], {"status": "succeeded"})
    store.put_document(A, doc("d1"))
    entities = [{"id": "e-new", "type": "Organization", "label": "New GmbH"},
                {"id": "e-old", "type": "Organization", "label": "Old"}]
    triples = [triple("e-new", "name", f"New {i}", d="d1") for i in range(5)]
    result = {"result": {"fields": {"invoice_number": "A-1"}}, "status": "succeeded"}
    with pytest.raises(RuntimeError):
        store.publish_document(A, "d1", entities, _exploding(triples, 3), result)
    assert store.find_triples(A, doc="d1") == [] and store.count_triples(A, doc="d1") == 0
    assert [t.doc for t in store.find_triples(A)] == ["d0"] and store.count_triples(A) == 1
    assert store.get_entity(A, "e-new") is None
    assert [e["id"] for e in store.find_entities(A)] == ["e-old"]
    old = store.get_entity(A, "e-old")
    assert old is not None and old["docs"] == ["d0"]
    assert "result" not in (store.get_document(A, "d1") or {})

    store.publish_document(A, "d1", entities, triples, result)  # the job runs again
    assert store.count_triples(A, doc="d1") == 5
    new = store.get_entity(A, "e-new")
    assert new is not None and new["docs"] == ["d1"]
    assert sorted(e["id"] for e in store.find_entities(A)) == ["e-new", "e-old"]
    assert store.get_entity(A, "e-old")["docs"] == ["d0", "d1"]  # type: ignore[index]
    published = store.get_document(A, "d1")
    assert published is not None and published["result"] == result["result"]


def test_finish_job_needs_a_final_status(store: Store) -> None:
    store.create_job(job("j1"))
    store.claim_job("w1", 30.0, now=1.0)
    with pytest.raises(ValueError):
        store.finish_job("j1", "w1", "queued", now=2.0)
    assert store.get_job("j1").status is JobStatus.RUNNING  # type: ignore[union-attr]


def test_create_job_is_create_once(store: Store) -> None:
    store.create_job(job("j1", created_at=1.0))
    store.claim_job("w1", 30.0, now=2.0)
    store.create_job(job("j1", created_at=1.0))  # e.g. the same upload again: no reset
    again = store.get_job("j1")
    assert again is not None and again.status is JobStatus.RUNNING and again.owner == "w1"


def test_get_job_tenant_scope(store: Store) -> None:
    store.create_job(job("j1", tenant=A))
    assert store.get_job("j1", tenant=B) is None
    assert store.get_job("j1", tenant=A) is not None
    assert store.get_job("j1") is not None  # the dispatcher works across tenants
    assert store.get_job("missing") is None


def test_claim_takes_oldest_and_respects_not_before(store: Store) -> None:
    store.create_job(job("late", created_at=1.0, not_before=50.0))
    store.create_job(job("second", created_at=3.0))
    store.create_job(job("first", created_at=2.0, tenant=B))
    assert store.claim_job("w", 10.0, now=10.0).id == "first"  # type: ignore[union-attr]
    assert store.claim_job("w", 10.0, now=10.0).id == "second"  # type: ignore[union-attr]
    assert store.claim_job("w", 10.0, now=10.0) is None  # "late" waits for not_before
    assert store.claim_job("w", 1000.0, now=50.0).id == "late"  # type: ignore[union-attr]


def test_expired_lease_is_reclaimed_and_old_owner_loses(store: Store) -> None:
    store.create_job(job("j1"))
    assert store.claim_job("dead", lease_s=10.0, now=100.0) is not None
    assert store.claim_job("alive", lease_s=10.0, now=109.0) is None
    retaken = store.claim_job("alive", lease_s=10.0, now=111.0)
    assert retaken is not None and retaken.id == "j1"
    assert retaken.owner == "alive" and retaken.attempts == 2 and retaken.lease_until == 121.0
    assert store.heartbeat("j1", "dead", 10.0, now=112.0) is False
    assert store.finish_job("j1", "dead", "succeeded", now=112.0) is False
    assert store.retry_job("j1", "dead", not_before=200.0, now=112.0, error={}) is False
    assert store.finish_job("j1", "alive", "failed", now=113.0, error={"reason": "x"}) is True
    final = store.get_job("j1")
    assert final is not None and final.status is JobStatus.FAILED and final.owner == "alive"
    assert final.error == {"reason": "x"}


def test_retry_job_requeues_with_backoff(store: Store) -> None:
    store.create_job(job("j1"))
    store.claim_job("w1", 30.0, now=10.0)
    error = {"step": "ocr", "reason": "timeout", "kind": "transient"}
    assert store.retry_job("j1", "stranger", not_before=40.0, now=11.0, error=error) is False
    assert store.retry_job("j1", "w1", not_before=40.0, now=11.0, error=error) is True
    requeued = store.get_job("j1")
    assert requeued is not None
    assert requeued.status is JobStatus.QUEUED and requeued.attempts == 1
    assert requeued.owner is None and requeued.lease_until is None
    assert requeued.not_before == 40.0 and requeued.error == error
    assert store.claim_job("w2", 30.0, now=39.0) is None
    again = store.claim_job("w2", 30.0, now=40.0)
    assert again is not None and again.attempts == 2 and again.owner == "w2"
    assert store.finish_job("j1", "w2", "succeeded", now=41.0) is True
    assert store.get_job("j1").error is None  # type: ignore[union-attr]


def test_fail_job_ignores_owner(store: Store) -> None:
    store.create_job(job("running", created_at=0.0))
    store.create_job(job("queued", created_at=1.0))
    store.claim_job("w1", 30.0, now=1.0)  # takes "running" (the older)
    err = {"reason": "attempts exhausted"}
    store.fail_job("queued", now=2.0, error=err)
    store.fail_job("running", now=2.0, error=err)
    store.fail_job("missing", now=2.0, error=err)  # no error
    for job_id in ("queued", "running"):
        failed = store.get_job(job_id)
        assert failed is not None
        assert failed.status is JobStatus.FAILED and failed.error == err
        assert failed.updated_at == 2.0
    assert store.finish_job("running", "w1", "succeeded", now=3.0) is False


def test_list_and_count_jobs(store: Store) -> None:
    for i in range(5):
        store.create_job(job(f"a{i}", tenant=A, created_at=float(i)))
    store.create_job(job("b0", tenant=B, created_at=10.0))
    store.claim_job("w", 30.0, now=20.0)  # a0
    store.claim_job("w", 30.0, now=20.0)  # a1
    store.finish_job("a1", "w", "succeeded", now=21.0)

    assert [j.id for j in store.list_jobs()] == ["b0", "a4", "a3", "a2", "a1", "a0"]
    assert [j.id for j in store.list_jobs(tenant=A, limit=2)] == ["a4", "a3"]
    assert [j.id for j in store.list_jobs(tenant=A, status="queued")] == ["a4", "a3", "a2"]
    assert [j.id for j in store.list_jobs(status="running")] == ["a0"]
    assert store.list_jobs(tenant=B, status="running") == []
    assert store.list_jobs(limit=0) == []

    assert store.count_jobs() == {"queued": 4, "running": 1, "succeeded": 1}
    assert store.count_jobs(tenant=A) == {"queued": 3, "running": 1, "succeeded": 1}
    assert store.count_jobs(tenant=B) == {"queued": 1}
    assert store.count_jobs(tenant="nobody") == {}


# --- audit, tenants, ping ------------------------------------------------------------------------


def test_audit_newest_first(store: Store) -> None:
    store.audit(A, "upload", now=1.0, doc="d1", user="alice")
    store.audit(A, "delete", now=3.0, doc="d1")
    store.audit(A, "export", now=2.0)
    store.audit(A, "second-at-3", now=3.0)  # same time: the later write comes first
    store.audit(B, "upload", now=5.0)
    events = store.list_audit(A)
    assert [e["event"] for e in events] == ["second-at-3", "delete", "export", "upload"]
    assert events[-1] == {"tenant": A, "event": "upload", "ts": 1.0,
                          "details": {"doc": "d1", "user": "alice"}}
    assert [e["event"] for e in store.list_audit(A, limit=2)] == ["second-at-3", "delete"]
    assert [e["event"] for e in store.list_audit(B)] == ["upload"]


def test_tenant_b_sees_nothing_of_tenant_a(store: Store) -> None:
    store.put_document(A, doc("d1"))
    store.create_job(job("j1", tenant=A))
    store.upsert_entities(A, [entity("e1", "ACME")], "d1")
    store.upsert_triples([triple("e1", "name", "ACME", "d1")])
    store.audit(A, "upload", now=1.0)

    assert store.get_document(B, "d1") is None
    assert store.list_documents(B) == [] and store.count_documents(B) == 0
    assert store.get_job("j1", tenant=B) is None
    assert store.list_jobs(tenant=B) == [] and store.count_jobs(tenant=B) == {}
    assert store.get_entity(B, "e1") is None and store.find_entities(B) == []
    assert store.find_triples(B) == [] and store.count_triples(B) == 0
    assert store.find_triples(B, s="e1") == []
    assert store.list_audit(B) == []


def test_ping(store: Store) -> None:
    assert store.ping() is True


# --- API keys and idempotency records ------------------------------------------------------------


def api_key(key_id: str, tenant: str = A, role: str = "reader", created_at: float = 0.0,
            **fields: Any) -> dict[str, Any]:
    return {"id": key_id, "hash": f"hash-of-{key_id}", "tenant": tenant, "role": role,
            "created_at": created_at, **fields}


def test_api_keys_put_get_list_revoke(store: Store) -> None:
    assert store.put_api_key(api_key("k1", created_at=1.0, name="ci")) is True
    assert store.put_api_key(api_key("k1", created_at=9.0)) is False  # same id
    assert store.put_api_key({**api_key("k9"), "hash": "hash-of-k1"}) is False  # same hash
    store.put_api_key(api_key("k2", role="admin", created_at=2.0))
    store.put_api_key(api_key("k3", tenant=B, role="writer", created_at=3.0))

    got = store.get_api_key_by_hash("hash-of-k1")
    assert got == {"id": "k1", "hash": "hash-of-k1", "tenant": A, "role": "reader",
                   "created_at": 1.0, "revoked_at": None, "name": "ci"}
    assert store.get_api_key_by_hash("nope") is None
    assert [k["id"] for k in store.list_api_keys()] == ["k3", "k2", "k1"]
    assert [k["id"] for k in store.list_api_keys(tenant=A)] == ["k2", "k1"]
    assert store.list_api_keys(tenant="nobody") == []

    assert store.revoke_api_key("k1", now=5.0) is True
    assert store.revoke_api_key("k1", now=6.0) is False  # already revoked: the first time stays
    assert store.revoke_api_key("missing", now=6.0) is False
    revoked = store.get_api_key_by_hash("hash-of-k1")
    assert revoked is not None and revoked["revoked_at"] == 5.0
    assert store.get_api_key_by_hash("hash-of-k2")["revoked_at"] is None  # type: ignore[index]


def test_api_key_needs_its_identity(store: Store) -> None:
    for missing in ("id", "hash", "tenant", "role"):
        record = api_key("k1")
        del record[missing]
        with pytest.raises(ValueError):
            store.put_api_key(record)
    assert store.list_api_keys() == []


def test_idempotency_records_are_create_once_and_tenant_scoped(store: Store) -> None:
    first = {"fingerprint": "f1", "status": 202, "body": {"items": [{"id": "d1"}]},
             "created_at": 1.0}
    assert store.put_idempotency(A, "req-1", first) is True
    assert store.put_idempotency(A, "req-1", {**first, "status": 500}) is False
    assert store.get_idempotency(A, "req-1") == {**first, "key": "req-1", "tenant": A}
    assert store.get_idempotency(B, "req-1") is None  # same key, other tenant: independent
    assert store.put_idempotency(B, "req-1", {"status": 200}) is True
    assert store.get_idempotency(B, "req-1")["status"] == 200  # type: ignore[index]
    assert store.get_idempotency(A, "req-1")["status"] == 202  # type: ignore[index]
    assert store.get_idempotency(A, "other") is None
    with pytest.raises(ValueError):
        store.put_idempotency(A, "", first)


# --- review: corrections and tenant resets -------------------------------------------------------


def _correction(cid: str, at: float, d: str = "d1", **fields: Any) -> dict[str, Any]:
    return {"id": cid, "at": at, "field": "invoice_number", "old_value": "RE-1",
            "new_value": "RE-7", "by": "key_1", **fields}


def test_apply_correction_replaces_result_and_triples_at_once(store: Store) -> None:
    store.put_document(A, doc("d1", result={"fields": {"invoice_number": {"value": "RE-1"}}}))
    old = triple("urn:d1", "schema:identifier", "RE-1", "d1", page=1, step="fields.select")
    keep = triple("urn:d1", "schema:dateIssued", "2024-01-02", "d1")
    store.upsert_triples([old, keep])
    new = triple("urn:d1", "schema:identifier", "RE-7", "d1", page=1, step="review",
                 source="reviewed")
    result = {"fields": {"invoice_number": {"value": "RE-7", "source": "reviewed"}}}
    assert store.apply_correction(A, "d1", 0, result, _correction("c1", 5.0), [old.id], [new])
    got = store.get_document(A, "d1")
    assert got is not None and got["result"] == result and got["review_version"] == 1
    assert {t.o for t in store.find_triples(A, s="urn:d1")} == {"RE-7", "2024-01-02"}
    assert store.find_triples(A, o="RE-7")[0].step == "review"
    [stored] = store.list_corrections(A)
    assert stored["id"] == "c1" and stored["doc"] == "d1" and stored["tenant"] == A
    assert stored["old_value"] == "RE-1" and stored["new_value"] == "RE-7"


def test_apply_correction_refuses_a_stale_version(store: Store) -> None:
    store.put_document(A, doc("d1", result={"fields": {}}))
    old = triple("urn:d1", "schema:identifier", "RE-1", "d1")
    store.upsert_triples([old])
    assert store.apply_correction(A, "d1", 0, {"v": 1}, _correction("c1", 1.0), [], [])
    # a second reviewer who read version 0 loses: nothing of theirs is written
    new = triple("urn:d1", "schema:identifier", "RE-9", "d1")
    assert not store.apply_correction(A, "d1", 0, {"v": 2}, _correction("c2", 2.0), [old.id],
                                      [new])
    assert store.get_document(A, "d1")["result"] == {"v": 1}  # type: ignore[index]
    assert [t.o for t in store.find_triples(A, doc="d1")] == ["RE-1"]
    assert [c["id"] for c in store.list_corrections(A)] == ["c1"]
    assert store.apply_correction(A, "d1", 1, {"v": 2}, _correction("c2", 2.0), [old.id], [new])
    assert [t.o for t in store.find_triples(A, doc="d1")] == ["RE-9"]
    # an absent document, or another tenant's, is never written
    assert not store.apply_correction(B, "d1", 2, {}, _correction("c3", 3.0), [], [])
    assert not store.apply_correction(A, "nope", 0, {}, _correction("c4", 3.0), [], [])
    assert store.list_corrections(B) == []


def test_accepting_a_value_keeps_its_triple_id(store: Store) -> None:
    store.put_document(A, doc("d1"))
    old = triple("urn:d1", "schema:identifier", "RE-1", "d1", confidence=0.4)
    store.upsert_triples([old])
    accepted = triple("urn:d1", "schema:identifier", "RE-1", "d1", confidence=1.0, step="review")
    assert accepted.id == old.id
    assert store.apply_correction(A, "d1", 0, {}, _correction("c1", 1.0), [old.id], [accepted])
    [t] = store.find_triples(A, doc="d1")
    assert t.step == "review" and t.confidence == 1.0


def test_list_corrections_oldest_first_by_document_and_paged(store: Store) -> None:
    for name in ("d1", "d2"):
        store.put_document(A, doc(name))
    store.apply_correction(A, "d2", 0, {}, _correction("c-b", 2.0, "d2"), [], [])
    store.apply_correction(A, "d1", 0, {}, _correction("c-a", 3.0, "d1"), [], [])
    store.apply_correction(A, "d1", 1, {}, _correction("c-c", 1.0, "d1"), [], [])
    assert [c["id"] for c in store.list_corrections(A)] == ["c-c", "c-b", "c-a"]
    assert [c["id"] for c in store.list_corrections(A, doc="d1")] == ["c-c", "c-a"]
    assert [c["id"] for c in store.list_corrections(A, limit=1, offset=1)] == ["c-b"]
    with pytest.raises(ValueError):
        store.apply_correction(A, "d1", 2, {}, {"at": 1.0}, [], [])  # no id


def test_purge_tenant_removes_its_data_only(store: Store) -> None:
    for tenant in (A, B):
        store.put_document(tenant, doc("d1"))
        store.create_job(job(f"j-{tenant}", tenant=tenant))
        store.upsert_entities(tenant, [entity("e1", "Kraxi GmbH")], "d1")
        store.resolve_entities(tenant, {"e1": ["Organization|name=kraxi"]})
        store.upsert_triples([triple("e1", "p", "o", "d1", tenant=tenant)])
        store.apply_correction(tenant, "d1", 0, {}, _correction("c1", 1.0), [], [])
        store.put_idempotency(tenant, "req", {"status": 202})
    raw_key = {"id": "key_a", "hash": "h" * 64, "tenant": A, "role": "admin"}
    store.put_api_key(raw_key)
    store.audit(A, "demo.reset", 1.0)
    assert store.purge_tenant(A) == 1
    assert store.get_document(A, "d1") is None and store.count_documents(A) == 0
    assert store.list_jobs(tenant=A) == [] and store.find_entities(A) == []
    assert store.find_triples(A) == [] and store.list_corrections(A) == []
    assert store.get_idempotency(A, "req") is None
    # an alias of the purged graph no longer maps a new entity onto a deleted one
    assert store.resolve_entities(A, {"e2": ["Organization|name=kraxi"]}) == {"e2": "e2"}
    assert store.get_api_key_by_hash("h" * 64) is not None  # keys and audit stay
    assert [e["event"] for e in store.list_audit(A)] == ["demo.reset"]
    # tenant B is untouched
    assert store.get_document(B, "d1") is not None and len(store.list_jobs(tenant=B)) == 1
    assert store.find_entities(B) and store.find_triples(B) and store.list_corrections(B)
    assert store.resolve_entities(B, {"x": ["Organization|name=kraxi"]}) == {"x": "e1"}


# --- blobs ---------------------------------------------------------------------------------------


def test_blobs(store: Store) -> None:
    blobs = store.blobs
    k = "tenant-a/sha256:" + "ab" * 32
    assert blobs.exists(k) is False
    with pytest.raises(KeyError):
        blobs.get(k)
    big = os.urandom(700_000)  # several GridFS chunks
    blobs.put(k, big)
    assert blobs.exists(k) is True and blobs.get(k) == big
    blobs.put(k, b"replaced")
    assert blobs.get(k) == b"replaced"
    blobs.put("tenant-b/sha256:" + "ab" * 32, b"other tenant")
    assert blobs.get(k) == b"replaced"
    blobs.put("empty", b"")
    assert blobs.get("empty") == b"" and blobs.exists("empty")
    blobs.delete(k)
    assert blobs.exists(k) is False
    with pytest.raises(KeyError):
        blobs.get(k)
    blobs.delete(k)  # absent: not an error


# --- embedded only -------------------------------------------------------------------------------


def test_file_blob_names_are_safe_and_distinct(tmp_path: Path) -> None:
    blobs = FileBlobStore(tmp_path / "blobs")
    keys = [".", "..", "a/b", "a:b", "a%2Fb", "a.b", "x" * 500, "x" * 501, "../escape", "é/ü"]
    for i, k in enumerate(keys):
        blobs.put(k, str(i).encode())
    for i, k in enumerate(keys):
        assert blobs.get(k) == str(i).encode()
        assert blobs.path_for(k).parent == blobs.root
    names = sorted(p.name for p in blobs.root.iterdir())
    assert len(names) == len(keys)
    assert not any(n.startswith(".tmp-") for n in names)  # no temp file left behind
    with pytest.raises(ValueError):
        blobs.put("", b"x")


def test_embedded_layout_and_wal(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "new" / "dir")
    store.blobs.put("t/k", b"x")
    assert (tmp_path / "new" / "dir" / "cosy.db").is_file()
    assert (tmp_path / "new" / "dir" / "blobs").is_dir()
    conn = store._connections.get()
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 30_000
    store.close()
    assert store.ping() is True  # a closed store reopens lazily
    EmbeddedStore(tmp_path / "new" / "dir").close()  # reopening an existing store is fine


def test_embedded_store_is_private_to_its_owner(tmp_path: Path) -> None:
    """Documents and key hashes of every tenant live here: 0700 directories, 0600 files, and
    an older store's files are tightened when it opens."""
    EmbeddedStore(tmp_path / "old").close()
    os.chmod(tmp_path / "old" / "cosy.db", 0o644)
    store = EmbeddedStore(tmp_path / "old")
    store.blobs.put("t/k", b"x")
    store.put_document(A, doc("d1"))
    files = [tmp_path / "old" / "cosy.db", *(tmp_path / "old" / "blobs").iterdir()]
    assert {oct(p.stat().st_mode & 0o777) for p in files} == {"0o600"}
    assert oct((tmp_path / "old").stat().st_mode & 0o777) == "0o700"
    assert oct((tmp_path / "old" / "blobs").stat().st_mode & 0o777) == "0o700"
    store.close()


def _claim_until_empty(path: str, owner: str, start: Any, out: Any) -> None:
    """Worker of the multi-process test (module level: spawn pickles it by name).

    All workers pass the barrier together and simulate a little work per job, so that their
    claims interleave instead of the first process started draining the queue alone.
    """
    store = EmbeddedStore(path)
    store.ping()  # open the connection before the race starts
    start.wait(30)
    claimed = []
    while (claimed_job := store.claim_job(owner, lease_s=600.0, now=time.time())) is not None:
        claimed.append(claimed_job.id)
        time.sleep(0.002)
        store.finish_job(claimed_job.id, owner, "succeeded", now=time.time())
    store.close()
    out.put(claimed)


def test_embedded_claims_are_exclusive_across_processes(tmp_path: Path) -> None:
    path = str(tmp_path / "store")
    store = EmbeddedStore(path)
    ids = [f"job{i:02d}" for i in range(40)]
    for i, job_id in enumerate(ids):
        store.create_job(job(job_id, created_at=float(i)))

    ctx = multiprocessing.get_context("spawn")
    start, out = ctx.Barrier(4), ctx.Queue()
    procs = [ctx.Process(target=_claim_until_empty, args=(path, f"w{n}", start, out))
             for n in range(4)]
    for proc in procs:
        proc.start()
    results = [out.get(timeout=60) for _ in procs]
    for proc in procs:
        proc.join(timeout=30)
        assert proc.exitcode == 0

    claimed = [job_id for result in results for job_id in result]
    assert sorted(claimed) == ids  # every job exactly once
    assert sum(1 for result in results if result) >= 2  # the processes did race
    assert all(j.attempts == 1 and j.status is JobStatus.SUCCEEDED
               for j in store.list_jobs(limit=100))
    store.close()


def test_embedded_claims_are_exclusive_across_threads(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store")
    for i in range(60):
        store.create_job(job(f"job{i:02d}", created_at=float(i)))
    claimed: list[str] = []
    lock = threading.Lock()

    def worker(owner: str) -> None:
        while (got := store.claim_job(owner, 600.0, now=time.time())) is not None:
            with lock:
                claimed.append(got.id)

    threads = [threading.Thread(target=worker, args=(f"t{n}",)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(claimed) == [f"job{i:02d}" for i in range(60)]
    store.close()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_embedded_store_survives_fork(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store")
    store.create_job(job("j1"))
    assert store.ping()  # the parent has a live connection before the fork
    proc = multiprocessing.get_context("fork").Process(
        target=lambda: os._exit(0 if store.claim_job("child", 60.0, now=1.0) else 1)
    )
    proc.start()
    proc.join(timeout=30)
    assert proc.exitcode == 0
    got = store.get_job("j1")  # the parent's connection still works after the child's writes
    assert got is not None and got.owner == "child"
    store.close()


# --- state shared by API and dispatcher replicas ------------------------------------------------


def test_token_bucket_starts_full_refills_and_keeps_keys_apart(store: Store) -> None:
    assert [store.take_token("k", rate=2.0, burst=2, now=100.0) for _ in range(3)] == \
        [0.0, 0.0, 0.5]
    assert store.take_token("other", rate=2.0, burst=2, now=100.0) == 0.0  # its own bucket
    assert store.take_token("k", rate=2.0, burst=2, now=100.25) == pytest.approx(0.25)
    assert store.take_token("k", rate=2.0, burst=2, now=100.5) == 0.0  # refilled: 1 token
    # a replica whose clock is behind refills nothing (and cannot empty the bucket for others)
    assert store.take_token("k", rate=2.0, burst=2, now=90.0) == pytest.approx(0.5)
    assert store.take_token("k", rate=2.0, burst=2, now=200.0) == 0.0  # full again, capped
    assert store.take_token("k", rate=2.0, burst=2, now=200.0) == 0.0
    assert store.take_token("k", rate=2.0, burst=2, now=200.0) > 0


def test_token_bucket_gives_each_token_once_under_concurrency(store: Store) -> None:
    waits: list[float] = []
    lock = threading.Lock()

    def take() -> None:
        for _ in range(10):
            wait = store.take_token("shared", rate=1e-6, burst=25, now=1000.0)
            with lock:
                waits.append(wait)

    threads = [threading.Thread(target=take) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(waits) == 40 and waits.count(0.0) == 25


def test_oldest_queued_at_is_the_queue_age(store: Store) -> None:
    assert store.oldest_queued_at() is None
    store.create_job(job("j1", created_at=5.0))
    store.create_job(job("j2", created_at=3.0))
    store.create_job(job("j3", tenant=B, created_at=4.0))
    assert store.oldest_queued_at() == 3.0  # across tenants: the queue is one
    store.claim_job("d", lease_s=60.0, now=10.0)  # takes j2, the oldest
    assert store.oldest_queued_at() == 4.0


def _take_tokens(path: str, start: Any, out: Any) -> None:
    """Worker of the multi-process bucket test (module level: spawn pickles it by name)."""
    store = EmbeddedStore(path)
    store.ping()
    start.wait(30)
    out.put([store.take_token("api-key", rate=1e-6, burst=30, now=1000.0) for _ in range(20)])
    store.close()


def test_embedded_token_bucket_is_shared_across_processes(tmp_path: Path) -> None:
    """Four API replicas on one embedded store draw from one bucket: 30 tokens, 30 requests
    pass in all, however the 80 requests interleave."""
    path = str(tmp_path / "store")
    EmbeddedStore(path).close()
    ctx = multiprocessing.get_context("spawn")
    start, out = ctx.Barrier(4), ctx.Queue()
    procs = [ctx.Process(target=_take_tokens, args=(path, start, out)) for _ in range(4)]
    for proc in procs:
        proc.start()
    waits = [w for _ in procs for w in out.get(timeout=60)]
    for proc in procs:
        proc.join(timeout=30)
        assert proc.exitcode == 0
    assert len(waits) == 80 and waits.count(0.0) == 30


# --- open_store ----------------------------------------------------------------------------------


def test_open_store_specs(tmp_path: Path) -> None:
    embedded = open_store(str(tmp_path / "s"))
    assert isinstance(embedded, EmbeddedStore) and embedded.ping()
    embedded.close()

    mocked = open_store("mongomock:///demo")
    from cosy.store.mongo import MongoStore

    assert isinstance(mocked, MongoStore) and mocked.db.name == "demo" and mocked.ping()
    assert open_store("mongomock://").db.name == "cosy"  # type: ignore[attr-defined]

    for bad in ("", "   ", "postgres://localhost/x", "s3://bucket/key"):
        with pytest.raises(StoreError):
            open_store(bad)
    (tmp_path / "file").write_text("not a directory")
    with pytest.raises(StoreError):
        open_store(str(tmp_path / "file"))

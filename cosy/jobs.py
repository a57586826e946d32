"""Submitting documents and persisting their results: the two ends of a durable job.

A submission is validated, stored (original blob, document record, job) and only then
acknowledged, so nothing accepted is ever lost: a dispatcher that starts later finds the job.
Persistence is idempotent (deterministic ids), so a job that runs twice writes nothing twice.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any

from cosy.config import Settings
from cosy.domain import Job, JobStatus, Triple
from cosy.engine.executor import RunResult
from cosy.ingest import DocumentInfo, clean_file_name, inspect_document, limits
from cosy.kg import resolve
from cosy.store.base import Store


@dataclass(frozen=True)
class Submission:
    document: dict[str, Any]
    job: Job
    created: bool  # False when the same content was already there (content-addressed)


def blob_key(tenant: str, doc_id: str) -> str:
    return f"{tenant}/{doc_id}"


def submit_document(store: Store, data: bytes, file_name: str, tenant: str,
                    settings: Settings) -> Submission:
    """Validate, store the original, write the document and its job; raise InputError if bad.

    The file name is stored cleaned of control and bidi characters; an original that had any
    is kept escaped, as ``file_name_original``."""
    file_name, original = clean_file_name(file_name)
    info = inspect_document(data, file_name, tenant, **limits(settings))
    now = time.time()
    key = blob_key(tenant, info.id)
    if not store.blobs.exists(key):
        store.blobs.put(key, data)
    created = store.put_document(tenant, {
        "id": info.id, "file_name": file_name, "size": info.size, "pages": info.pages,
        "media_type": info.media_type, "blob": key, "created_at": now, "status": "queued",
        **({"file_name_original": original} if original else {}),
    })
    doc = store.get_document(tenant, info.id)
    assert doc is not None
    if not created and doc.get("job_id"):
        job = store.get_job(doc["job_id"], tenant)
        if job is not None:
            return Submission(doc, job, created=False)
    job = Job(id=uuid.uuid4().hex, tenant=tenant, doc_id=info.id, file_name=file_name,
              created_at=now, updated_at=now, max_attempts=settings.job_max_attempts)
    store.create_job(job)
    store.update_document(tenant, info.id, {"job_id": job.id})
    store.audit(tenant, "document.submitted", now, doc_id=info.id, job_id=job.id,
                file_name=file_name)
    doc["job_id"] = job.id
    return Submission(doc, job, created)


def result_document(run: RunResult) -> dict[str, Any]:
    """The DESIGN §8 result with the run's timings."""
    result = dict(run.outputs["doc.result"])
    result["timings"] = run.timings
    return result


def persist_result(store: Store, info: DocumentInfo, run: RunResult,
                   pipeline_version: str) -> dict[str, Any]:
    """Write entities, triples and the result, visible all together or not at all
    (:meth:`Store.publish_document`); safe to repeat (every write is an upsert)."""
    result = result_document(run)
    triples: list[Triple] = run.outputs["doc.triples"]
    mapping = resolve.resolve_ids(store, info.tenant, result["entities"])
    entities, triples = resolve.rewrite(mapping, result["entities"], triples)
    if entities is not result["entities"]:  # the tenant already knew some of them
        result["entities"] = entities
        result["triples"] = [t.to_json() for t in triples]
    store.publish_document(info.tenant, info.id, result["entities"], triples, {
        "result": result, "status": str(JobStatus.SUCCEEDED), "pipeline_version": pipeline_version,
        "triples": len(triples), "skipped_pages": result["document"].get("skipped_pages", []),
    })
    return result


def outcome(run: RunResult) -> dict[str, Any]:
    """What a finished run adds to its job record: the pages it skipped and worker deaths."""
    skipped = run.outputs["doc.result"]["document"].get("skipped_pages", [])
    return {"partial": bool(skipped), "skipped_pages": skipped,
            "worker_deaths": run.worker_deaths}

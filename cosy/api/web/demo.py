"""The demo tenant: its key and sample documents at start, and the admins' "reset demo".

Settings (README, Configuration; the Helm chart's demo values set them): ``COSY_DEMO_TENANT``
names the tenant, ``COSY_DEMO_KEY`` (from a Secret) becomes an admin key of it, and an empty
demo tenant gets ``COSY_DEMO_SAMPLES`` generated documents, processed like any upload.
"""

from __future__ import annotations

import logging
import tempfile
import time
from pathlib import Path
from typing import Any

from cosy.api.keys import Role, create_api_key, hash_key
from cosy.config import Settings
from cosy.jobs import blob_key, submit_document
from cosy.store.base import Store

log = logging.getLogger(__name__)

DEMO_SEED = 17
"""The samples are the same documents on every start and reset (the generator is seeded)."""


class DemoError(Exception):
    """A demo action that cannot be done now: ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def ensure_demo(store: Store, settings: Settings) -> int:
    """The demo key and, for an empty demo tenant, the samples; returns the documents queued."""
    tenant = settings.demo_tenant
    if not tenant:
        return 0
    if settings.demo_key:
        record = store.get_api_key_by_hash(hash_key(settings.demo_key))
        if record is None:
            try:
                record = create_api_key(store, tenant, Role.ADMIN, name="demo",
                                        raw=settings.demo_key)[1]
            except ValueError:  # another replica stored it a moment ago
                record = store.get_api_key_by_hash(hash_key(settings.demo_key)) or {}
        if record.get("tenant") != tenant:
            raise ValueError(f"COSY_DEMO_KEY is a key of tenant {record.get('tenant')!r}, not "
                             f"of the demo tenant {tenant!r}; give the demo its own key")
    if store.count_documents(tenant) > 0:
        return 0
    return len(seed_demo(store, settings))


def seed_demo(store: Store, settings: Settings) -> list[str]:
    """Generate the sample documents and queue a job for each; return the job ids."""
    from cosy.corpus import generate_corpus

    job_ids = []
    with tempfile.TemporaryDirectory(prefix="cosy-demo-") as tmp:
        generate_corpus(Path(tmp), n=settings.demo_samples, seed=DEMO_SEED)
        for pdf in sorted((Path(tmp) / "docs").glob("*.pdf")):
            job_ids.append(submit_document(store, pdf.read_bytes(), pdf.name,
                                           settings.demo_tenant, settings).job.id)
    log.info("demo tenant %s: %d sample documents queued", settings.demo_tenant, len(job_ids))
    return job_ids


def reset_demo(store: Store, settings: Settings, tenant: str, key_id: str) -> dict[str, Any]:
    """Delete everything of the demo tenant (not its keys or audit) and seed it again.

    Only the demo tenant can be reset, and not while its jobs run: their results would be
    written into the emptied tenant.
    """
    if not settings.demo_tenant:
        raise DemoError(404, "this deployment has no demo tenant (COSY_DEMO_TENANT is not set)")
    if tenant != settings.demo_tenant:
        raise DemoError(403, f"only the demo tenant {settings.demo_tenant!r} can be reset; "
                             f"this key belongs to {tenant!r}")
    counts = store.count_jobs(tenant)
    busy = counts.get("queued", 0) + counts.get("running", 0)
    if busy:
        raise DemoError(409, f"{busy} document(s) of the demo are still being processed; reset "
                             "when they are done")
    offset, blobs = 0, []
    while batch := store.list_documents(tenant, limit=500, offset=offset):
        blobs += [d.get("blob") or blob_key(tenant, d["id"]) for d in batch]
        offset += len(batch)
    for key in blobs:
        store.blobs.delete(key)
    deleted = store.purge_tenant(tenant)
    store.audit(tenant, "demo.reset", time.time(), key_id=key_id, documents=deleted)
    jobs = seed_demo(store, settings)
    return {"deleted": deleted, "queued": len(jobs)}

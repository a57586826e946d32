"""Record shapes and job state transitions shared by every Store backend.

Both backends (SQLite and MongoDB) must return the same dicts and apply the same job state
machine; keeping the shapes and transitions here means the backends differ only in *how* they
persist, never in *what* they persist, and the contract suite checks one definition.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from cosy.domain import JobStatus, Triple

IMMUTABLE_DOCUMENT_FIELDS = frozenset({"_id", "id", "tenant"})
"""Fields ``update_document`` never changes: they are the record's identity."""


# --- serialisation -------------------------------------------------------------------------------


def dumps(value: Any) -> str:
    """Compact JSON for SQLite's record column (UTF-8 kept readable, tuples become lists)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def loads(text: str) -> Any:
    return json.loads(text)


def public(record: Mapping[str, Any]) -> dict[str, Any]:
    """The record without the backend's storage key, which callers must not depend on."""
    return {k: v for k, v in record.items() if k != "_id"}


def check_paging(limit: int, offset: int = 0) -> None:
    """Reject negative paging: MongoDB would read ``limit=-n`` as 'n, single batch'."""
    if limit < 0 or offset < 0:
        raise ValueError(f"limit and offset must be >= 0, got limit={limit}, offset={offset}")


def composite_id(tenant: str, record_id: str) -> str:
    """Storage key of a per-tenant record, so that two tenants can hold the same id."""
    return f"{tenant}/{record_id}"


# --- documents -----------------------------------------------------------------------------------


def document_record(tenant: str, doc: Mapping[str, Any]) -> dict[str, Any]:
    """The stored document: the caller's fields plus ``tenant`` (the argument wins)."""
    doc_id = doc.get("id")
    if not isinstance(doc_id, str) or not doc_id:
        raise ValueError("a document needs a non-empty string 'id'")
    return {**public(doc), "tenant": tenant}


def document_update(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Fields to set on a document, without its identity (``id``, ``tenant``)."""
    return {k: v for k, v in fields.items() if k not in IMMUTABLE_DOCUMENT_FIELDS}


# --- entities ------------------------------------------------------------------------------------


def entity_record(tenant: str, entity: Mapping[str, Any]) -> dict[str, Any]:
    """The stored entity fields (without ``docs``); the latest write wins for type/label/keys."""
    entity_id = entity.get("id")
    if not isinstance(entity_id, str) or not entity_id:
        raise ValueError("an entity needs a non-empty string 'id'")
    return {
        "id": entity_id,
        "tenant": tenant,
        "type": entity.get("type", ""),
        "label": entity.get("label", ""),
        "keys": dict(entity.get("keys") or {}),
    }


def entity_out(record: Mapping[str, Any], docs: Any = None) -> dict[str, Any]:
    """The entity as callers see it: ``docs`` sorted and unique whatever the backend stored."""
    out = public(record)
    out["docs"] = sorted(set(out.get("docs", []) if docs is None else docs))
    return out


# --- audit ---------------------------------------------------------------------------------------


def audit_record(tenant: str, event: str, now: float, details: Mapping[str, Any]) -> dict[str, Any]:
    """Details are nested so that no detail name can shadow ``event``, ``tenant`` or ``ts``."""
    return {"tenant": tenant, "event": event, "ts": now, "details": dict(details)}


# --- API keys and idempotency records -------------------------------------------------------------


def api_key_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """A stored key: ``id``, ``hash``, ``tenant`` and ``role`` are required; ``revoked_at`` set."""
    for name in ("id", "hash", "tenant", "role"):
        if not isinstance(record.get(name), str) or not record[name]:
            raise ValueError(f"an API key record needs a non-empty string {name!r}")
    return {"created_at": 0.0, "revoked_at": None, **public(record)}


def idempotency_record(tenant: str, key: str, record: Mapping[str, Any]) -> dict[str, Any]:
    """The stored answer to an idempotent request; ``key`` and ``tenant`` are the arguments."""
    if not key:
        raise ValueError("an idempotency key must not be empty")
    return {**public(record), "key": key, "tenant": tenant}


# --- corrections ---------------------------------------------------------------------------------


def correction_record(tenant: str, doc_id: str, correction: Mapping[str, Any]) -> dict[str, Any]:
    """A stored correction: the caller's fields with ``tenant`` and ``doc`` (the arguments win)."""
    if not isinstance(correction.get("id"), str) or not correction["id"]:
        raise ValueError("a correction needs a non-empty string 'id'")
    if not isinstance(correction.get("at"), int | float):
        raise ValueError("a correction needs its time 'at'")
    return {**public(correction), "tenant": tenant, "doc": doc_id}


def superseded_ids(supersede: Sequence[str], triples: Sequence[Triple]) -> list[str]:
    """The triple ids to delete: a reviewed triple that keeps its value keeps its id."""
    kept = {t.id for t in triples}
    return sorted({i for i in supersede if i not in kept})


# --- job transitions -----------------------------------------------------------------------------
# Each returns the top-level fields to set; claim also increments ``attempts``. The SQLite backend
# applies them to the loaded record, the Mongo backend sends them as ``$set``.


def claim_fields(owner: str, lease_s: float, now: float) -> dict[str, Any]:
    return {
        "status": str(JobStatus.RUNNING),
        "owner": owner,
        "lease_until": now + lease_s,
        "updated_at": now,
    }


def heartbeat_fields(lease_s: float, now: float,
                     progress: dict[str, Any] | None) -> dict[str, Any]:
    fields: dict[str, Any] = {"lease_until": now + lease_s, "updated_at": now}
    if progress is not None:
        fields["progress"] = progress
    return fields


def finish_fields(status: str, now: float, error: dict[str, Any] | None,
                  timings: dict[str, Any] | None,
                  outcome: dict[str, Any] | None = None) -> dict[str, Any]:
    """A final status only; the lease is released and a stale error of a retry is replaced.
    ``outcome`` adds what the run found (``partial``, ``skipped_pages``, ``worker_deaths``)."""
    final = JobStatus(status)
    if not final.final:
        raise ValueError(f"finish_job needs a final status, got {status!r}")
    fields: dict[str, Any] = {
        "status": str(final),
        "lease_until": None,
        "updated_at": now,
        "error": error,
    }
    if timings is not None:
        fields["timings"] = timings
    fields.update({k: v for k, v in (outcome or {}).items() if k in OUTCOME_FIELDS})
    return fields


OUTCOME_FIELDS = frozenset({"partial", "skipped_pages", "worker_deaths"})


def retry_fields(not_before: float, now: float, error: dict[str, Any]) -> dict[str, Any]:
    """Back to the queue without an owner, so that any dispatcher may take it after backoff."""
    return {
        "status": str(JobStatus.QUEUED),
        "owner": None,
        "lease_until": None,
        "not_before": not_before,
        "updated_at": now,
        "error": error,
    }


def fail_fields(now: float, error: dict[str, Any]) -> dict[str, Any]:
    return {
        "status": str(JobStatus.FAILED),
        "lease_until": None,
        "updated_at": now,
        "error": error,
    }


HELD_STATUS = str(JobStatus.RUNNING)
"""An owner holds a job only while it runs: heartbeat, finish and retry check both."""


# --- token buckets (the API's rate limit, shared by its replicas) --------------------------------


def take_from_bucket(bucket: Mapping[str, Any] | None, rate: float, burst: int,
                     now: float) -> tuple[dict[str, float], float]:
    """The bucket after one request at ``now``, and the wait (0.0: the request may go).

    ``bucket`` is ``{"tokens", "at"}`` as stored (None: a key not seen yet, which starts full).
    A clock behind the stored ``at`` (another replica's) refills nothing rather than draining.
    """
    if bucket is None:
        tokens, at = float(burst), now
    else:
        at = max(float(bucket["at"]), now)
        tokens = min(float(burst), float(bucket["tokens"]) + max(0.0, now - bucket["at"]) * rate)
    if tokens >= 1.0:
        return {"tokens": tokens - 1.0, "at": at}, 0.0
    return {"tokens": tokens, "at": at}, (1.0 - tokens) / rate

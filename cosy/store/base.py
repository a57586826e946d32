"""The one Store contract that every backend (embedded SQLite, MongoDB) fulfils.

Everything the pipeline, dispatcher, CLI and API persist goes through this interface, and one
contract test suite (tests/contract/test_store_contract.py) holds every backend to it. All methods
that read or write tenant data take the tenant explicitly: there is no unscoped query.

Records are plain dicts with JSON-safe values, so that both backends store and return the same
shape. Ids are deterministic (see cosy.domain.stable_id): every write is an idempotent upsert.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from cosy.domain import Job, Triple


class StoreError(RuntimeError):
    """The store could not do what was asked (unreachable, corrupt, conflicting)."""


class BlobStore(ABC):
    """Originals and other large binaries, addressed by key (e.g. ``tenant/sha256:...``)."""

    @abstractmethod
    def put(self, key: str, data: bytes) -> None: ...

    @abstractmethod
    def get(self, key: str) -> bytes:
        """Raise KeyError when the key is absent."""

    @abstractmethod
    def exists(self, key: str) -> bool: ...

    @abstractmethod
    def delete(self, key: str) -> None:
        """Deleting an absent key is not an error."""


class Store(ABC):
    """Documents, jobs, entities, triples and audit events of all tenants."""

    blobs: BlobStore

    # --- documents -------------------------------------------------------------------------------
    @abstractmethod
    def put_document(self, tenant: str, doc: dict[str, Any]) -> bool:
        """Insert ``doc`` (must carry ``id``) unless (tenant, id) exists; True if it was created."""

    @abstractmethod
    def get_document(self, tenant: str, doc_id: str) -> dict[str, Any] | None: ...

    @abstractmethod
    def update_document(self, tenant: str, doc_id: str, fields: dict[str, Any]) -> None:
        """Set top-level fields of an existing document (e.g. ``result``, ``status``)."""

    @abstractmethod
    def list_documents(
        self, tenant: str, limit: int = 50, offset: int = 0
    ) -> list[dict[str, Any]]:
        """Newest first (by ``created_at``)."""

    @abstractmethod
    def count_documents(self, tenant: str) -> int: ...

    @abstractmethod
    def delete_document(self, tenant: str, doc_id: str) -> bool:
        """Remove the document record, its triples, and its links from entities.

        True if the document existed.
        """

    # --- jobs ------------------------------------------------------------------------------------
    @abstractmethod
    def create_job(self, job: Job) -> None: ...

    @abstractmethod
    def get_job(self, job_id: str, tenant: str | None = None) -> Job | None:
        """``tenant=None`` is for the dispatcher, which works across tenants."""

    @abstractmethod
    def list_jobs(
        self, tenant: str | None = None, status: str | None = None, limit: int = 50
    ) -> list[Job]:
        """Newest first (by ``created_at``)."""

    @abstractmethod
    def claim_job(self, owner: str, lease_s: float, now: float) -> Job | None:
        """Atomically take the oldest claimable job, or None.

        Claimable: status ``queued`` with ``not_before <= now``, or status ``running`` with
        ``lease_until < now`` (its owner died). The claimed job gets status ``running``,
        ``owner``, ``lease_until = now + lease_s`` and ``attempts + 1``. Safe with several
        dispatchers in several processes: one job is never claimed by two of them at once.
        """

    @abstractmethod
    def heartbeat(self, job_id: str, owner: str, lease_s: float, now: float,
                  progress: dict[str, Any] | None = None) -> bool:
        """Extend the lease (and record progress) if ``owner`` still holds the job; else False."""

    @abstractmethod
    def finish_job(self, job_id: str, owner: str, status: str, now: float,
                   error: dict[str, Any] | None = None,
                   timings: dict[str, Any] | None = None,
                   outcome: dict[str, Any] | None = None) -> bool:
        """Set a final status if ``owner`` still holds the job; False if the lease was lost.

        ``outcome`` records what the run found: ``partial`` and ``skipped_pages`` (pages not
        read, with kind and reason) and ``worker_deaths``."""

    @abstractmethod
    def retry_job(self, job_id: str, owner: str, not_before: float, now: float,
                  error: dict[str, Any]) -> bool:
        """Put a running job back to ``queued`` until ``not_before`` (backoff), keeping attempts."""

    @abstractmethod
    def fail_job(self, job_id: str, now: float, error: dict[str, Any]) -> None:
        """Mark a job failed regardless of owner (used when attempts are exhausted at claim)."""

    @abstractmethod
    def count_jobs(self, tenant: str | None = None) -> dict[str, int]:
        """Jobs by status, e.g. {"queued": 3, "running": 1, ...} (statuses with 0 may be absent)."""

    # --- entities and triples ---------------------------------------------------------------------
    @abstractmethod
    def upsert_entities(self, tenant: str, entities: Iterable[dict[str, Any]], doc_id: str) -> int:
        """Upsert entity records (``id``, ``type``, ``label``, ``keys``); link each to ``doc_id``.

        An entity seen again keeps its id; its ``docs`` grow (a set). Returns the number written.
        """

    @abstractmethod
    def resolve_entities(self, tenant: str,
                         aliases: Mapping[str, Sequence[str]]) -> dict[str, str]:
        """Entity resolution against the tenant's graph: proposed entity id -> canonical id.

        ``aliases`` maps each proposed id to its alias keys, strongest first ("Organization|
        vat_id=DE123", "Organization|name=kraxi gmbh|postal_code=12345"). An entity whose alias
        is already known takes that alias's entity id (the strongest known alias wins); every
        alias not yet known is recorded for the canonical id. Concurrent callers agree: an alias,
        once recorded, never changes its id. Other tenants' aliases are never consulted.
        """

    @abstractmethod
    def get_entity(self, tenant: str, entity_id: str) -> dict[str, Any] | None:
        """The entity with ``docs``: the sorted list of documents that mention it."""

    @abstractmethod
    def find_entities(self, tenant: str, type: str | None = None, q: str | None = None,
                      limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        """By type and/or case-insensitive substring of the label; sorted by label then id."""

    @abstractmethod
    def upsert_triples(self, triples: Iterable[Triple]) -> int:
        """Bulk, unordered, idempotent (by ``Triple.id``). Returns the number of triples sent."""

    @abstractmethod
    def find_triples(self, tenant: str, s: str | None = None, p: str | None = None,
                     o: str | None = None, doc: str | None = None,
                     limit: int = 1000, offset: int = 0) -> list[Triple]:
        """Pattern query; sorted by (s, p, o, doc) so that paging is stable."""

    @abstractmethod
    def count_triples(self, tenant: str, doc: str | None = None) -> int: ...

    @abstractmethod
    def publish_document(self, tenant: str, doc_id: str, entities: Iterable[dict[str, Any]],
                         triples: Iterable[Triple], fields: dict[str, Any]) -> None:
        """Write what a job found in a document, all or nothing for readers.

        The entities (linked to ``doc_id``, as :meth:`upsert_entities`), the triples and the
        document's ``fields`` (``result``, ``status``, ...) become visible together: before the
        last write, and after a crash midway, readers see none of the document's triples, no
        entity that only it mentions, and no result. Safe to repeat (idempotent upserts).
        """

    # --- audit -----------------------------------------------------------------------------------
    @abstractmethod
    def audit(self, tenant: str, event: str, now: float, **details: Any) -> None: ...

    @abstractmethod
    def list_audit(self, tenant: str, limit: int = 100) -> list[dict[str, Any]]:
        """Newest first."""

    # --- API keys --------------------------------------------------------------------------------
    # Keys are looked up by hash before the caller's tenant is known, so these methods are not
    # tenant-scoped; a record carries its tenant. Only the sha256 of a key is ever stored.
    @abstractmethod
    def put_api_key(self, record: dict[str, Any]) -> bool:
        """Insert a key record (``id``, ``hash``, ``tenant``, ``role``, ...) unless its ``id`` or
        ``hash`` exists; True if it was created."""

    @abstractmethod
    def get_api_key_by_hash(self, key_hash: str) -> dict[str, Any] | None:
        """The key record with this hash, revoked or not (the caller checks ``revoked_at``)."""

    @abstractmethod
    def list_api_keys(self, tenant: str | None = None) -> list[dict[str, Any]]:
        """Key records (of one tenant, or all), newest first (by ``created_at``, then ``id``)."""

    @abstractmethod
    def revoke_api_key(self, key_id: str, now: float) -> bool:
        """Set ``revoked_at = now`` on an active key; False if absent or already revoked."""

    # --- idempotency keys ------------------------------------------------------------------------
    @abstractmethod
    def put_idempotency(self, tenant: str, key: str, record: dict[str, Any]) -> bool:
        """Remember the response to (tenant, key) unless one is stored; True if it was created.

        Create-once, so of two concurrent requests with one key the first answer wins.
        """

    @abstractmethod
    def get_idempotency(self, tenant: str, key: str) -> dict[str, Any] | None:
        """The stored record (with ``key`` and ``tenant``), or None."""

    # --- review: corrections and tenant resets (the demo page) ---------------------------------
    # A reviewer's correction replaces a value in three places at once (the document's result,
    # the graph's triples, the corrections log), so reads never see half of it; see docs/demo.md.
    @abstractmethod
    def apply_correction(self, tenant: str, doc_id: str, expected_version: int,
                         result: dict[str, Any], correction: dict[str, Any],
                         supersede: Sequence[str], triples: Sequence[Triple]) -> bool:
        """Apply a reviewed value as one unit, if nobody reviewed the document meanwhile.

        When the document's ``review_version`` (0 if never reviewed) is ``expected_version``: set
        its ``result`` and ``review_version = expected_version + 1``, store ``correction`` (a
        record with ``id``, ``doc`` and ``at``), delete the triples whose ids are in
        ``supersede`` (unless ``triples`` writes that id again) and upsert ``triples``. Return
        False, writing nothing, when the version moved on or the document is absent.
        """

    @abstractmethod
    def list_corrections(self, tenant: str, doc: str | None = None, limit: int = 1000,
                         offset: int = 0) -> list[dict[str, Any]]:
        """The tenant's corrections (of one document), oldest first (by ``at``, then ``id``)."""

    @abstractmethod
    def purge_tenant(self, tenant: str) -> int:
        """Delete the tenant's documents, jobs, entities, aliases, triples, corrections and
        idempotency records; its API keys and audit log stay. Returns the documents deleted.
        Blobs are the caller's to delete (it knows their keys from the documents)."""
    # --- state shared by replicated services (issue 15) -------------------------------------------
    @abstractmethod
    def take_token(self, key: str, rate: float, burst: int, now: float) -> float:
        """Take one token from ``key``'s bucket, refilled at ``rate`` per second up to ``burst``
        (a new key starts full); 0.0 when taken, else the seconds until one is back.

        The API's rate limit: one bucket per API key in the store, so every API replica draws
        from the same bucket. Atomic: of concurrent callers, no two take the same last token.
        """

    @abstractmethod
    def oldest_queued_at(self) -> float | None:
        """``created_at`` of the oldest queued job (None when none is queued): the queue's age
        that /metrics exports and the queue-age alert watches."""

    # --- lifecycle -------------------------------------------------------------------------------
    @abstractmethod
    def ping(self) -> bool:
        """True when the backend answers (used by readiness probes)."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""

"""The MongoDB store, for several machines sharing one replicated database.

Every write is an idempotent upsert on a deterministic ``_id`` (``tenant/id`` for per-tenant
records, ``Triple.id`` for triples, the job id for jobs), acknowledged by a majority of the
replica set, so a pipeline step that is run again after a crash or a failover writes the same
records and nothing twice. Job claiming is one ``find_one_and_update``, atomic on the server.

Tests run this backend on ``mongomock``: pass ``client=mongomock.MongoClient()``. Two shims make
mongomock 4.x work with pymongo 4.11+ (see ``_adapt_mongomock``); they are applied only when a
mongomock client is passed, never for a real server.
"""

from __future__ import annotations

import contextlib
import functools
import re
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, ParamSpec, TypeVar

import gridfs
from pymongo import ASCENDING, DESCENDING, MongoClient, ReplaceOne, ReturnDocument, UpdateOne
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import (
    BulkWriteError,
    DuplicateKeyError,
    PyMongoError,
    ServerSelectionTimeoutError,
)
from pymongo.write_concern import WriteConcern

from cosy.domain import Job, JobStatus, Triple
from cosy.store import records
from cosy.store.base import BlobStore, Store, StoreError

SERVER_SELECTION_MS = 5000
"""How long a command waits for a usable server unless the URI says (``serverSelectionTimeoutMS``):
pymongo's 30 s made an unreachable server look like a hang (docs/mongodb.md)."""
STAGING = "staging"
"""Set on a document while its job writes entities and triples; reads leave out what only such
documents support, and the write that sets the result unsets it (:meth:`publish_document`)."""

MAJORITY = WriteConcern("majority")
"""A write is acknowledged once it survives the loss of the primary (no rollback on failover)."""

P = ParamSpec("P")
R = TypeVar("R")

_mongomock_lock = threading.Lock()
_mongomock_adapted = False


def _is_mongomock(obj: object) -> bool:
    return type(obj).__module__.split(".")[0] == "mongomock"


def _adapt_mongomock() -> None:
    """Make mongomock usable for the contract tests; idempotent, mongomock-only.

    * GridFS checks ``isinstance(db, pymongo.Database)``; mongomock ships the patch for that.
    * pymongo >= 4.11 passes ``sort=`` to the bulk builder for UpdateOne/ReplaceOne, which
      mongomock 4.3's builder does not accept; we drop it when it is None (we never sort there).
    """
    global _mongomock_adapted
    with _mongomock_lock:
        if _mongomock_adapted:
            return
        import mongomock.gridfs
        from mongomock.collection import BulkOperationBuilder

        mongomock.gridfs.enable_gridfs_integration()
        for name in ("add_update", "add_replace"):
            original = getattr(BulkOperationBuilder, name)

            def without_sort(self: Any, *args: Any, _original: Any = original,
                             sort: Any = None, **kwargs: Any) -> Any:
                if sort is not None:
                    raise NotImplementedError("mongomock: sorted bulk updates are not supported")
                return _original(self, *args, **kwargs)

            setattr(BulkOperationBuilder, name, without_sort)
        _mongomock_adapted = True


def _translated(fn: Callable[P, R]) -> Callable[P, R]:
    """Callers handle StoreError only, whichever backend is configured."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except PyMongoError as exc:
            raise StoreError(f"MongoDB: {error_line(exc)}") from exc

    return wrapper


def error_line(exc: PyMongoError) -> str:
    """One line for people: an unreachable server without pymongo's topology dump."""
    if isinstance(exc, ServerSelectionTimeoutError):
        servers = re.sub(r" \(configured timeouts:[^)]*\)", "", str(exc).split(", Timeout:")[0])
        return (f"no usable server ({servers}); check the host, port, TLS, credentials and "
                "replicaSet of COSY_STORE (docs/mongodb.md)")
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def client_options(uri: str) -> dict[str, Any]:
    """Options COSY adds to the URI's: a short server selection timeout unless it sets one."""
    if "serverselectiontimeoutms=" in uri.lower():
        return {}
    return {"serverSelectionTimeoutMS": SERVER_SELECTION_MS}


class GridFSBlobStore(BlobStore):
    """Blobs in GridFS (bucket ``blobs``), the key as file name.

    A put writes a new version and then deletes the older ones: readers never see half a blob
    (GridFS publishes the file document after its chunks), and of two concurrent puts of one key
    the one with the greater ``_id`` survives, never neither.
    """

    def __init__(self, db: Database[Any]) -> None:
        if _is_mongomock(db):
            _adapt_mongomock()
        self._fs = gridfs.GridFS(db, collection="blobs")

    @_translated
    def put(self, key: str, data: bytes) -> None:
        new_id = self._fs.put(data, filename=key)
        for old in self._fs.find({"filename": key, "_id": {"$lt": new_id}}):
            self._fs.delete(old._id)

    @_translated
    def get(self, key: str) -> bytes:
        try:
            return bytes(self._fs.get_last_version(filename=key).read())
        except gridfs.NoFile:
            raise KeyError(key) from None

    @_translated
    def exists(self, key: str) -> bool:
        return bool(self._fs.exists(filename=key))

    @_translated
    def delete(self, key: str) -> None:
        for old in self._fs.find({"filename": key}):
            self._fs.delete(old._id)


class MongoStore(Store):
    """Collections ``documents``, ``jobs``, ``entities``, ``triples``, ``audit``, ``api_keys``,
    ``idempotency``, ``corrections`` and GridFS."""

    def __init__(self, uri: str = "mongodb://localhost:27017", database: str = "cosy",
                 client: Any = None) -> None:
        self._owns_client = client is None
        if client is None:
            try:
                client = MongoClient(uri, **client_options(uri))
            except PyMongoError as exc:
                raise StoreError(f"MongoDB: bad URI {uri!r}: {exc}") from exc
        elif _is_mongomock(client):
            _adapt_mongomock()
        self.client = client
        self.db: Database[Any] = client.get_database(database, write_concern=MAJORITY)
        self.documents = self._collection("documents")
        self.jobs = self._collection("jobs")
        self.entities = self._collection("entities")
        self.entity_aliases = self._collection("entity_aliases")
        self.triples = self._collection("triples")
        self.audit_log = self._collection("audit")
        self.api_keys = self._collection("api_keys")
        self.idempotency = self._collection("idempotency")
        self.corrections = self._collection("corrections")
        self.rate_buckets = self._collection("rate_buckets")  # the API's shared rate limit
        self.blobs = GridFSBlobStore(self.db)
        self._ensure_indexes()

    def __repr__(self) -> str:
        return f"MongoStore(database={self.db.name!r})"

    def _collection(self, name: str) -> Collection[Any]:
        return self.db.get_collection(name, write_concern=MAJORITY)

    @_translated
    def _ensure_indexes(self) -> None:
        """Indexes for every query below; creating an existing index is a no-op."""
        a, d = ASCENDING, DESCENDING
        # (tenant, s, p, o, doc) serves (tenant, s) lookups and the sorted tenant-wide paging.
        self.triples.create_index([("tenant", a), ("s", a), ("p", a), ("o", a), ("doc", a)])
        self.triples.create_index([("tenant", a), ("p", a), ("o", a)])
        self.triples.create_index([("tenant", a), ("doc", a)])
        self.documents.create_index([("tenant", a), ("created_at", d)])
        self.documents.create_index([("tenant", a), (STAGING, a)])
        self.jobs.create_index([("status", a), ("not_before", a)])
        self.jobs.create_index([("status", a), ("lease_until", a)])
        self.jobs.create_index([("tenant", a), ("created_at", d)])
        self.jobs.create_index([("created_at", d)])
        self.jobs.create_index([("status", a), ("created_at", a)])  # the queue's oldest job
        self.entities.create_index([("tenant", a), ("type", a), ("label", a)])
        self.entities.create_index([("tenant", a), ("label", a)])
        self.entities.create_index([("tenant", a), ("docs", a)])
        self.audit_log.create_index([("tenant", a), ("ts", d)])
        self.api_keys.create_index([("hash", a)], unique=True)
        self.api_keys.create_index([("tenant", a), ("created_at", d)])
        self.corrections.create_index([("tenant", a), ("at", a), ("id", a)])
        self.corrections.create_index([("tenant", a), ("doc", a), ("at", a), ("id", a)])

    def _update_held_job(self, job_id: str, owner: str, fields: dict[str, Any]) -> bool:
        """One conditional update: a job re-claimed by another owner is never overwritten."""
        result = self.jobs.update_one(
            {"_id": job_id, "owner": owner, "status": records.HELD_STATUS}, {"$set": fields}
        )
        return result.matched_count == 1

    # --- documents -------------------------------------------------------------------------------
    @_translated
    def put_document(self, tenant: str, doc: dict[str, Any]) -> bool:
        record = records.document_record(tenant, doc)
        try:
            self.documents.insert_one(
                {"_id": records.composite_id(tenant, record["id"]), **record}
            )
        except DuplicateKeyError:
            return False
        return True

    @_translated
    def get_document(self, tenant: str, doc_id: str) -> dict[str, Any] | None:
        return self.documents.find_one(
            {"_id": records.composite_id(tenant, doc_id)}, {"_id": 0}
        )

    @_translated
    def update_document(self, tenant: str, doc_id: str, fields: dict[str, Any]) -> None:
        changes = records.document_update(fields)
        if changes:
            self.documents.update_one(
                {"_id": records.composite_id(tenant, doc_id)}, {"$set": changes}
            )

    @_translated
    def list_documents(
        self, tenant: str, limit: int = 50, offset: int = 0
    ) -> list[dict[str, Any]]:
        records.check_paging(limit, offset)
        if limit == 0:  # Mongo reads limit(0) as "no limit"
            return []
        cursor = (
            self.documents.find({"tenant": tenant}, {"_id": 0})
            .sort([("created_at", DESCENDING), ("id", ASCENDING)])
            .skip(offset)
            .limit(limit)
        )
        return list(cursor)

    @_translated
    def count_documents(self, tenant: str) -> int:
        return int(self.documents.count_documents({"tenant": tenant}))

    @_translated
    def delete_document(self, tenant: str, doc_id: str) -> bool:
        # Triples and links go first: if we die midway, the document is still there to delete.
        self.triples.delete_many({"tenant": tenant, "doc": doc_id})
        self.entities.update_many(
            {"tenant": tenant, "docs": doc_id}, {"$pull": {"docs": doc_id}}
        )
        result = self.documents.delete_one({"_id": records.composite_id(tenant, doc_id)})
        return result.deleted_count == 1

    # --- jobs ------------------------------------------------------------------------------------
    @_translated
    def create_job(self, job: Job) -> None:
        # create-once: an existing job (maybe running) is never reset
        with contextlib.suppress(DuplicateKeyError):
            self.jobs.insert_one(job.to_dict())

    @_translated
    def get_job(self, job_id: str, tenant: str | None = None) -> Job | None:
        query: dict[str, Any] = {"_id": job_id}
        if tenant is not None:
            query["tenant"] = tenant
        found = self.jobs.find_one(query)
        return Job.from_dict(found) if found else None

    @_translated
    def list_jobs(
        self, tenant: str | None = None, status: str | None = None, limit: int = 50
    ) -> list[Job]:
        records.check_paging(limit)
        if limit == 0:
            return []
        query: dict[str, Any] = {}
        if tenant is not None:
            query["tenant"] = tenant
        if status is not None:
            query["status"] = str(JobStatus(status))
        cursor = (
            self.jobs.find(query)
            .sort([("created_at", DESCENDING), ("_id", ASCENDING)])
            .limit(limit)
        )
        return [Job.from_dict(d) for d in cursor]

    @_translated
    def claim_job(self, owner: str, lease_s: float, now: float) -> Job | None:
        found = self.jobs.find_one_and_update(
            {
                "$or": [
                    {"status": str(JobStatus.QUEUED), "not_before": {"$lte": now}},
                    {"status": str(JobStatus.RUNNING), "lease_until": {"$lt": now}},
                ]
            },
            {"$set": records.claim_fields(owner, lease_s, now), "$inc": {"attempts": 1}},
            sort=[("created_at", ASCENDING), ("_id", ASCENDING)],
            return_document=ReturnDocument.AFTER,
        )
        return Job.from_dict(found) if found else None

    @_translated
    def heartbeat(self, job_id: str, owner: str, lease_s: float, now: float,
                  progress: dict[str, Any] | None = None) -> bool:
        return self._update_held_job(
            job_id, owner, records.heartbeat_fields(lease_s, now, progress)
        )

    @_translated
    def finish_job(self, job_id: str, owner: str, status: str, now: float,
                   error: dict[str, Any] | None = None,
                   timings: dict[str, Any] | None = None,
                   outcome: dict[str, Any] | None = None) -> bool:
        return self._update_held_job(
            job_id, owner, records.finish_fields(status, now, error, timings, outcome)
        )

    @_translated
    def retry_job(self, job_id: str, owner: str, not_before: float, now: float,
                  error: dict[str, Any]) -> bool:
        return self._update_held_job(job_id, owner, records.retry_fields(not_before, now, error))

    @_translated
    def fail_job(self, job_id: str, now: float, error: dict[str, Any]) -> None:
        self.jobs.update_one({"_id": job_id}, {"$set": records.fail_fields(now, error)})

    @_translated
    def count_jobs(self, tenant: str | None = None) -> dict[str, int]:
        pipeline: list[dict[str, Any]] = []
        if tenant is not None:
            pipeline.append({"$match": {"tenant": tenant}})
        pipeline.append({"$group": {"_id": "$status", "n": {"$sum": 1}}})
        return {row["_id"]: int(row["n"]) for row in self.jobs.aggregate(pipeline)}

    # --- entities and triples ---------------------------------------------------------------------
    @_translated
    def upsert_entities(self, tenant: str, entities: Iterable[dict[str, Any]], doc_id: str) -> int:
        ops = [
            UpdateOne(
                {"_id": records.composite_id(tenant, record["id"])},
                {"$set": record, "$addToSet": {"docs": {"$each": [doc_id]}}},
                upsert=True,
            )
            for record in (records.entity_record(tenant, e) for e in entities)
        ]
        if ops:
            self.entities.bulk_write(ops, ordered=False)
        return len(ops)

    @_translated
    def resolve_entities(self, tenant: str,
                         aliases: Mapping[str, Sequence[str]]) -> dict[str, str]:
        out: dict[str, str] = {}
        for proposed, keys in aliases.items():
            ids = [records.composite_id(tenant, k) for k in keys]
            if not ids:
                out[proposed] = proposed
                continue
            known = {d["_id"]: d["entity_id"]
                     for d in self.entity_aliases.find({"_id": {"$in": ids}})}
            canonical = next((known[i] for i in ids if i in known), proposed)
            ops = [UpdateOne({"_id": i}, {"$setOnInsert": {"tenant": tenant, "alias": k,
                                                           "entity_id": canonical}}, upsert=True)
                   for i, k in zip(ids, keys, strict=True) if i not in known]
            if ops:
                try:
                    self.entity_aliases.bulk_write(ops, ordered=False)
                except BulkWriteError as err:  # a concurrent writer recorded an alias first
                    if any(e.get("code") != 11000 for e in err.details.get("writeErrors", [])):
                        raise
            # what is recorded now decides: of two racing writers, both read the same alias
            first = self.entity_aliases.find_one({"_id": ids[0]})
            out[proposed] = first["entity_id"] if first else canonical
        return out

    @_translated
    def get_entity(self, tenant: str, entity_id: str) -> dict[str, Any] | None:
        found = self.entities.find_one({"_id": records.composite_id(tenant, entity_id)})
        if not found:
            return None
        return self._visible_entity(found, self._staging(tenant))

    @staticmethod
    def _visible_entity(record: dict[str, Any], hidden: list[str]) -> dict[str, Any] | None:
        """The entity without its staging documents; None if only those mention it."""
        docs = record.get("docs") or []
        shown = [d for d in docs if d not in hidden]
        if docs and not shown:
            return None
        return records.entity_out({**record, "docs": shown})

    @_translated
    def find_entities(self, tenant: str, type: str | None = None, q: str | None = None,
                      limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        records.check_paging(limit, offset)
        if limit == 0:
            return []
        query: dict[str, Any] = {"tenant": tenant}
        if type is not None:
            query["type"] = type
        if q:
            query["label"] = {"$regex": re.escape(q), "$options": "i"}
        hidden = self._staging(tenant)
        if hidden:  # mentioned by a published document, or by none (all deleted)
            query["$or"] = [{"docs": {"$elemMatch": {"$nin": hidden}}}, {"docs": {"$size": 0}}]
        cursor = (
            self.entities.find(query)
            .sort([("label", ASCENDING), ("id", ASCENDING)])
            .skip(offset)
            .limit(limit)
        )
        return [e for e in (self._visible_entity(d, hidden) for d in cursor) if e is not None]

    @_translated
    def publish_document(self, tenant: str, doc_id: str, entities: Iterable[dict[str, Any]],
                         triples: Iterable[Triple], fields: dict[str, Any]) -> None:
        """Without multi-document transactions, visibility hangs on one document write: the
        document is marked ``staging`` first, its entities and triples are written, and one
        update sets its fields and unsets the mark. Reads filter staging documents out."""
        key = {"_id": records.composite_id(tenant, doc_id)}
        self.documents.update_one(key, {"$set": {STAGING: True}})
        self.upsert_entities(tenant, entities, doc_id)
        self.upsert_triples(triples)
        self.documents.update_one(key, {"$set": records.document_update(fields),
                                        "$unset": {STAGING: ""}})

    def _staging(self, tenant: str) -> list[str]:
        """Documents whose job is writing them now (or died while writing them)."""
        return [d["id"] for d in self.documents.find({"tenant": tenant, STAGING: True},
                                                     {"id": 1})]

    @_translated
    def upsert_triples(self, triples: Iterable[Triple]) -> int:
        ops = [ReplaceOne({"_id": t.id}, t.to_dict(), upsert=True) for t in triples]
        if ops:
            self.triples.bulk_write(ops, ordered=False)
        return len(ops)

    @_translated
    def find_triples(self, tenant: str, s: str | None = None, p: str | None = None,
                     o: str | None = None, doc: str | None = None,
                     limit: int = 1000, offset: int = 0) -> list[Triple]:
        records.check_paging(limit, offset)
        if limit == 0:
            return []
        query = self._triple_query(tenant, s=s, p=p, o=o, doc=doc)
        if query is None:
            return []
        cursor = (
            self.triples.find(query, {"_id": 0})
            .sort([("s", ASCENDING), ("p", ASCENDING), ("o", ASCENDING), ("doc", ASCENDING)])
            .skip(offset)
            .limit(limit)
        )
        return [Triple.from_dict(d) for d in cursor]

    @_translated
    def count_triples(self, tenant: str, doc: str | None = None) -> int:
        query = self._triple_query(tenant, doc=doc)
        return 0 if query is None else int(self.triples.count_documents(query))

    def _triple_query(self, tenant: str, **pattern: str | None) -> dict[str, Any] | None:
        """The query for a triple pattern without staging documents; None if it can match
        nothing (it names a staging document)."""
        hidden = self._staging(tenant)
        if pattern.get("doc") in hidden:
            return None
        query: dict[str, Any] = {"tenant": tenant}
        query.update({k: v for k, v in pattern.items() if v is not None})
        if hidden and "doc" not in query:
            query["doc"] = {"$nin": hidden}
        return query

    # --- audit -----------------------------------------------------------------------------------
    @_translated
    def audit(self, tenant: str, event: str, now: float, **details: Any) -> None:
        self.audit_log.insert_one(records.audit_record(tenant, event, now, details))

    @_translated
    def list_audit(self, tenant: str, limit: int = 100) -> list[dict[str, Any]]:
        records.check_paging(limit)
        if limit == 0:
            return []
        cursor = (
            self.audit_log.find({"tenant": tenant})
            .sort([("ts", DESCENDING), ("_id", DESCENDING)])  # ObjectIds grow: newest first
            .limit(limit)
        )
        return [records.public(d) for d in cursor]

    # --- API keys and idempotency ----------------------------------------------------------------
    @_translated
    def put_api_key(self, record: dict[str, Any]) -> bool:
        rec = records.api_key_record(record)
        try:  # _id and the unique hash index both refuse a duplicate
            self.api_keys.insert_one({"_id": rec["id"], **rec})
        except DuplicateKeyError:
            return False
        return True

    @_translated
    def get_api_key_by_hash(self, key_hash: str) -> dict[str, Any] | None:
        return self.api_keys.find_one({"hash": key_hash}, {"_id": 0})

    @_translated
    def list_api_keys(self, tenant: str | None = None) -> list[dict[str, Any]]:
        query = {} if tenant is None else {"tenant": tenant}
        cursor = self.api_keys.find(query, {"_id": 0}).sort(
            [("created_at", DESCENDING), ("id", ASCENDING)]
        )
        return list(cursor)

    @_translated
    def revoke_api_key(self, key_id: str, now: float) -> bool:
        result = self.api_keys.update_one(
            {"_id": key_id, "revoked_at": None}, {"$set": {"revoked_at": now}}
        )
        return result.modified_count == 1

    @_translated
    def put_idempotency(self, tenant: str, key: str, record: dict[str, Any]) -> bool:
        rec = records.idempotency_record(tenant, key, record)
        try:
            self.idempotency.insert_one({"_id": records.composite_id(tenant, key), **rec})
        except DuplicateKeyError:
            return False
        return True

    @_translated
    def get_idempotency(self, tenant: str, key: str) -> dict[str, Any] | None:
        return self.idempotency.find_one(
            {"_id": records.composite_id(tenant, key)}, {"_id": 0}
        )

    # --- review: corrections and tenant resets ---------------------------------------------------
    @_translated
    def apply_correction(self, tenant: str, doc_id: str, expected_version: int,
                         result: dict[str, Any], correction: dict[str, Any],
                         supersede: Sequence[str], triples: Sequence[Triple]) -> bool:
        """The conditional document update decides (it is atomic on the server); the writes
        after it are idempotent, so a reviewer who retries after a crash completes them."""
        record = records.correction_record(tenant, doc_id, correction)
        version: Any = expected_version if expected_version else {"$in": [0, None]}
        claimed = self.documents.update_one(
            {"_id": records.composite_id(tenant, doc_id), "review_version": version},
            {"$set": {"result": result, "review_version": expected_version + 1}})
        if claimed.matched_count != 1:
            return False
        self.corrections.replace_one({"_id": records.composite_id(tenant, record["id"])},
                                     record, upsert=True)
        gone = records.superseded_ids(supersede, triples)
        if gone:
            self.triples.delete_many({"tenant": tenant, "_id": {"$in": gone}})
        self.upsert_triples(triples)
        return True

    @_translated
    def list_corrections(self, tenant: str, doc: str | None = None, limit: int = 1000,
                         offset: int = 0) -> list[dict[str, Any]]:
        records.check_paging(limit, offset)
        if limit == 0:
            return []
        query = {"tenant": tenant} if doc is None else {"tenant": tenant, "doc": doc}
        cursor = (self.corrections.find(query, {"_id": 0})
                  .sort([("at", ASCENDING), ("id", ASCENDING)]).skip(offset).limit(limit))
        return list(cursor)

    @_translated
    def purge_tenant(self, tenant: str) -> int:
        documents = self.documents.delete_many({"tenant": tenant}).deleted_count
        for collection in (self.jobs, self.entities, self.entity_aliases, self.triples,
                           self.corrections, self.idempotency):
            collection.delete_many({"tenant": tenant})
        return int(documents)
    # --- state shared by replicated services ----------------------------------------------------
    TOKEN_CAS_ATTEMPTS = 20
    """Compare-and-set rounds of ``take_token`` before a bucket that other replicas keep changing
    counts as exhausted (that many concurrent requests on one key are over any sane rate)."""

    @_translated
    def take_token(self, key: str, rate: float, burst: int, now: float) -> float:
        """Read the bucket, refill and take (records.take_from_bucket), then write it back only
        if nobody wrote it meanwhile; else read again."""
        for _ in range(self.TOKEN_CAS_ATTEMPTS):
            found = self.rate_buckets.find_one({"_id": key})
            bucket, wait = records.take_from_bucket(found, rate, burst, now)
            if found is None:
                try:
                    self.rate_buckets.insert_one({"_id": key, **bucket})
                except DuplicateKeyError:
                    continue
                return wait
            result = self.rate_buckets.update_one(
                {"_id": key, "tokens": found["tokens"], "at": found["at"]}, {"$set": bucket})
            if result.matched_count == 1:
                return wait
        return 1.0 / rate

    @_translated
    def oldest_queued_at(self) -> float | None:
        found = self.jobs.find_one({"status": str(JobStatus.QUEUED)}, {"created_at": 1},
                                   sort=[("created_at", ASCENDING)])
        return None if found is None else float(found["created_at"])

    # --- lifecycle -------------------------------------------------------------------------------
    def ping(self) -> bool:
        try:
            self.client.admin.command("ping")
        except PyMongoError:
            return False
        return True

    def close(self) -> None:
        """Close the client if this store created it; a client passed in belongs to the caller."""
        if self._owns_client:
            self.client.close()

"""The embedded store: SQLite in WAL mode plus blob files, for one machine without a server.

Several processes (dispatcher, API, CLI) and threads share one database file. WAL lets readers
run while one writer commits; every write runs in ``BEGIN IMMEDIATE`` so that the write lock is
taken up front (no deadlocking lock upgrades) and ``claim_job``'s read-then-update is atomic across
processes. Each (process, thread) has its own connection: sqlite3 connections must not cross
threads freely and must never be used again after ``fork``.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import uuid
import weakref
from collections.abc import Iterable, Iterator, Mapping, Sequence
from hashlib import sha256
from pathlib import Path
from typing import Any
from urllib.parse import quote

from cosy.domain import Job, JobStatus, Triple
from cosy.store import records
from cosy.store.base import BlobStore, Store, StoreError

BUSY_TIMEOUT_MS = 30_000
"""How long a writer waits for another process's write lock before giving up."""

SCHEMA_VERSION = 2
"""2 added api_keys and idempotency (created if missing, so a version-1 store upgrades)."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    tenant TEXT NOT NULL,
    id TEXT NOT NULL,
    created_at,
    data TEXT NOT NULL,
    PRIMARY KEY (tenant, id)
);
CREATE INDEX IF NOT EXISTS documents_tenant_created ON documents (tenant, created_at);

CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    tenant TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at REAL NOT NULL,
    not_before REAL NOT NULL,
    lease_until REAL,
    owner TEXT,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_status_not_before ON jobs (status, not_before);
CREATE INDEX IF NOT EXISTS jobs_status_lease ON jobs (status, lease_until);
CREATE INDEX IF NOT EXISTS jobs_tenant_created ON jobs (tenant, created_at);
CREATE INDEX IF NOT EXISTS jobs_created ON jobs (created_at);

CREATE TABLE IF NOT EXISTS entities (
    tenant TEXT NOT NULL,
    id TEXT NOT NULL,
    type TEXT NOT NULL,
    label TEXT NOT NULL,
    label_lc TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (tenant, id)
);
CREATE INDEX IF NOT EXISTS entities_tenant_type_label ON entities (tenant, type, label);
CREATE INDEX IF NOT EXISTS entities_tenant_label ON entities (tenant, label);

CREATE TABLE IF NOT EXISTS entity_docs (
    tenant TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (tenant, entity_id, doc)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS entity_docs_tenant_doc ON entity_docs (tenant, doc);

CREATE TABLE IF NOT EXISTS entity_aliases (
    tenant TEXT NOT NULL,
    alias TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    PRIMARY KEY (tenant, alias)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS triples (
    id TEXT PRIMARY KEY,
    tenant TEXT NOT NULL,
    s TEXT NOT NULL,
    p TEXT NOT NULL,
    o TEXT NOT NULL,
    doc TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS triples_tenant_s ON triples (tenant, s, p, o, doc);
CREATE INDEX IF NOT EXISTS triples_tenant_p_o ON triples (tenant, p, o);
CREATE INDEX IF NOT EXISTS triples_tenant_doc ON triples (tenant, doc);

CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant TEXT NOT NULL,
    ts REAL NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_tenant_ts ON audit (tenant, ts, seq);

CREATE TABLE IF NOT EXISTS api_keys (
    id TEXT PRIMARY KEY,
    hash TEXT NOT NULL UNIQUE,
    tenant TEXT NOT NULL,
    created_at REAL NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS api_keys_tenant_created ON api_keys (tenant, created_at);

CREATE TABLE IF NOT EXISTS idempotency (
    tenant TEXT NOT NULL,
    key TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (tenant, key)
) WITHOUT ROWID;

-- reviewers' corrections (created if missing: an older store gains it without a migration)
CREATE TABLE IF NOT EXISTS corrections (
    tenant TEXT NOT NULL,
    id TEXT NOT NULL,
    doc TEXT NOT NULL,
    at REAL NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (tenant, id)
);
CREATE INDEX IF NOT EXISTS corrections_tenant_at ON corrections (tenant, at, id);
CREATE INDEX IF NOT EXISTS corrections_tenant_doc ON corrections (tenant, doc, at, id);
"""

_TENANT_TABLES = ("documents", "jobs", "entities", "entity_docs", "entity_aliases", "triples",
                  "corrections", "idempotency")
"""Every table whose rows belong to one tenant's data (purge_tenant); api_keys and audit stay."""
_SERVICE_SCHEMA = """
CREATE TABLE IF NOT EXISTS rate_buckets (
    key TEXT PRIMARY KEY,
    tokens REAL NOT NULL,
    at REAL NOT NULL
) WITHOUT ROWID;
"""
"""State the API replicas share (issue 15): the rate limit's token buckets, one per API key."""

_ENTITY_SELECT = """
SELECT e.data,
       (SELECT json_group_array(d.doc) FROM entity_docs d
         WHERE d.tenant = e.tenant AND d.entity_id = e.id)
  FROM entities e
"""

DIR_MODE = 0o700
FILE_MODE = 0o600
"""The store holds every tenant's documents and keys: only its owner may read it."""


def private_dir(path: Path) -> None:
    """Create ``path`` (and parents) if missing; a directory COSY creates is its owner's only."""
    if not path.is_dir():
        path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
        os.chmod(path, DIR_MODE)


def private_files(db_path: Path) -> None:
    """Create the database file as its owner's only, and tighten it and its WAL files if an
    older COSY made them readable by others (SQLite gives the WAL files the database's mode)."""
    os.close(os.open(db_path, os.O_WRONLY | os.O_CREAT, FILE_MODE))
    for p in (db_path, db_path.with_name(db_path.name + "-wal"),
              db_path.with_name(db_path.name + "-shm")):
        if p.exists() and p.stat().st_mode & 0o077:
            os.chmod(p, FILE_MODE)


# Connections inherited through fork(): the child must neither use nor close them (closing could
# checkpoint or unlock on the parent's behalf), so they are parked here for the child's lifetime.
_INHERITED: list[Any] = []


class _Connection(sqlite3.Connection):
    """A sqlite3 connection that can be weakly referenced, so close() can reach every thread's."""


class _Connections:
    """One connection per (process, thread), opened lazily with the pragmas the store relies on."""

    def __init__(self, db_path: Path) -> None:
        self._db_path = db_path
        self._pid = os.getpid()
        self._local = threading.local()
        self._all: weakref.WeakSet[sqlite3.Connection] = weakref.WeakSet()
        self._lock = threading.Lock()

    def get(self) -> sqlite3.Connection:
        if os.getpid() != self._pid:  # forked: drop (but never touch) the parent's connections
            _INHERITED.append(self._local)
            self._pid = os.getpid()
            self._local = threading.local()
            self._all = weakref.WeakSet()
            self._lock = threading.Lock()
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._open()
            self._local.conn = conn
        return conn

    def _open(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(
                self._db_path,
                timeout=BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,  # autocommit; transactions are explicit BEGIN IMMEDIATE
                check_same_thread=False,  # used by its own thread only; closed by close_all
                factory=_Connection,
            )
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open SQLite database {self._db_path}: {exc}") from exc
        with self._lock:
            self._all.add(conn)
        return conn

    def close_all(self) -> None:
        if os.getpid() != self._pid:
            return
        with self._lock:
            conns, self._all = list(self._all), weakref.WeakSet()
            self._local = threading.local()
        for conn in conns:
            with contextlib.suppress(sqlite3.Error):
                conn.close()


class FileBlobStore(BlobStore):
    """Blobs as files under ``root``; written to a temp file and renamed, so never half a blob."""

    MAX_NAME = 200
    """Longer encoded keys are hashed: file systems limit names to 255 bytes."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        private_dir(self.root)

    def path_for(self, key: str) -> Path:
        """An injective key -> file name map: ``/``, ``:`` and ``.`` are percent-encoded.

        Encoding every ``.`` rules out ``.``/``..`` and keeps the ``.tmp-`` names of in-flight
        writes apart from blobs; ``#`` never occurs in an encoded name, so hashed names can't
        collide with encoded ones.
        """
        if not key:
            raise ValueError("blob key must not be empty")
        name = quote(key, safe="").replace(".", "%2E")
        if len(name) > self.MAX_NAME:
            name = "#" + sha256(key.encode()).hexdigest()
        return self.root / name

    def put(self, key: str, data: bytes) -> None:
        target = self.path_for(key)
        tmp = self.root / f".tmp-{uuid.uuid4().hex}"
        try:
            with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE),
                           "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        try:
            return self.path_for(key).read_bytes()
        except FileNotFoundError:
            raise KeyError(key) from None

    def exists(self, key: str) -> bool:
        return self.path_for(key).is_file()

    def delete(self, key: str) -> None:
        self.path_for(key).unlink(missing_ok=True)


class EmbeddedStore(Store):
    """The default store: ``path/cosy.db`` (SQLite, WAL) and ``path/blobs/``."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        try:
            private_dir(self.path)
            self.db_path = self.path / "cosy.db"
            private_files(self.db_path)
        except OSError as exc:
            raise StoreError(f"cannot create store directory {self.path}: {exc}") from exc
        self._connections = _Connections(self.db_path)
        self.blobs = FileBlobStore(self.path / "blobs")
        self._init_schema()

    def __repr__(self) -> str:
        return f"EmbeddedStore({str(self.path)!r})"

    # --- plumbing --------------------------------------------------------------------------------
    def _init_schema(self) -> None:
        with self._tx() as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.db_path} has schema {version}, newer than this COSY ({SCHEMA_VERSION})"
                )
            for statement in (_SCHEMA + _SERVICE_SCHEMA).split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @contextlib.contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """A write transaction holding the database write lock from its first statement."""
        conn = self._connections.get()
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise StoreError(f"SQLite: cannot begin a transaction: {exc}") from exc
        try:
            yield conn
        except BaseException as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise StoreError(f"SQLite: {exc}") from exc
            raise
        else:
            try:
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                raise StoreError(f"SQLite: commit failed: {exc}") from exc

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        try:
            return self._connections.get().execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise StoreError(f"SQLite: {exc}") from exc

    @staticmethod
    def _write_job(conn: sqlite3.Connection, job: dict[str, Any]) -> None:
        """Store the full record and mirror the queried fields into their indexed columns."""
        conn.execute(
            "INSERT INTO jobs"
            " (id, tenant, status, created_at, not_before, lease_until, owner, data)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(id) DO UPDATE SET status = excluded.status,"
            " not_before = excluded.not_before, lease_until = excluded.lease_until,"
            " owner = excluded.owner, data = excluded.data",
            (job["_id"], job["tenant"], job["status"], job["created_at"], job["not_before"],
             job["lease_until"], job["owner"], records.dumps(job)),
        )

    def _update_held_job(self, job_id: str, owner: str, fields: dict[str, Any]) -> bool:
        """Apply ``fields`` if ``owner`` still holds the running job; the check and write are one
        transaction, so a job re-claimed by another dispatcher is never overwritten."""
        with self._tx() as conn:
            row = conn.execute(
                "SELECT data FROM jobs WHERE id = ? AND owner = ? AND status = ?",
                (job_id, owner, records.HELD_STATUS),
            ).fetchone()
            if row is None:
                return False
            job = records.loads(row[0])
            job.update(fields)
            self._write_job(conn, job)
            return True

    # --- documents -------------------------------------------------------------------------------
    def put_document(self, tenant: str, doc: dict[str, Any]) -> bool:
        record = records.document_record(tenant, doc)
        with self._tx() as conn:
            cur = conn.execute(
                "INSERT INTO documents (tenant, id, created_at, data) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(tenant, id) DO NOTHING",
                (tenant, record["id"], record.get("created_at"), records.dumps(record)),
            )
            return cur.rowcount == 1

    def get_document(self, tenant: str, doc_id: str) -> dict[str, Any] | None:
        rows = self._read(
            "SELECT data FROM documents WHERE tenant = ? AND id = ?", (tenant, doc_id)
        )
        return records.loads(rows[0][0]) if rows else None

    def update_document(self, tenant: str, doc_id: str, fields: dict[str, Any]) -> None:
        changes = records.document_update(fields)
        if not changes:
            return
        with self._tx() as conn:
            self._write_document_fields(conn, tenant, doc_id, changes)

    @staticmethod
    def _write_document_fields(conn: sqlite3.Connection, tenant: str, doc_id: str,
                               changes: dict[str, Any]) -> None:
        row = conn.execute(
            "SELECT data FROM documents WHERE tenant = ? AND id = ?", (tenant, doc_id)
        ).fetchone()
        if row is None or not changes:
            return
        record = records.loads(row[0])
        record.update(changes)
        conn.execute(
            "UPDATE documents SET created_at = ?, data = ? WHERE tenant = ? AND id = ?",
            (record.get("created_at"), records.dumps(record), tenant, doc_id),
        )

    def list_documents(
        self, tenant: str, limit: int = 50, offset: int = 0
    ) -> list[dict[str, Any]]:
        records.check_paging(limit, offset)
        rows = self._read(
            "SELECT data FROM documents WHERE tenant = ?"
            " ORDER BY created_at DESC, id ASC LIMIT ? OFFSET ?",
            (tenant, limit, offset),
        )
        return [records.loads(r[0]) for r in rows]

    def count_documents(self, tenant: str) -> int:
        return int(self._read("SELECT COUNT(*) FROM documents WHERE tenant = ?", (tenant,))[0][0])

    def delete_document(self, tenant: str, doc_id: str) -> bool:
        with self._tx() as conn:
            params = (tenant, doc_id)
            conn.execute("DELETE FROM triples WHERE tenant = ? AND doc = ?", params)
            conn.execute("DELETE FROM entity_docs WHERE tenant = ? AND doc = ?", params)
            cur = conn.execute("DELETE FROM documents WHERE tenant = ? AND id = ?", params)
            return cur.rowcount > 0

    # --- jobs ------------------------------------------------------------------------------------
    def create_job(self, job: Job) -> None:
        record = job.to_dict()
        with self._tx() as conn:
            if conn.execute("SELECT 1 FROM jobs WHERE id = ?", (job.id,)).fetchone() is None:
                self._write_job(conn, record)

    def get_job(self, job_id: str, tenant: str | None = None) -> Job | None:
        if tenant is None:
            rows = self._read("SELECT data FROM jobs WHERE id = ?", (job_id,))
        else:
            rows = self._read("SELECT data FROM jobs WHERE id = ? AND tenant = ?", (job_id, tenant))
        return Job.from_dict(records.loads(rows[0][0])) if rows else None

    def list_jobs(
        self, tenant: str | None = None, status: str | None = None, limit: int = 50
    ) -> list[Job]:
        records.check_paging(limit)
        where, params = [], []
        if tenant is not None:
            where.append("tenant = ?")
            params.append(tenant)
        if status is not None:
            where.append("status = ?")
            params.append(str(JobStatus(status)))
        sql = "SELECT data FROM jobs"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY created_at DESC, id ASC LIMIT ?"
        rows = self._read(sql, [*params, limit])
        return [Job.from_dict(records.loads(r[0])) for r in rows]

    def claim_job(self, owner: str, lease_s: float, now: float) -> Job | None:
        with self._tx() as conn:
            row = conn.execute(
                "SELECT data FROM jobs"
                " WHERE (status = ? AND not_before <= ?) OR (status = ? AND lease_until < ?)"
                " ORDER BY created_at ASC, id ASC LIMIT 1",
                (str(JobStatus.QUEUED), now, str(JobStatus.RUNNING), now),
            ).fetchone()
            if row is None:
                return None
            job = records.loads(row[0])
            job.update(records.claim_fields(owner, lease_s, now))
            job["attempts"] = int(job.get("attempts", 0)) + 1
            self._write_job(conn, job)
            return Job.from_dict(job)

    def heartbeat(self, job_id: str, owner: str, lease_s: float, now: float,
                  progress: dict[str, Any] | None = None) -> bool:
        return self._update_held_job(
            job_id, owner, records.heartbeat_fields(lease_s, now, progress)
        )

    def finish_job(self, job_id: str, owner: str, status: str, now: float,
                   error: dict[str, Any] | None = None,
                   timings: dict[str, Any] | None = None,
                   outcome: dict[str, Any] | None = None) -> bool:
        return self._update_held_job(
            job_id, owner, records.finish_fields(status, now, error, timings, outcome)
        )

    def retry_job(self, job_id: str, owner: str, not_before: float, now: float,
                  error: dict[str, Any]) -> bool:
        return self._update_held_job(job_id, owner, records.retry_fields(not_before, now, error))

    def fail_job(self, job_id: str, now: float, error: dict[str, Any]) -> None:
        with self._tx() as conn:
            row = conn.execute("SELECT data FROM jobs WHERE id = ?", (job_id,)).fetchone()
            if row is None:
                return
            job = records.loads(row[0])
            job.update(records.fail_fields(now, error))
            self._write_job(conn, job)

    def count_jobs(self, tenant: str | None = None) -> dict[str, int]:
        if tenant is None:
            rows = self._read("SELECT status, COUNT(*) FROM jobs GROUP BY status")
        else:
            rows = self._read(
                "SELECT status, COUNT(*) FROM jobs WHERE tenant = ? GROUP BY status", (tenant,)
            )
        return {status: int(n) for status, n in rows}

    # --- entities and triples ---------------------------------------------------------------------
    def upsert_entities(self, tenant: str, entities: Iterable[dict[str, Any]], doc_id: str) -> int:
        rows = [records.entity_record(tenant, e) for e in entities]
        if not rows:
            return 0
        with self._tx() as conn:
            self._write_entities(conn, tenant, rows, doc_id)
        return len(rows)

    @staticmethod
    def _write_entities(conn: sqlite3.Connection, tenant: str, rows: list[dict[str, Any]],
                        doc_id: str) -> None:
        conn.executemany(
            "INSERT INTO entities (tenant, id, type, label, label_lc, data)"
            " VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(tenant, id) DO UPDATE SET type = excluded.type,"
            " label = excluded.label, label_lc = excluded.label_lc, data = excluded.data",
            [(tenant, r["id"], r["type"], r["label"], r["label"].lower(), records.dumps(r))
             for r in rows],
        )
        conn.executemany(
            "INSERT INTO entity_docs (tenant, entity_id, doc) VALUES (?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            [(tenant, r["id"], doc_id) for r in rows],
        )

    def publish_document(self, tenant: str, doc_id: str, entities: Iterable[dict[str, Any]],
                         triples: Iterable[Triple], fields: dict[str, Any]) -> None:
        """One write transaction: readers (WAL) see the state before it or after it."""
        rows = [records.entity_record(tenant, e) for e in entities]
        with self._tx() as conn:
            self._write_entities(conn, tenant, rows, doc_id)
            self._write_triples(conn, triples)
            self._write_document_fields(conn, tenant, doc_id, records.document_update(fields))

    def resolve_entities(self, tenant: str,
                         aliases: Mapping[str, Sequence[str]]) -> dict[str, str]:
        out: dict[str, str] = {}
        with self._tx() as conn:  # one write transaction: concurrent writers take turns
            for proposed, keys in aliases.items():
                canonical = proposed
                for key in keys:
                    row = conn.execute("SELECT entity_id FROM entity_aliases WHERE tenant = ?"
                                       " AND alias = ?", (tenant, key)).fetchone()
                    if row is not None:
                        canonical = row[0]
                        break
                conn.executemany("INSERT INTO entity_aliases (tenant, alias, entity_id)"
                                 " VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                                 [(tenant, key, canonical) for key in keys])
                out[proposed] = canonical
        return out

    def get_entity(self, tenant: str, entity_id: str) -> dict[str, Any] | None:
        rows = self._read(_ENTITY_SELECT + " WHERE e.tenant = ? AND e.id = ?", (tenant, entity_id))
        if not rows:
            return None
        data, docs = rows[0]
        return records.entity_out(records.loads(data), records.loads(docs))

    def find_entities(self, tenant: str, type: str | None = None, q: str | None = None,
                      limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        records.check_paging(limit, offset)
        sql = _ENTITY_SELECT + " WHERE e.tenant = ?"
        params: list[Any] = [tenant]
        if type is not None:
            sql += " AND e.type = ?"
            params.append(type)
        if q:
            sql += " AND instr(e.label_lc, ?) > 0"
            params.append(q.lower())
        sql += " ORDER BY e.label ASC, e.id ASC LIMIT ? OFFSET ?"
        rows = self._read(sql, [*params, limit, offset])
        return [records.entity_out(records.loads(d), records.loads(docs)) for d, docs in rows]

    def upsert_triples(self, triples: Iterable[Triple]) -> int:
        triples = list(triples)
        if not triples:
            return 0
        with self._tx() as conn:
            self._write_triples(conn, triples)
        return len(triples)

    @staticmethod
    def _write_triples(conn: sqlite3.Connection, triples: Sequence[Triple]) -> None:
        conn.executemany(
            "INSERT INTO triples (id, tenant, s, p, o, doc, data) VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(id) DO UPDATE SET data = excluded.data",
            [(t.id, t.tenant, t.s, t.p, t.o, t.doc, records.dumps(t.to_dict())) for t in triples],
        )

    def find_triples(self, tenant: str, s: str | None = None, p: str | None = None,
                     o: str | None = None, doc: str | None = None,
                     limit: int = 1000, offset: int = 0) -> list[Triple]:
        records.check_paging(limit, offset)
        sql = "SELECT data FROM triples WHERE tenant = ?"
        params: list[Any] = [tenant]
        for column, value in (("s", s), ("p", p), ("o", o), ("doc", doc)):
            if value is not None:
                sql += f" AND {column} = ?"
                params.append(value)
        sql += " ORDER BY s, p, o, doc LIMIT ? OFFSET ?"
        rows = self._read(sql, [*params, limit, offset])
        return [Triple.from_dict(records.loads(r[0])) for r in rows]

    def count_triples(self, tenant: str, doc: str | None = None) -> int:
        if doc is None:
            rows = self._read("SELECT COUNT(*) FROM triples WHERE tenant = ?", (tenant,))
        else:
            rows = self._read(
                "SELECT COUNT(*) FROM triples WHERE tenant = ? AND doc = ?", (tenant, doc)
            )
        return int(rows[0][0])

    # --- audit -----------------------------------------------------------------------------------
    def audit(self, tenant: str, event: str, now: float, **details: Any) -> None:
        record = records.audit_record(tenant, event, now, details)
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO audit (tenant, ts, data) VALUES (?, ?, ?)",
                (tenant, now, records.dumps(record)),
            )

    def list_audit(self, tenant: str, limit: int = 100) -> list[dict[str, Any]]:
        records.check_paging(limit)
        rows = self._read(
            "SELECT data FROM audit WHERE tenant = ? ORDER BY ts DESC, seq DESC LIMIT ?",
            (tenant, limit),
        )
        return [records.loads(r[0]) for r in rows]

    # --- API keys and idempotency ----------------------------------------------------------------
    def put_api_key(self, record: dict[str, Any]) -> bool:
        rec = records.api_key_record(record)
        with self._tx() as conn:
            cur = conn.execute(
                "INSERT INTO api_keys (id, hash, tenant, created_at, data) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                (rec["id"], rec["hash"], rec["tenant"], rec["created_at"], records.dumps(rec)),
            )
            return cur.rowcount == 1

    def get_api_key_by_hash(self, key_hash: str) -> dict[str, Any] | None:
        rows = self._read("SELECT data FROM api_keys WHERE hash = ?", (key_hash,))
        return records.loads(rows[0][0]) if rows else None

    def list_api_keys(self, tenant: str | None = None) -> list[dict[str, Any]]:
        sql, params = "SELECT data FROM api_keys", []
        if tenant is not None:
            sql, params = sql + " WHERE tenant = ?", [tenant]
        rows = self._read(sql + " ORDER BY created_at DESC, id ASC", params)
        return [records.loads(r[0]) for r in rows]

    def revoke_api_key(self, key_id: str, now: float) -> bool:
        with self._tx() as conn:
            row = conn.execute("SELECT data FROM api_keys WHERE id = ?", (key_id,)).fetchone()
            if row is None:
                return False
            rec = records.loads(row[0])
            if rec.get("revoked_at") is not None:
                return False
            rec["revoked_at"] = now
            conn.execute("UPDATE api_keys SET data = ? WHERE id = ?", (records.dumps(rec), key_id))
            return True

    def put_idempotency(self, tenant: str, key: str, record: dict[str, Any]) -> bool:
        rec = records.idempotency_record(tenant, key, record)
        with self._tx() as conn:
            cur = conn.execute(
                "INSERT INTO idempotency (tenant, key, data) VALUES (?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                (tenant, key, records.dumps(rec)),
            )
            return cur.rowcount == 1

    def get_idempotency(self, tenant: str, key: str) -> dict[str, Any] | None:
        rows = self._read(
            "SELECT data FROM idempotency WHERE tenant = ? AND key = ?", (tenant, key)
        )
        return records.loads(rows[0][0]) if rows else None

    # --- review: corrections and tenant resets ---------------------------------------------------
    def apply_correction(self, tenant: str, doc_id: str, expected_version: int,
                         result: dict[str, Any], correction: dict[str, Any],
                         supersede: Sequence[str], triples: Sequence[Triple]) -> bool:
        record = records.correction_record(tenant, doc_id, correction)
        gone = records.superseded_ids(supersede, triples)
        with self._tx() as conn:
            row = conn.execute("SELECT data FROM documents WHERE tenant = ? AND id = ?",
                               (tenant, doc_id)).fetchone()
            if row is None:
                return False
            doc = records.loads(row[0])
            if int(doc.get("review_version") or 0) != expected_version:
                return False
            doc.update(result=result, review_version=expected_version + 1)
            conn.execute("UPDATE documents SET data = ? WHERE tenant = ? AND id = ?",
                         (records.dumps(doc), tenant, doc_id))
            conn.execute("INSERT INTO corrections (tenant, id, doc, at, data)"
                         " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                         (tenant, record["id"], doc_id, record["at"], records.dumps(record)))
            conn.executemany("DELETE FROM triples WHERE tenant = ? AND id = ?",
                             [(tenant, i) for i in gone])
            self._write_triples(conn, triples)
        return True

    def list_corrections(self, tenant: str, doc: str | None = None, limit: int = 1000,
                         offset: int = 0) -> list[dict[str, Any]]:
        records.check_paging(limit, offset)
        sql, params = "SELECT data FROM corrections WHERE tenant = ?", [tenant]
        if doc is not None:
            sql, params = sql + " AND doc = ?", [*params, doc]
        rows = self._read(sql + " ORDER BY at ASC, id ASC LIMIT ? OFFSET ?",
                          [*params, limit, offset])
        return [records.loads(r[0]) for r in rows]

    def purge_tenant(self, tenant: str) -> int:
        with self._tx() as conn:
            documents = conn.execute("SELECT COUNT(*) FROM documents WHERE tenant = ?",
                                     (tenant,)).fetchone()[0]
            for table in _TENANT_TABLES:
                conn.execute(f"DELETE FROM {table} WHERE tenant = ?", (tenant,))
        return int(documents)
    # --- state shared by replicated services ----------------------------------------------------
    def take_token(self, key: str, rate: float, burst: int, now: float) -> float:
        with self._tx() as conn:  # the write lock makes read-refill-write one step
            row = conn.execute("SELECT tokens, at FROM rate_buckets WHERE key = ?",
                               (key,)).fetchone()
            bucket, wait = records.take_from_bucket(
                None if row is None else {"tokens": row[0], "at": row[1]}, rate, burst, now)
            conn.execute("INSERT INTO rate_buckets (key, tokens, at) VALUES (?, ?, ?)"
                         " ON CONFLICT(key) DO UPDATE SET tokens = excluded.tokens,"
                         " at = excluded.at", (key, bucket["tokens"], bucket["at"]))
        return wait

    def oldest_queued_at(self) -> float | None:
        rows = self._read("SELECT MIN(created_at) FROM jobs WHERE status = ?",
                          (str(JobStatus.QUEUED),))
        return None if rows[0][0] is None else float(rows[0][0])

    # --- lifecycle -------------------------------------------------------------------------------
    def ping(self) -> bool:
        try:
            return self._read("SELECT 1")[0][0] == 1
        except StoreError:
            return False

    def close(self) -> None:
        self._connections.close_all()

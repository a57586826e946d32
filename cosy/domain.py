"""The typed data model shared by steps, store, API and CLI.

Kept free of I/O so that every layer (steps on Dask workers, the store, the API) speaks the same
types. Records that cross process boundaries are plain dataclasses (picklable, cheap); records that
go into the store have ``to_dict``/``from_dict`` with JSON-safe values.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

BBox = tuple[float, float, float, float]
"""A box on a page in PDF points: (x0, top, x1, bottom), origin top-left (pdfplumber's)."""

DEFAULT_TENANT = "default"


def stable_id(*parts: object, size: int = 32) -> str:
    """A deterministic id from parts: writing the same thing twice is an idempotent upsert."""
    digest = hashlib.sha256(
        json.dumps(parts, ensure_ascii=False, separators=(",", ":"), default=str).encode()
    )
    return digest.hexdigest()[:size]


def document_id(content: bytes) -> str:
    """Documents are content-addressed: the same bytes are the same document."""
    return "sha256:" + hashlib.sha256(content).hexdigest()


# --- page content --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Word:
    """One word on a page, from the PDF text layer or from OCR, with its box."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float = 0.0
    bold: bool = False
    conf: float = 1.0  # how sure OCR's recogniser was of the word's line; a text layer's: 1
    vertical: bool = False  # it runs up or down the page (a margin's legal line), read upright

    @property
    def bbox(self) -> BBox:
        return (self.x0, self.top, self.x1, self.bottom)


@dataclass(frozen=True, slots=True)
class Line:
    """Words that share a baseline, in reading order; ``start`` is the offset in the page text."""

    words: tuple[Word, ...]
    text: str
    start: int

    @property
    def bbox(self) -> BBox:
        return union_bbox(w.bbox for w in self.words)


@dataclass(frozen=True, slots=True)
class PageGeometry:
    """A page's size in points. A page that declares no size is read as A4, so that every
    position relative to the page is defined."""

    width: float = 595.0
    height: float = 842.0

    @classmethod
    def of(cls, width: float, height: float) -> PageGeometry:
        """The size a PDF states, A4's side where it states none (zero)."""
        return cls(float(width) or cls.width, float(height) or cls.height)

    def to_dict(self) -> dict[str, float]:
        return {"width": self.width, "height": self.height}


@dataclass(frozen=True)
class Pose:
    """How OCR set a page image upright to read it: turned by ``turn`` degrees clockwise (0,
    90, 180, 270), then levelled: its lines rose by ``skew`` degrees (counter-clockwise as
    seen). A page read from its text layer is as it is: Pose()."""

    turn: int = 0
    skew: float = 0.0

    def to_dict(self) -> dict[str, float]:
        return {"turn": self.turn, "skew": self.skew}


def union_bbox(boxes: Any) -> BBox:
    boxes = list(boxes)
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


# --- extraction results --------------------------------------------------------------------------


@dataclass(slots=True)
class Mention:
    """A candidate value found on a page: raw text, normalised value, where, and who found it."""

    kind: str  # date, amount, iban, invoice_number, ...
    raw: str
    value: str
    page: int
    bbox: BBox
    span: tuple[int, int]
    step: str
    confidence: float = 0.5
    model: str | None = None
    label: str | None = None  # the text that introduces the value, e.g. "Rechnungsnummer"
    role: str | None = None  # the field this mention was chosen for, e.g. "issue_date"


@dataclass(slots=True)
class FieldValue:
    """A selected field of DESIGN §8, with provenance."""

    name: str
    value: Any
    confidence: float
    page: int | None = None
    bbox: BBox | None = None
    span: tuple[int, int] | None = None
    step: str = ""
    model: str | None = None
    source: str = "page"  # page | xml
    needs_review: bool = False  # calibrated confidence under the threshold: a person decides
    label_agrees: bool | None = None  # the field_label model reads its label as this field

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"value": self.value, "confidence": round(self.confidence, 3)}
        if self.page is not None:
            out["page"] = self.page
        if self.bbox is not None:
            out["bbox"] = [round(v, 1) for v in self.bbox]
        out["source"] = self.source
        out["step"] = self.step
        if self.model:
            out["model"] = self.model
        if self.label_agrees is not None:
            out["label_agrees"] = self.label_agrees
        if self.needs_review:
            out["needs_review"] = True
        return out


@dataclass(slots=True)
class Entity:
    """A node of the knowledge graph; its id comes from its canonical key, not from the document."""

    id: str
    type: str  # Organization, Person, PostalAddress, BankAccount, TaxID, Document, LineItem
    label: str
    tenant: str = DEFAULT_TENANT
    keys: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class Triple:
    """(subject, predicate, object) plus provenance; ``id`` makes upserts idempotent."""

    tenant: str
    s: str
    p: str
    o: str
    doc: str
    o_kind: str = "literal"  # literal | entity
    datatype: str | None = None  # xsd:date, xsd:decimal, ... for literals
    page: int | None = None
    bbox: BBox | None = None
    span: tuple[int, int] | None = None
    step: str = ""
    model: str | None = None
    model_version: str | None = None
    confidence: float = 1.0
    pipeline_version: str = ""
    source: str = "page"
    needs_review: bool = False  # the value behind it waits for a person (calibrated, low)

    @property
    def id(self) -> str:
        return stable_id(self.tenant, self.s, self.p, self.o, self.doc)

    def to_dict(self) -> dict[str, Any]:
        """The stored record. Its fields are flat, so no deep copy (``asdict``) is needed: that
        cost a tenth of a born-digital page's own work."""
        out = {name: getattr(self, name) for name in TRIPLE_FIELDS}
        out["_id"] = self.id
        if self.bbox is not None:
            out["bbox"] = list(self.bbox)
        if self.span is not None:
            out["span"] = list(self.span)
        return out

    def to_json(self) -> dict[str, Any]:
        """As the extraction result shows it: the stored record without the tenant."""
        out = self.to_dict()
        del out["tenant"]
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Triple:
        data = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        if data.get("bbox") is not None:
            data["bbox"] = tuple(data["bbox"])
        if data.get("span") is not None:
            data["span"] = tuple(data["span"])
        return cls(**data)


TRIPLE_FIELDS = tuple(Triple.__dataclass_fields__)


# --- jobs ----------------------------------------------------------------------------------------


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"

    @property
    def final(self) -> bool:
        return self in (JobStatus.SUCCEEDED, JobStatus.FAILED)


@dataclass(slots=True)
class Job:
    """A durable unit of work: one document through the pipeline.

    ``lease_until`` and ``owner`` let a dispatcher that starts again take over jobs whose owner
    died; ``not_before`` delays a retry (backoff); ``attempts`` bounds retries.
    """

    id: str
    tenant: str
    doc_id: str
    file_name: str
    status: JobStatus = JobStatus.QUEUED
    created_at: float = 0.0
    updated_at: float = 0.0
    attempts: int = 0
    max_attempts: int = 3
    owner: str | None = None
    lease_until: float | None = None
    not_before: float = 0.0
    progress: dict[str, Any] = field(default_factory=dict)
    error: dict[str, Any] | None = None  # {"step": ..., "reason": ..., "kind": ...}
    timings: dict[str, Any] = field(default_factory=dict)
    partial: bool = False  # succeeded without some pages (over a budget): see skipped_pages
    skipped_pages: list[dict[str, Any]] = field(default_factory=list)  # page, kind, reason
    worker_deaths: int = 0  # Dask workers that died while this job's document ran

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["_id"] = out.pop("id")
        out["status"] = str(self.status)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Job:
        data = dict(data)
        data["id"] = data.pop("_id", data.get("id"))
        data["status"] = JobStatus(data["status"])
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

    def view(self) -> dict[str, Any]:
        """What every client sees of the job (the API, `cosy jobs`, progress bars).

        Progress reaches the store at most every half second while a job runs, so the last
        write of a finished job may say '450/658, stage layout': a finished job reports all
        steps done (stage ``done``, or ``failed``), whatever the last heartbeat saw.
        """
        progress: dict[str, Any] = {k: self.progress.get(k) for k in ("steps_done", "steps_total",
                                                                      "stage")}
        progress["steps_done"] = progress["steps_done"] or 0
        if self.status == JobStatus.SUCCEEDED:
            if progress["steps_total"]:
                progress["steps_done"] = progress["steps_total"]
            progress["stage"] = "done"
        elif self.status == JobStatus.QUEUED and not progress["stage"]:
            progress["stage"] = "queued"
        elif self.status == JobStatus.FAILED:
            progress["stage"] = "failed"
        return {"id": self.id, "document_id": self.doc_id, "file_name": self.file_name,
                "status": str(self.status), "attempts": self.attempts,
                "max_attempts": self.max_attempts, "progress": progress,
                "created_at": self.created_at, "updated_at": self.updated_at,
                "timings": {k: v for k, v in self.timings.items() if k != "steps"} or None,
                "error": self.error, "partial": self.partial,
                "skipped_pages": self.skipped_pages, "worker_deaths": self.worker_deaths}

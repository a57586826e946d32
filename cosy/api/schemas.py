"""Pydantic models at the edge: what clients send and receive, and what OpenAPI documents.

The store's records stay plain dicts inside COSY; these models fix the public shape so that an
internal field (a blob key, a lease owner) never leaks by accident.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ErrorDetail(BaseModel):
    model_config = ConfigDict(extra="allow")

    code: str = Field(description="stable, machine-readable, e.g. too_large, not_found")
    message: str = Field(description="for people")
    request_id: str | None = None


class ErrorResponse(BaseModel):
    error: ErrorDetail


class Page(BaseModel):
    """Paging of a list: ``total`` where the store can count cheaply."""

    limit: int
    offset: int
    total: int | None = None


# --- documents and jobs -------------------------------------------------------------------------



class UploadItem(BaseModel):
    document_id: str
    job_id: str
    file_name: str
    created: bool = Field(description="False when the same content was already there")
    status: str = Field(description="the job's status")
    links: dict[str, str]


class UploadResponse(BaseModel):
    items: list[UploadItem]


class DocumentSummary(BaseModel):
    id: str
    file_name: str
    size: int | None = None
    pages: int | None = None
    media_type: str | None = None
    status: str | None = None
    created_at: float | None = None
    job_id: str | None = None
    triples: int | None = None
    error: dict[str, Any] | None = None


class DocumentOut(DocumentSummary):
    result: dict[str, Any] | None = Field(
        None, description="the extraction result (DESIGN §8) once the job succeeded")
    file_name_original: str | None = Field(
        None, description="the uploaded name, escaped, when it had control or bidi characters "
        "(file_name is it without them)")
    skipped_pages: list[dict[str, Any]] = Field(
        default_factory=list, description="pages not read (page, kind, reason): a partial result")


class DocumentList(Page):
    items: list[DocumentSummary]


class Progress(BaseModel):
    steps_done: int = 0
    steps_total: int | None = None
    stage: str | None = None


class JobOut(BaseModel):
    id: str
    document_id: str
    file_name: str
    status: str
    attempts: int
    max_attempts: int
    progress: Progress
    created_at: float
    updated_at: float
    timings: dict[str, Any] | None = Field(
        None, description="total_s, per_page_s, families ...; per-step seconds are in the result")
    error: dict[str, Any] | None = None
    partial: bool = Field(False, description="succeeded without some pages: see skipped_pages")
    skipped_pages: list[dict[str, Any]] = Field(
        default_factory=list, description="pages not read, each with page, kind and reason "
        "(over a budget: docs/reliability.md)")
    worker_deaths: int = Field(0, description="Dask workers that died while the job ran")


# --- graph ---------------------------------------------------------------------------------------


class TripleOut(BaseModel):
    s: str
    p: str
    o: str
    o_kind: str
    datatype: str | None = None
    doc: str
    page: int | None = None
    bbox: list[float] | None = None
    span: list[int] | None = None
    step: str = ""
    model: str | None = None
    model_version: str | None = None
    confidence: float
    pipeline_version: str = ""
    source: str = "page"


class TripleList(Page):
    items: list[TripleOut]


class EntityOut(BaseModel):
    id: str
    type: str
    label: str
    keys: dict[str, Any] = {}
    docs: list[str] = []


class EntityList(Page):
    items: list[EntityOut]


class DocumentRef(BaseModel):
    id: str
    file_name: str | None = None


class EntityDetail(EntityOut):
    triples: list[TripleOut] = Field(description="where the entity is subject or object")
    documents: list[DocumentRef]


class GraphNode(BaseModel):
    id: str
    type: str | None = None
    label: str | None = None
    distance: int


class GraphEdge(BaseModel):
    s: str
    p: str
    o: str
    doc: str


class Neighbourhood(BaseModel):
    center: str
    depth: int
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    truncated: bool = Field(description="True when the node cap stopped the walk")


# --- operations ----------------------------------------------------------------------------------


class Health(BaseModel):
    status: str


class Ready(BaseModel):
    status: str
    checks: dict[str, bool]

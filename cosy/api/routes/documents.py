"""Documents: upload, list, metadata and result, the original, page images, triples, delete."""

from __future__ import annotations

import hashlib
import time
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Header, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from cosy.api.deps import Reader, SettingsDep, StoreDep, Writer
from cosy.api.errors import ApiError, not_found
from cosy.api.render import RENDERER
from cosy.api.routes import AUTHED, error_responses
from cosy.api.schemas import (
    DocumentList,
    DocumentOut,
    DocumentSummary,
    TripleList,
    UploadItem,
    UploadResponse,
)
from cosy.api.uploads import UploadedFile, read_files
from cosy.config import Settings
from cosy.domain import Triple
from cosy.ingest import InputError, clean_file_name, inspect_document, limits
from cosy.jobs import blob_key, submit_document
from cosy.kg.export import FORMATS, serialize
from cosy.store.base import Store

router = APIRouter(prefix="/v1", tags=["documents"], responses=error_responses(*AUTHED))

MAX_OFFSET = 10**9
TRIPLE_PAGE = 1000
MAX_EXPORT_TRIPLES = 100_000
JSON = "application/json"

Limit = Annotated[int, Query(ge=1, le=500, description="page size")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="items to skip")]
DocId = Annotated[str, Path(min_length=1, max_length=200, description="sha256:… of the content")]

UPLOAD_BODY = {
    "required": True,
    "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["files"],
        "properties": {"files": {"type": "array",
                                 "items": {"type": "string", "format": "binary"}}},
    }}},
}


# --- upload --------------------------------------------------------------------------------------


@router.post(
    "/documents", status_code=202, response_model=UploadResponse,
    summary="Upload PDFs (multipart field 'files'); each gets a document and a job",
    responses={200: {"model": UploadResponse,
                     "description": "Every file was already there (content-addressed)"},
               **error_responses(400, 401, 403, 409, 413, 415, 422, 429, 500)},
    openapi_extra={"requestBody": UPLOAD_BODY},
)
async def upload(
    request: Request, principal: Writer, store: StoreDep, settings: SettingsDep,
    idempotency_key: Annotated[str | None, Header(
        min_length=1, max_length=200,
        description="Same key and tenant -> the same response, without a second upload")] = None,
) -> Response:
    """202 with a document and a job per file; 200 if all were known before.

    Validation is all-or-nothing: if one file is refused (size, type, pages, encryption), none
    is stored and the answer names the file.
    """
    files = await read_files(request, "files", settings.api_max_files, settings.max_bytes)
    try:
        if not files:
            raise ApiError(422, "no_files", "send at least one file in the multipart field 'files'")
        fingerprint = await run_in_threadpool(_fingerprint, files)
        if idempotency_key:
            replay = await run_in_threadpool(store.get_idempotency, principal.tenant,
                                             idempotency_key)
            if replay is not None:
                return _replay(replay, fingerprint)
        status, body = await run_in_threadpool(_submit_all, store, settings, principal.tenant,
                                               files)
        if status == 202 and request.app.state.on_submitted is not None:
            request.app.state.on_submitted()  # a dispatcher in this process starts at once
    finally:
        for f in files:
            f.file.close()
    if idempotency_key:
        record = {"fingerprint": fingerprint, "status": status, "body": body,
                  "created_at": time.time()}
        created = await run_in_threadpool(store.put_idempotency, principal.tenant,
                                          idempotency_key, record)
        if not created:
            stored = await run_in_threadpool(store.get_idempotency, principal.tenant,
                                             idempotency_key)
            if stored is not None:  # a concurrent request with this key won
                return _replay(stored, fingerprint)
    headers = {"Location": body["items"][0]["links"]["job"]} if len(body["items"]) == 1 else {}
    return JSONResponse(body, status_code=status, headers=headers)


def _fingerprint(files: list[UploadedFile]) -> str:
    h = hashlib.sha256()
    for f in files:
        h.update(f.file_name.encode() + b"\0" + hashlib.sha256(f.read()).digest())
    return h.hexdigest()


def _replay(record: dict[str, Any], fingerprint: str) -> JSONResponse:
    if record.get("fingerprint") != fingerprint:
        raise ApiError(422, "idempotency_key_reused",
                       "this Idempotency-Key was used for a different request")
    return JSONResponse(record["body"], status_code=int(record["status"]),
                        headers={"Idempotent-Replayed": "true"})


def _submit_all(store: Store, settings: Settings, tenant: str,
                files: list[UploadedFile]) -> tuple[int, dict[str, Any]]:
    """Validate every file, then store each; runs in a worker thread (PDFium, disk, store)."""
    for f in files:
        try:
            inspect_document(f.read(), f.file_name, tenant, **limits(settings))
        except InputError as err:
            raise ApiError.from_input_error(err, clean_file_name(f.file_name)[0]) from None
    items = []
    for f in files:
        sub = submit_document(store, f.read(), f.file_name, tenant, settings)
        doc_id = sub.document["id"]
        items.append(UploadItem(
            document_id=doc_id, job_id=sub.job.id, file_name=sub.document["file_name"],
            created=sub.created,
            status=str(sub.job.status),
            links={"document": f"/v1/documents/{quote(doc_id)}", "job": f"/v1/jobs/{sub.job.id}",
                   "events": f"/v1/jobs/{sub.job.id}/events"},
        ).model_dump())
    status = 202 if any(i["created"] for i in items) else 200
    return status, {"items": items}


# --- read ----------------------------------------------------------------------------------------


def _document(store: Store, tenant: str, doc_id: str) -> dict[str, Any]:
    doc = store.get_document(tenant, doc_id)
    if doc is None:
        raise not_found("document", doc_id)
    return doc


@router.get("/documents", response_model=DocumentList,
            summary="The tenant's documents, newest first")
def list_documents(principal: Reader, store: StoreDep, limit: Limit = 50,
                   offset: Offset = 0) -> DocumentList:
    docs = store.list_documents(principal.tenant, limit=limit, offset=offset)
    return DocumentList(items=[DocumentSummary.model_validate(d) for d in docs], limit=limit,
                        offset=offset, total=store.count_documents(principal.tenant))


@router.get("/documents/{doc_id}", response_model=DocumentOut,
            summary="Metadata and, once processed, the extraction result (DESIGN §8)")
def get_document(doc_id: DocId, principal: Reader, store: StoreDep) -> DocumentOut:
    return DocumentOut.model_validate(_document(store, principal.tenant, doc_id))


@router.get("/documents/{doc_id}/file", summary="The original file",
            responses={200: {"content": {"application/pdf": {}},
                             "description": "The bytes as uploaded"}})
def get_file(doc_id: DocId, principal: Reader, store: StoreDep) -> Response:
    doc = _document(store, principal.tenant, doc_id)
    try:
        data = store.blobs.get(doc.get("blob") or blob_key(principal.tenant, doc_id))
    except KeyError:
        raise not_found("original file of document", doc_id) from None
    name = doc.get("file_name") or "document.pdf"
    return Response(data, media_type=doc.get("media_type") or "application/pdf", headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})


@router.get("/documents/{doc_id}/pages/{page}.png", summary="A page rendered as PNG",
            responses={200: {"content": {"image/png": {}}, "description": "The page image"},
                       **error_responses(503)})
def get_page_image(
    doc_id: DocId, page: Annotated[int, Path(ge=1, le=100_000)], principal: Reader,
    store: StoreDep, settings: SettingsDep,
    scale: Annotated[float, Query(gt=0, le=8, description="1.0 = 72 dpi")] = 1.0,
) -> Response:
    """Rendered with PDFium in a separate, limited process (cosy.api.render): ``scale`` is
    capped by settings, the image by its pixels, the page by the pipeline's budgets."""
    doc = _document(store, principal.tenant, doc_id)
    if scale > settings.api_render_max_scale:
        raise ApiError(422, "invalid_request",
                       f"scale {scale} is over the maximum of {settings.api_render_max_scale}")
    if page > int(doc.get("pages") or 0):
        raise not_found("page", f"{page} of document {doc_id}")
    try:
        data = store.blobs.get(doc.get("blob") or blob_key(principal.tenant, doc_id))
    except KeyError:
        raise not_found("original file of document", doc_id) from None
    return Response(RENDERER.render(data, page, scale, settings), media_type="image/png",
                    headers={"Cache-Control": "private, max-age=3600"})


# --- triples -------------------------------------------------------------------------------------


def negotiate(accept: str | None, offered: list[str]) -> str | None:
    """The offered media type the Accept header prefers (q-values honoured); None if none fits."""
    if not accept or not accept.strip():
        return offered[0]
    ranked: list[tuple[float, int, str]] = []
    for i, item in enumerate(accept.split(",")):
        media, *params = (part.strip() for part in item.split(";"))
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        ranked.append((q, -i, media.lower()))
    for q, _, media in sorted(ranked, reverse=True):
        if q <= 0:
            continue
        for candidate in offered:
            if media in (candidate, "*/*") or (media.endswith("/*")
                                               and candidate.startswith(media[:-1])):
                return candidate
    return None


def triple_out(t: Triple) -> dict[str, Any]:
    return {k: v for k, v in t.to_dict().items() if k not in ("_id", "tenant")}


@router.get(
    "/documents/{doc_id}/triples", response_model=TripleList,
    summary="The document's triples as JSON (with provenance), N-Triples or JSON-LD",
    responses={200: {"content": {"application/n-triples": {"schema": {"type": "string"}},
                                 "application/ld+json": {"schema": {"type": "object"}}},
                     "description": "Choose with the Accept header"},
               **error_responses(406)},
)
def document_triples(
    doc_id: DocId, principal: Reader, store: StoreDep,
    accept: Annotated[str | None, Header(max_length=1000)] = None,
    limit: Annotated[int, Query(ge=1, le=TRIPLE_PAGE, description="JSON only")] = TRIPLE_PAGE,
    offset: Offset = 0,
) -> Any:
    """JSON is paged; N-Triples and JSON-LD carry all of the document's triples."""
    _document(store, principal.tenant, doc_id)
    media = negotiate(accept, [JSON, *FORMATS])
    if media is None:
        raise ApiError(406, "not_acceptable",
                       f"triples are available as {', '.join([JSON, *FORMATS])}")
    if media == JSON:
        items = store.find_triples(principal.tenant, doc=doc_id, limit=limit, offset=offset)
        return TripleList(items=[triple_out(t) for t in items], limit=limit, offset=offset,
                          total=store.count_triples(principal.tenant, doc=doc_id))
    triples: list[Triple] = []
    while len(triples) < MAX_EXPORT_TRIPLES:
        batch = store.find_triples(principal.tenant, doc=doc_id, limit=TRIPLE_PAGE,
                                   offset=len(triples))
        triples += batch
        if len(batch) < TRIPLE_PAGE:
            break
    return Response(serialize(triples, media), media_type=media)


# --- delete --------------------------------------------------------------------------------------


@router.delete("/documents/{doc_id}", status_code=204, response_class=Response,
               summary="Delete the document, its original and the triples only it supports",
               responses=error_responses(409))
def delete_document(doc_id: DocId, principal: Writer, store: StoreDep) -> Response:
    """Triples are per document (their id includes it), so other documents' triples stay; the
    entities stay too, with this document removed from their ``docs``. A document whose job is
    still queued or running is refused (409): its result would be written after the delete."""
    doc = _document(store, principal.tenant, doc_id)
    job = store.get_job(doc["job_id"], principal.tenant) if doc.get("job_id") else None
    if job is not None and not job.status.final:
        raise ApiError(409, "job_in_progress",
                       f"the document's job {job.id} is {job.status}; delete it when it has ended")
    store.delete_document(principal.tenant, doc_id)
    store.blobs.delete(doc.get("blob") or blob_key(principal.tenant, doc_id))
    store.audit(principal.tenant, "document.deleted", time.time(), doc_id=doc_id,
                key_id=principal.key_id)
    return Response(status_code=204)


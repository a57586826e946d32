"""The demo and review page: server-rendered HTML under /app, a little JavaScript, no CDN.

Every page and action goes through the API's own route functions (upload, job events, page
images, neighbourhood, entity search) with the principal of the cookie's key, so the page can
do exactly what the key may do over the API, for the key's tenant only.
"""

from __future__ import annotations

from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field

from cosy import __version__
from cosy.api.deps import Principal, SettingsDep, StoreDep, authenticate
from cosy.api.errors import ApiError
from cosy.api.keys import Role
from cosy.api.routes import documents, graph, jobs
from cosy.api.web import graphview
from cosy.api.web.demo import DemoError, reset_demo
from cosy.api.web.session import (
    COOKIE,
    COOKIE_MAX_AGE_S,
    COOKIE_PATH,
    ActionUser,
    PageUser,
    csrf_token,
    key_of,
    needs,
)
from cosy.review import FAMILIES, Reviewer, ReviewError, field_rows, review_queue, review_value
from cosy.store.base import Store

HERE = FilePath(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")
router = APIRouter(include_in_schema=False)

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                               "script-src 'self'; frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
PAGE_SCALE = 2.0
"""Page images are rendered at 144 dpi; boxes are drawn in PDF points, so any scale lines up."""
DEFAULT_PAGE_SIZE = {"width": 595.0, "height": 842.0}
STAGES = ("parse", "ocr", "layout", "fields", "graph")
REVIEW_ERROR_STATUS = {"not_found": 404, "conflict": 409, "invalid": 422}


def page(request: Request, name: str, principal: Principal | None, status: int = 200,
         **context: Any) -> HTMLResponse:
    settings = request.app.state.settings
    raw = key_of(request)
    response = templates.TemplateResponse(request, name, {
        "user": principal, "csrf": csrf_token(raw) if raw and principal else "",
        "version": __version__, "demo_tenant": settings.demo_tenant,
        "can_reset": principal is not None and principal.role.allows(Role.ADMIN)
        and principal.tenant == settings.demo_tenant, **context}, status_code=status)
    response.headers.update(SECURITY_HEADERS)
    return response


def error_page(request: Request, principal: Principal, err: ApiError) -> HTMLResponse:
    return page(request, "error.html", principal, err.status, error=err)


# --- entry, login, logout ------------------------------------------------------------------------


@router.get("/")
def root() -> RedirectResponse:
    return RedirectResponse("/app", status_code=307)


@router.get("/app")
def app_home() -> RedirectResponse:
    return RedirectResponse("/app/documents", status_code=303)


@router.get("/app/login", response_class=HTMLResponse)
def login_form(request: Request) -> HTMLResponse:
    return page(request, "login.html", None)


@router.post("/app/login", response_class=HTMLResponse)
def login(request: Request, key: Annotated[str, Form(max_length=500)] = "") -> Response:
    """Check the pasted key like any API call would; keep it in the HttpOnly cookie."""
    key = key.strip()
    try:
        authenticate(request, None, key)
    except ApiError as err:
        return page(request, "login.html", None, 401 if err.status == 401 else err.status,
                    error=err.message)
    response = RedirectResponse("/app/documents", status_code=303)
    response.set_cookie(COOKIE, key, max_age=COOKIE_MAX_AGE_S, path=COOKIE_PATH, httponly=True,
                        samesite="strict", secure=_https(request))
    return response


@router.post("/app/logout")
def logout(principal: ActionUser) -> RedirectResponse:
    response = RedirectResponse("/app/login", status_code=303)
    response.delete_cookie(COOKIE, path=COOKIE_PATH, httponly=True, samesite="strict")
    return response


def _https(request: Request) -> bool:
    return request.url.scheme == "https" or \
        request.headers.get("x-forwarded-proto", "").lower() == "https"


# --- documents and upload ------------------------------------------------------------------------


@router.get("/app/documents", response_class=HTMLResponse)
def documents_page(request: Request, principal: PageUser, store: StoreDep,
                   offset: Annotated[int, Query(ge=0, le=documents.MAX_OFFSET)] = 0
                   ) -> HTMLResponse:
    docs = store.list_documents(principal.tenant, limit=50, offset=offset)
    total = store.count_documents(principal.tenant)
    rows = []
    for d in docs:
        job = store.get_job(d["job_id"], principal.tenant) if d.get("job_id") else None
        timings = job.timings if job else {}
        rows.append({"doc": d, "status": job.status if job else d.get("status"),
                     "per_page_s": timings.get("per_page_s"),
                     "doc_type": ((d.get("result") or {}).get("document") or {}).get("doc_type")})
    return page(request, "documents.html", principal, rows=rows, total=total, offset=offset,
                stages=STAGES, can_upload=principal.role.allows(Role.WRITER))


@router.post("/app/upload")
async def upload(request: Request, principal: ActionUser, store: StoreDep,
                 settings: SettingsDep) -> Response:
    """The API's upload (same validation, limits and answers) for the page's drop zone."""
    needs(principal, Role.WRITER, "uploading documents")
    return await documents.upload(request, principal, store, settings, None)


@router.get("/app/jobs/{job_id}/events")
async def job_events(job_id: jobs.JobId, principal: PageUser, store: StoreDep,
                     settings: SettingsDep) -> Response:
    return await jobs.job_events(job_id, principal, store, settings)


# --- one document --------------------------------------------------------------------------------


@router.get("/app/documents/{doc_id}", response_class=HTMLResponse)
def document_page(request: Request, doc_id: documents.DocId, principal: PageUser,
                  store: StoreDep, settings: SettingsDep,
                  page_no: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1
                  ) -> HTMLResponse:
    try:
        doc = documents._document(store, principal.tenant, doc_id)
    except ApiError as err:
        return error_page(request, principal, err)
    job = store.get_job(doc["job_id"], principal.tenant) if doc.get("job_id") else None
    result = doc.get("result")
    pages = int(doc.get("pages") or 1)
    page_no = min(page_no, pages)
    context: dict[str, Any] = {"doc": doc, "job": job, "result": result, "page_no": page_no,
                               "pages": pages, "families": FAMILIES,
                               "can_review": principal.role.allows(Role.WRITER),
                               "threshold": settings.review_threshold}
    if result:
        sizes = (result.get("document") or {}).get("page_sizes") or []
        rows = field_rows(result)
        groups = {f: [r for r in rows if r.family == f] for f in FAMILIES}
        context.update(
            size=sizes[page_no - 1] if len(sizes) >= page_no else DEFAULT_PAGE_SIZE,
            rows=rows, groups={f: rs for f, rs in groups.items() if rs},
            boxes=[r for r in rows if r.page == page_no and r.bbox],
            checks=result.get("checks") or [], line_items=result.get("line_items") or [],
            tax_breakdown=result.get("tax_breakdown") or [],
            xml_fields=[r for r in rows if r.source == "xml"], scale=PAGE_SCALE)
    return page(request, "document.html", principal, **context)


@router.get("/app/documents/{doc_id}/pages/{page_no}.png")
def page_image(doc_id: documents.DocId, page_no: Annotated[int, Path(ge=1, le=100_000)],
               principal: PageUser, store: StoreDep,
               settings: SettingsDep,
               scale: Annotated[float, Query(gt=0, le=8)] = PAGE_SCALE) -> Response:
    return documents.get_page_image(doc_id, page_no, principal, store, settings, scale)


# --- review --------------------------------------------------------------------------------------


@router.get("/app/review", response_class=HTMLResponse)
def review_page(request: Request, principal: PageUser, store: StoreDep,
                settings: SettingsDep) -> HTMLResponse:
    items = review_queue(store, principal.tenant, settings.review_threshold)
    return page(request, "review.html", principal, items=items,
                threshold=settings.review_threshold,
                can_review=principal.role.allows(Role.WRITER))


class ReviewIn(BaseModel):
    doc: str = Field(min_length=1, max_length=200)
    key: str = Field(min_length=1, max_length=200, description="field, or field.part")
    value: str | None = Field(None, max_length=2000, description="absent: accept as it is")


@router.post("/app/review")
async def review(body: ReviewIn, principal: ActionUser, store: StoreDep) -> JSONResponse:
    """Accept or correct one value (writer role): result, graph and corrections log at once."""
    needs(principal, Role.WRITER, "correcting values")
    reviewer = Reviewer(principal.key_id, _key_name(store, principal))
    try:
        correction = await run_in_threadpool(review_value, store, principal.tenant, body.doc,
                                              body.key, body.value, reviewer)
    except ReviewError as err:
        raise ApiError(REVIEW_ERROR_STATUS[err.kind], err.kind, err.message) from None
    return JSONResponse({k: correction[k] for k in (
        "id", "doc", "key", "action", "old_value", "new_value", "by", "at", "triples")})


def _key_name(store: Store, principal: Principal) -> str:
    record = next((k for k in store.list_api_keys(principal.tenant)
                   if k["id"] == principal.key_id), None)
    return (record or {}).get("name") or ""


# --- graph ---------------------------------------------------------------------------------------


@router.get("/app/graph", response_class=HTMLResponse)
def graph_page(request: Request, principal: PageUser, store: StoreDep, settings: SettingsDep,
               entity: Annotated[str | None, Query(max_length=300)] = None,
               q: Annotated[str | None, Query(max_length=200)] = None) -> HTMLResponse:
    found = graph.list_entities(principal, store, q=q or None, limit=50).items if q else []
    if entity is None and not q:
        first = store.find_entities(principal.tenant, type="Organization", limit=1)
        entity = first[0]["id"] if first else None
    context: dict[str, Any] = {"q": q or "", "found": found, "entity": None}
    if entity:
        try:
            detail = graph.get_entity(entity, principal, store)
            hood = graph.neighbourhood(entity, principal, store, settings, depth=1)
        except ApiError as err:
            return error_page(request, principal, err)
        nodes, edges = graphview.layout(hood)
        context.update(entity=detail, nodes=nodes, edges=edges, truncated=hood.truncated,
                       width=graphview.WIDTH, height=graphview.HEIGHT,
                       literals=[t for t in detail.triples
                                 if t.s == entity and t.o_kind == "literal"])
    return page(request, "graph.html", principal, **context)


# --- demo ----------------------------------------------------------------------------------------


@router.post("/app/demo/reset")
async def demo_reset(principal: ActionUser, store: StoreDep,
                     settings: SettingsDep, request: Request) -> JSONResponse:
    """Admins of the demo tenant only: empty it and queue the sample documents again."""
    needs(principal, Role.ADMIN, "resetting the demo")
    try:
        done = await run_in_threadpool(reset_demo, store, settings, principal.tenant,
                                       principal.key_id)
    except DemoError as err:
        raise ApiError(err.status, "demo_reset_refused", err.message) from None
    if done["queued"] and request.app.state.on_submitted is not None:
        request.app.state.on_submitted()
    return JSONResponse(done)

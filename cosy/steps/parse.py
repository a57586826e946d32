"""Parse: open a page with pdfplumber and read its words, images, font sizes and metadata.

Before any page is parsed, ``parse.check`` looks at what each costs (cosy.pdfguard.check); a
page over a budget, or one the engine gave up on (``page_skip``: over its time or memory), is
opened as a blank page of its size, so every later step runs unchanged and the result names
the page as skipped.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
from typing import Any

import pdfplumber
from pdfminer.pdfparser import PDFSyntaxError
from pdfplumber.page import Page
from pdfplumber.utils.exceptions import PdfminerException

from cosy.budgets import Budgets
from cosy.domain import PageGeometry, Pose, Word
from cosy.engine.step import StepContext, StepError, step
from cosy.ingest import DocumentInfo
from cosy.pdfguard.check import check_document, page_object

A4 = (595.0, 842.0)


@step("parse.check", scope="document", requires=["pdf_bytes", "doc_info"],
      provides=["doc.page_checks"])
def check(pdf_bytes: bytes, doc_info: DocumentInfo, ctx: StepContext) -> list[dict[str, Any]]:
    """What each page costs (decoded bytes, operators, objects, nesting, image sizes) and which
    pages will not be read, before any page is parsed or rendered (cosy.pdfguard.check)."""
    return check_document(pdf_bytes, doc_info.pages, Budgets.from_settings(ctx.settings))


@step("parse.page_check", scope="page", requires=["doc.page_checks", "page_no", "page_skip"],
      provides=["page.check"])
def page_check(doc_page_checks: list[dict[str, Any]], page_no: int,
               page_skip: dict[str, str] | None) -> dict[str, Any]:
    """This page's check; a page the engine gave up on (``page_skip``) is skipped with its
    reason."""
    found = doc_page_checks[page_no - 1]
    return {**found, "skip": page_skip} if page_skip else found


@step("parse.open_page", scope="page", requires=["pdf_bytes", "page_no", "page.check"],
      provides=["pdf_page"])
def open_page(pdf_bytes: bytes, page_no: int, page_check: dict[str, Any] | None = None) -> Any:
    """The pdfplumber page (lives only inside this page's task: it is not sent over the wire);
    a blank page of the same size when the page is skipped or draws nothing."""
    if page_check is not None and (page_check.get("skip") or not page_check.get("painted")):
        return blank_page(page_check.get("width") or A4[0], page_check.get("height") or A4[1])
    try:
        if page_check is not None and page_check.get("objid") is not None:
            pdf = pdfplumber.open(io.BytesIO(pdf_bytes))
            return Page(pdf, page_object(pdf.doc, page_check["objid"]), page_number=page_no)
        return pdfplumber.open(io.BytesIO(pdf_bytes), pages=[page_no]).pages[0]
    except (PDFSyntaxError, IndexError, ValueError) as err:
        raise StepError(f"cannot open page {page_no}: {err}") from err


def blank_page(width: float, height: float) -> Any:
    """A pdfplumber page with nothing on it: what a skipped page reads as."""
    return pdfplumber.open(io.BytesIO(_blank_pdf(round(width, 2), round(height, 2)))).pages[0]


@functools.lru_cache(maxsize=16)
def _blank_pdf(width: float, height: float) -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(width, height), invariant=1)
    c.showPage()
    c.save()
    return buf.getvalue()


@step("parse.geometry", scope="page", requires=["pdf_page", "page.pose"],
      provides=["page.geometry"])
def geometry(pdf_page: Any, page_pose: Pose | None = None) -> PageGeometry:
    """Page width and height in points, for boxes relative to the page: of the page as its
    words were read, so the sides swap where OCR turned a page lying on its side (None: a
    page as it is)."""
    width, height = pdf_page.width, pdf_page.height
    if page_pose is not None and page_pose.turn % 180:
        width, height = height, width
    return PageGeometry.of(width, height)


@step("parse.words", scope="page", requires=["pdf_page"], provides=["page.raw_words"])
def words(pdf_page: Any) -> list[Word]:
    """Words of the text layer with box, size and boldness (fonts tell labels from values)."""
    out = []
    for w in pdf_page.extract_words(extra_attrs=["size", "fontname"], keep_blank_chars=False,
                                    x_tolerance=1.5, y_tolerance=2):
        font = w.get("fontname", "")
        out.append(Word(w["text"], float(w["x0"]), float(w["top"]), float(w["x1"]),
                        float(w["bottom"]), round(float(w.get("size", 0.0)), 2),
                        "bold" in font.lower() or "black" in font.lower()))
    return out


@step("parse.images", scope="page", requires=["pdf_page"], provides=["page.images"])
def images(pdf_page: Any) -> dict[str, Any]:
    """Image boxes on the page and the share of the page they cover (a scan is one big image;
    a logo is a small one)."""
    size = PageGeometry.of(pdf_page.width, pdf_page.height)
    area = max(size.width * size.height, 1.0)
    boxes = [(float(i["x0"]), float(i["top"]), float(i["x1"]), float(i["bottom"]))
             for i in pdf_page.images]
    covered = sum(max(0.0, x1 - x0) * max(0.0, b - t) for x0, t, x1, b in boxes)
    return {"boxes": boxes, "coverage": round(min(covered / area, 1.0), 4)}


@step("parse.metadata", scope="document", requires=["pdf_bytes"], provides=["doc.pdf_metadata"])
def metadata(pdf_bytes: bytes) -> dict[str, str]:
    """The PDF's information dictionary (producer, creator, creation date): which software made
    a document says where it came from, stored with the document node."""
    try:  # not closed: pdfplumber's close() walks every page, which costs a long document
        info = pdfplumber.open(io.BytesIO(pdf_bytes)).metadata or {}
    except (PDFSyntaxError, PdfminerException, ValueError):
        return {}  # the pages were readable (ingest checked); metadata is a nice-to-have
    out = {}
    for key in ("Producer", "Creator", "CreationDate", "Title"):
        value = info.get(key)
        if isinstance(value, bytes):
            value = value.decode("latin-1", "replace")
        if isinstance(value, str) and value.strip():
            out[key.lower()] = value.strip()[:200]
    if "creationdate" in out:
        out["created"] = pdf_date(out.pop("creationdate")) or ""
    return {k: v for k, v in out.items() if v}


def pdf_date(value: str) -> str | None:
    """A PDF date ('D:20240301120000+01'00'') as ISO 'YYYY-MM-DD', None if it is none."""
    m = re.match(r"(?:D:)?(\d{4})(\d{2})(\d{2})", value)
    if m is None:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    except ValueError:
        return None


RULED = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
MAX_TABLE_EDGES = 20_000
"""Drawn edges (4 per rectangle, 1 per line) above which ruled tables are not searched for."""


@step("parse.tables", scope="page", requires=["pdf_page"], provides=["page.tables"])
def tables(pdf_page: Any) -> list[dict[str, Any]]:
    """Ruled tables (pdfplumber, cells bounded by drawn lines): each row's cell texts and boxes.
    Their cells are exact where reading columns from header positions has to guess.

    pdfplumber's table finder grows faster than the page's drawn edges (25,000 rectangles take
    it 7 s); past :data:`MAX_TABLE_EDGES` the page is read without ruled tables (line items
    then come from column positions)."""
    if len(pdf_page.rects) * 4 + len(pdf_page.lines) > MAX_TABLE_EDGES:
        return []
    out = []
    for table in pdf_page.find_tables(RULED):
        texts = table.extract()
        if len(texts) < 2 or max(len(r) for r in texts) < 3:
            continue
        rows = [[{"text": " ".join((t or "").split()), "bbox": tuple(map(float, box))}
                 if box is not None else None for t, box in zip(texts[k], row.cells, strict=False)]
                for k, row in enumerate(table.rows)]
        out.append({"bbox": tuple(map(float, table.bbox)), "rows": rows})
    return out

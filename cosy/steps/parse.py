"""Parse: open a page with pdfplumber and read its words, images, font sizes and metadata."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pdfplumber
from pdfminer.pdfparser import PDFSyntaxError
from pdfplumber.utils.exceptions import PdfminerException

from cosy.domain import PageGeometry, Word
from cosy.engine.step import StepError, step


@step("parse.open_page", scope="page", requires=["pdf_bytes", "page_no"], provides=["pdf_page"])
def open_page(pdf_bytes: bytes, page_no: int) -> Any:
    """The pdfplumber page (lives only inside this page's task: it is not sent over the wire)."""
    try:
        pdf = pdfplumber.open(io.BytesIO(pdf_bytes))
        return pdf.pages[page_no - 1]
    except (PDFSyntaxError, IndexError, ValueError) as err:
        raise StepError(f"cannot open page {page_no}: {err}") from err


@step("parse.geometry", scope="page", requires=["pdf_page"], provides=["page.geometry"])
def geometry(pdf_page: Any) -> PageGeometry:
    """Page width and height in points, for boxes relative to the page."""
    return PageGeometry.of(pdf_page.width, pdf_page.height)


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


@step("parse.images", scope="page", requires=["pdf_page", "page.geometry"],
      provides=["page.images"])
def images(pdf_page: Any, page_geometry: PageGeometry) -> dict[str, Any]:
    """Image boxes on the page and the share of the page they cover (a scan is one big image;
    a logo is a small one)."""
    area = max(page_geometry.width * page_geometry.height, 1.0)
    boxes = [(float(i["x0"]), float(i["top"]), float(i["x1"]), float(i["bottom"]))
             for i in pdf_page.images]
    covered = sum(max(0.0, x1 - x0) * max(0.0, b - t) for x0, t, x1, b in boxes)
    return {"boxes": boxes, "coverage": round(min(covered / area, 1.0), 4)}


@step("parse.metadata", scope="document", requires=["pdf_bytes"], provides=["doc.pdf_metadata"])
def metadata(pdf_bytes: bytes) -> dict[str, str]:
    """The PDF's information dictionary (producer, creator, creation date): which software made
    a document says where it came from, stored with the document node."""
    try:
        with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
            info = pdf.metadata or {}
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


@step("parse.tables", scope="page", requires=["pdf_page"], provides=["page.tables"])
def tables(pdf_page: Any) -> list[dict[str, Any]]:
    """Ruled tables (pdfplumber, cells bounded by drawn lines): each row's cell texts and boxes.
    Their cells are exact where reading columns from header positions has to guess."""
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

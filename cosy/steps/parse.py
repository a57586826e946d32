"""Parse: open a page with pdfplumber and read its words with their boxes and fonts."""

from __future__ import annotations

import io
from typing import Any

import pdfplumber
from pdfminer.pdfparser import PDFSyntaxError

from cosy.domain import Word
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
def geometry(pdf_page: Any) -> dict[str, float]:
    """Page width and height in points, for boxes relative to the page."""
    return {"width": float(pdf_page.width), "height": float(pdf_page.height)}


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

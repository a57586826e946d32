"""OCR: words for pages without a usable text layer (scans), so later steps work the same.

A page whose text layer holds fewer than :data:`MIN_TEXT_CHARS` characters is rendered with
pypdfium2 and read by :class:`~cosy.inference.page_ocr.PageOCR` (PP-OCR detection and
recognition ONNX models from the ``rapidocr`` wheel, pinned in the model registry; the page is
straightened first and detected at a resolution chosen from its letter height). Each recognised
text line becomes :class:`~cosy.domain.Word` s with boxes in PDF points (from the recogniser's
character positions) and the recogniser's confidence (``Word.conf``, the lowest of the word's
characters), so layout and field steps need no OCR special case.

Before OCR, a page must show something: one that draws nothing, or shows next to no ink when
rendered small, is blank and skips OCR (a 500-page scan of empty paper costs milliseconds per
page). Rendering is capped in pixels and cropped to the page's content (cosy.pdfguard.render).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pypdfium2 as pdfium

from cosy.budgets import Budgets, configured
from cosy.domain import Word
from cosy.engine.step import StepContext, StepError, step
from cosy.inference.page_ocr import PageText
from cosy.pdfguard.render import Rendered, is_blank
from cosy.pdfguard.render import render_page as render_capped

OCR_MODELS = ("ocr_det@PP-OCRv6_small", "ocr_rec@PP-OCRv6_small")  # registry refs, pinned
MIN_TEXT_CHARS = 20  # fewer characters in the text layer: treat the page as a scan
OCR_DPI = 200
SIZE_OF_HEIGHT = 0.8  # font size relative to the height of a detected text box (box padding)


SCAN_COVERAGE = 0.8  # an image over this share of the page ...
SCAN_MAX_CHARS = 200  # ... with at most this much text on top of it: a scan with a stamp


def needs_ocr(raw_words: list[Word], image_coverage: float = 0.0) -> bool:
    """True for an image-only page, or one that is one big image with a few words on top (a
    scan with a stamp, a page number or a 'Kopie' overlay: its text layer is not the page)."""
    chars = sum(len(w.text.strip()) for w in raw_words)
    return chars < MIN_TEXT_CHARS or (image_coverage >= SCAN_COVERAGE and chars < SCAN_MAX_CHARS)


@step("ocr.scan_check", scope="page",
      requires=["page.raw_words", "page.images", "page.check", "pdf_bytes", "page_no"],
      provides=["page.scan"])
def scan_check(page_raw_words: list[Word], page_images: dict[str, Any],
               page_check: dict[str, Any] | None = None, pdf_bytes: bytes = b"",
               page_no: int = 1, ctx: StepContext | None = None) -> dict[str, Any]:
    """Whether the page is read by OCR, and why (recorded per page in the result): not when
    it has a text layer, is skipped, or is blank (nothing drawn, or no ink at low resolution)."""
    chars = sum(len(w.text.strip()) for w in page_raw_words)
    coverage = float(page_images["coverage"])
    ocr = needs_ocr(page_raw_words, coverage)
    reason = ("no text layer" if chars < MIN_TEXT_CHARS else
              f"an image covers {coverage:.0%} of the page" if ocr else "text layer")
    if page_check is not None and page_check.get("skip"):
        ocr, reason = False, "skipped"
    elif ocr and page_check is not None and (
            not page_check.get("painted") or is_blank(pdf_bytes, page_no,
                                                      _budgets(ctx).render_pixels)):
        ocr, reason = False, "blank page"
    return {"ocr": ocr, "reason": reason, "text_chars": chars, "image_coverage": coverage}


def _budgets(ctx: StepContext | None) -> Budgets:
    return configured() if ctx is None else Budgets.from_settings(ctx.settings)


def render_page(pdf_bytes: bytes, page_no: int, dpi: int = OCR_DPI,
                budgets: Budgets | None = None) -> np.ndarray:
    """The page as OCR sees it: grayscale at ``dpi`` (less to fit the pixel budget), cropped
    to its content (scans are read in gray; colour adds nothing)."""
    rendered = _render(pdf_bytes, page_no, dpi, budgets or configured())
    return np.zeros((0, 0), np.uint8) if rendered is None else rendered.image


def _render(pdf_bytes: bytes, page_no: int, dpi: int, budgets: Budgets) -> Rendered | None:
    return render_capped(pdf_bytes, page_no, dpi, budgets.render_pixels, budgets.ocr_min_dpi)


def ocr_words(engine: Any, image: np.ndarray, dpi: float = OCR_DPI, left: float = 0.0,
              top: float = 0.0) -> list[Word]:
    """Read a page image (:class:`~cosy.inference.page_ocr.PageOCR`); words with boxes in PDF
    points and the recogniser's confidence (:func:`page_words`)."""
    return page_words(engine.read(image), dpi, left, top)


def page_words(page: PageText, dpi: float = OCR_DPI, left: float = 0.0,
               top: float = 0.0) -> list[Word]:
    """The words of an OCR'd page in PDF points (pixels at ``dpi``; ``left`` and ``top``
    place the image on the page). Words share their line's top and bottom, so that layout
    groups them as one line; a page OCR turned or straightened keeps its upright frame."""
    scale = 72.0 / dpi
    words: list[Word] = []
    for line in page.lines:
        _, y0, _, y1 = line.box
        y0, y1 = round(y0 * scale + top, 2), round(y1 * scale + top, 2)
        size = round((y1 - y0) * SIZE_OF_HEIGHT, 2)
        for w in line.words:
            words.append(Word(w.text, round(w.x0 * scale + left, 2), y0,
                              round(w.x1 * scale + left, 2), y1, size, False,
                              round(w.conf, 4)))
    return words


def read_page(engine: Any, pdf_bytes: bytes, page_no: int, dpi: int = OCR_DPI,
              budgets: Budgets | None = None) -> list[Word]:
    """OCR one page of a PDF (render within the budgets, recognise, convert)."""
    rendered = _render(pdf_bytes, page_no, dpi, budgets or configured())
    if rendered is None:  # the page draws nothing
        return []
    return ocr_words(engine, rendered.image, rendered.dpi, rendered.left, rendered.top)


@step("ocr.words", scope="page", requires=["page.raw_words", "page.scan", "pdf_bytes", "page_no"],
      provides=["page.source_words"], model="+".join(OCR_MODELS))
def words(page_raw_words: list[Word], page_scan: dict[str, Any], pdf_bytes: bytes, page_no: int,
          ctx: StepContext) -> list[Word]:
    """The page's words: the text layer's, or OCR's where ``ocr.scan_check`` found a scan."""
    if not page_scan["ocr"]:
        return page_raw_words
    try:
        return read_page(ctx.resources.ocr(*OCR_MODELS), pdf_bytes, page_no,
                         budgets=_budgets(ctx))
    except pdfium.PdfiumError as err:
        raise StepError(f"cannot render page {page_no} for OCR: {err}") from err

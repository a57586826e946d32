"""PDFium rendering within a pixel budget, cropped to what the page draws; the blank test.

A page's size says nothing about its content: a 5 × 5 m page (PDF's maximum) holds one
sentence in a corner, or nothing at all. So the area rendered is the union of what the page
draws (PDFium's object bounds), and the resolution is lowered until that area fits the pixel
budget; below the lowest resolution still worth reading, the page is not rendered at all
(``page_too_large``). Rendering never draws annotations or form fields: OCR reads the page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pypdfium2 as pdfium

from cosy.budgets import mp
from cosy.engine.step import BudgetExceeded
from cosy.ingest import PDFIUM_LOCK

Box = tuple[float, float, float, float]  # (left, bottom, right, top) in PDF points

BLANK_DPI = 36
"""Resolution of the blank test: a word of 10 pt text is still a few dark pixels."""
INK_LEVEL = 64
"""A pixel this much darker than the page's background is ink."""
BLANK_INK_SHARE = 2e-4
"""A page with less ink than this share of its pixels (about two letters) is blank."""
MIN_SIDE_PT = 4.0
"""Content narrower or lower than this (in points) holds no readable letter."""


@dataclass(frozen=True)
class Rendered:
    """A grayscale page image and how to map its pixels back to page points."""

    image: np.ndarray
    dpi: float
    left: float  # points from the page's left edge to the image's left edge
    top: float  # points from the page's top edge to the image's top edge
    right: float = 0.0  # points from the image's right edge to the page's
    bottom: float = 0.0  # points from the image's bottom edge to the page's

    def to_points(self, x_px: float, y_px: float) -> tuple[float, float]:
        scale = 72.0 / self.dpi
        return x_px * scale + self.left, y_px * scale + self.top


def content_box(page: pdfium.PdfPage) -> Box | None:
    """The union of what the page draws, within the page; None when it draws nothing."""
    left, bottom, right, top = page.get_bbox()
    box: list[float] | None = None
    for obj in page.get_objects(max_depth=0):
        try:
            x0, y0, x1, y1 = obj.get_bounds()
        except pdfium.PdfiumError:
            continue
        x0, y0, x1, y1 = max(x0, left), max(y0, bottom), min(x1, right), min(y1, top)
        if x1 <= x0 or y1 <= y0:
            continue
        box = [x0, y0, x1, y1] if box is None else [min(box[0], x0), min(box[1], y0),
                                                    max(box[2], x1), max(box[3], y1)]
    return None if box is None else (box[0], box[1], box[2], box[3])


def fit_dpi(width_pt: float, height_pt: float, dpi: float, max_pixels: int) -> float:
    """``dpi``, lowered until an area of ``width_pt`` × ``height_pt`` fits ``max_pixels``."""
    pixels = (width_pt * dpi / 72) * (height_pt * dpi / 72)
    return dpi if pixels <= max_pixels else dpi * math.sqrt(max_pixels / pixels)


def render_page(pdf_bytes: bytes, page_no: int, dpi: float, max_pixels: int,
                min_dpi: float) -> Rendered | None:
    """Page ``page_no`` in gray, cropped to its content, at ``dpi`` or less to fit
    ``max_pixels``; None when the page draws nothing. Raises BudgetExceeded
    (``page_too_large``) when the content fits only below ``min_dpi``."""
    with PDFIUM_LOCK:
        pdf = pdfium.PdfDocument(pdf_bytes)
        try:
            page = pdf[page_no - 1]
            try:
                return _render(page, dpi, max_pixels, min_dpi)
            finally:
                page.close()
        finally:
            pdf.close()


def _render(page: pdfium.PdfPage, dpi: float, max_pixels: int,
            min_dpi: float) -> Rendered | None:
    box = content_box(page)
    if box is None:
        return None
    left, bottom, right, top = page.get_bbox()
    if page.get_rotation() % 360:  # crops apply after rotation: render the whole page
        box, crop = (left, bottom, right, top), (0.0, 0.0, 0.0, 0.0)
    else:
        crop = (box[0] - left, box[1] - bottom, right - box[2], top - box[3])
    width, height = box[2] - box[0], box[3] - box[1]
    if width < MIN_SIDE_PT or height < MIN_SIDE_PT:  # a speck: no letter fits in it
        return None
    fitted = fit_dpi(width, height, dpi, max_pixels)
    if fitted < min_dpi:
        need = (width * min_dpi / 72) * (height * min_dpi / 72)
        raise BudgetExceeded(
            f"its content ({width / 72 * 2.54:.0f} × {height / 72 * 2.54:.0f} "
            f"cm) needs {mp(need)} at {min_dpi:.0f} dpi, over the budget of {mp(max_pixels)}",
            kind="page_too_large")
    bitmap = page.render(scale=fitted / 72, crop=crop, grayscale=True, draw_annots=False,
                         may_draw_forms=False)
    image = np.array(bitmap.to_numpy(), copy=True)  # the bitmap's memory belongs to PDFium
    if image.ndim == 3:
        image = image[..., 0]
    return Rendered(image, fitted, crop[0], crop[3], crop[2], crop[1])


def ink_share(image: np.ndarray) -> float:
    """The share of pixels clearly darker than the page's background (its median)."""
    if image.size == 0:
        return 0.0
    background = float(np.median(image))
    return float(np.count_nonzero(image < background - INK_LEVEL)) / image.size


def is_blank(pdf_bytes: bytes, page_no: int, max_pixels: int) -> bool:
    """Whether the page shows (almost) nothing: rendered small, it has next to no ink."""
    rendered = render_page(pdf_bytes, page_no, BLANK_DPI, max_pixels, 1)
    return rendered is None or ink_share(rendered.image) < BLANK_INK_SHARE

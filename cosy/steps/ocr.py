"""OCR: words for pages without a usable text layer (scans), so later steps work the same.

A page whose text layer holds fewer than :data:`MIN_TEXT_CHARS` characters is rendered with
pypdfium2 and read by RapidOCR (PP-OCR detection and recognition ONNX models from the
``rapidocr`` wheel, pinned in the model registry). Each recognised text line becomes
:class:`~cosy.domain.Word` s with boxes in PDF points (from the recogniser's character
positions, or the line box split by character share), so layout and field steps need no OCR
special case. RapidOCR reads the page's text bands only, where blank paper is a large share of
it (:mod:`cosy.steps.ocr_bands`): detection costs by the pixel.

Before OCR, a page must show something: one that draws nothing, or shows next to no ink when
rendered small, is blank and skips OCR (a 500-page scan of empty paper costs milliseconds per
page). Rendering is capped in pixels and cropped to the page's content (cosy.pdfguard.render).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pypdfium2 as pdfium

from cosy.budgets import Budgets, configured
from cosy.domain import Pose, Word
from cosy.engine.step import StepContext, StepError, step
from cosy.inference.ocr_slot import ocr_slot
from cosy.pdfguard.render import Rendered, is_blank
from cosy.pdfguard.render import render_page as render_capped
from cosy.steps.ocr_bands import Bands, text_bands
from cosy.steps.ocr_orient import (
    VerticalLine,
    sideways,
    skew,
    straighten,
    turn,
    upside_down,
    vertical_lines,
)

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


def line_words(text: str, box: tuple[float, float, float, float],
               conf: float = 1.0) -> list[Word]:
    """Split one recognised line into words, giving each a share of the box by its characters."""
    x0, top, x1, bottom = box
    size = round((bottom - top) * SIZE_OF_HEIGHT, 2)
    return [Word(part, round(start, 2), round(top, 2), round(end, 2), round(bottom, 2), size,
                 False, conf) for part, start, end in _shares(text, x0, x1)]


def vertical_words(text: str, box: tuple[float, float, float, float], conf: float,
                   upward: bool) -> list[Word]:
    """Split a line running up or down the page into words, each a share of its box's height
    by its characters, in reading order (from the bottom for a line that reads upward)."""
    x0, top, x1, bottom = box
    size = round((x1 - x0) * SIZE_OF_HEIGHT, 2)
    ends = (bottom, top) if upward else (top, bottom)
    return [Word(part, x0, round(min(a, b), 2), x1, round(max(a, b), 2), size, False, conf, True)
            for part, a, b in _shares(text, *ends)]


def _shares(text: str, start: float, end: float) -> list[tuple[str, float, float]]:
    """The words of ``text`` with their stretch of the way from ``start`` to ``end``, a share
    per character (spaces included)."""
    parts = text.split()
    per_char = (end - start) / max(len(" ".join(parts)), 1)
    out, pos = [], 0
    for part in parts:
        out.append((part, start + pos * per_char, start + (pos + len(part)) * per_char))
        pos += len(part) + 1
    return out


@dataclass(frozen=True)
class Placement:
    """How a box of the image OCR read goes back onto the page, in PDF points: undo the text
    bands (:mod:`cosy.steps.ocr_bands`) and the canvas a levelled page was grown by
    (:func:`~cosy.steps.ocr_orient.straighten`), then RapidOCR's reduction of the page, then
    the render's resolution and offset. A page OCR turned upright is placed in its upright
    frame, where its lines run across."""

    bands: Bands | None
    ratio_h: float  # page pixels per pixel of OCR's view
    ratio_w: float
    scale: float  # points per page pixel
    left: float  # points: where the rendered image starts on the (upright) page
    top: float
    margin_x: float = 0.0  # pixels of OCR's view: the canvas added around a levelled page
    margin_y: float = 0.0

    def box(self, poly: Any, dy: float) -> tuple[float, float, float, float]:
        """A pixel polygon of OCR's image as a box in points, rounded like pdfplumber's."""
        arr = np.asarray(poly, dtype=np.float64)
        dx = (0.0 if self.bands is None else float(self.bands.left)) - self.margin_x
        xs = (arr[:, 0] + dx) * self.ratio_w * self.scale + self.left
        ys = (arr[:, 1] + dy - self.margin_y) * self.ratio_h * self.scale + self.top
        return (round(float(xs.min()), 2), round(float(ys.min()), 2),
                round(float(xs.max()), 2), round(float(ys.max()), 2))

    def shift(self, poly: Any) -> float:
        """The band shift of a line polygon (0 on a page read whole)."""
        if self.bands is None:
            return 0.0
        arr = np.asarray(poly, dtype=np.float64)
        return self.bands.shift(float(arr[:, 1].mean()))


Margins = tuple[float, float, float, float]
"""Points from the rendered image to the page's edges: left, top, right, bottom."""


def upright_margins(margins: Margins, turn: int) -> Margins:
    """The image's margins on the page once both are turned clockwise by ``turn`` degrees."""
    k = (turn // 90) % 4  # each clockwise quarter turn brings the bottom margin to the left
    return margins[-k:] + margins[:-k] if k else margins


@dataclass(frozen=True)
class Reading:
    """RapidOCR's result on one pose of a page, the image it read, and how its boxes go back
    onto the page."""

    result: Any
    image: np.ndarray
    place: Placement
    pose: Pose
    vertical: dict[int, VerticalLine | None] = field(default_factory=dict)
    """The lines running up or down the page, read upright (:func:`vertical_lines`)."""


def read_pose(engine: Any, view: np.ndarray, turn_by: int, ratios: tuple[float, float],
              scale: float, margins: Margins) -> Reading:
    """Read the page turned clockwise by ``turn_by`` degrees and levelled; only its text
    bands where blank paper is a large share of it."""
    upright = turn(view, turn_by)
    tilt = skew(upright)
    level, margin_x, margin_y = straighten(upright, tilt)
    bands = text_bands(level)
    image = level if bands is None else bands.stack(level)
    ratio_h, ratio_w = ratios if turn_by % 180 == 0 else ratios[::-1]
    left, top, _, _ = upright_margins(margins, turn_by)
    place = Placement(bands, ratio_h, ratio_w, scale, left, top, margin_x, margin_y)
    return Reading(engine(image, return_word_box=True), image, place, Pose(turn_by, tilt))


def recognise(engine: Any, image: np.ndarray, dpi: float = OCR_DPI,
              margins: Margins = (0.0, 0.0, 0.0, 0.0)) -> Reading:
    """RapidOCR's reading of a page image, set upright (:mod:`cosy.steps.ocr_orient`).

    The page is reduced to OCR's view first (RapidOCR's own reduction, so it reads the same
    pixels) and levelled; a page whose lines run up or down is read again turned a quarter
    (the way its lines read better), and one whose lines read far better upside down again
    turned by 180°.
    """
    from rapidocr.utils.process_img import resize_image_within_bounds

    view, ratio_h, ratio_w = resize_image_within_bounds(image, engine.min_side_len,
                                                         engine.max_side_len)
    args = ((ratio_h, ratio_w), 72.0 / dpi, margins)
    reading = read_pose(engine, view, 0, *args)
    if sideways(reading.result):  # which quarter turn: the one its tall lines read better in
        clockwise = upside_down(engine, reading.image, reading.result)
        reading = read_pose(engine, view, 90 if clockwise else 270, *args)
    if upside_down(engine, reading.image, reading.result):
        reading = read_pose(engine, view, (reading.pose.turn + 180) % 360, *args)
    return replace(reading, vertical=vertical_lines(engine, reading.image, reading.result))


def reading_words(reading: Reading) -> list[Word]:
    """The words of one reading, on the page in points, each with its line's confidence.

    Word boxes come from the recogniser's character positions (RapidOCR's ``word_results``),
    sharing their line's top and bottom so that layout groups them as one line; where a line
    has none, the line box is split by character share (:func:`line_words`)."""
    result, place = reading.result, reading.place
    if result.boxes is None or not result.txts:
        return []
    per_line = result.word_results or ()
    if len(per_line) != len(result.txts):
        per_line = [()] * len(result.txts)
    scores = result.scores if result.scores is not None and len(result.scores) == len(
        result.txts) else [1.0] * len(result.txts)
    words: list[Word] = []
    for i, (poly, text, found, score) in enumerate(zip(result.boxes, result.txts, per_line,
                                                       scores, strict=True)):
        dy = place.shift(poly)
        x0, y0, x1, y1 = place.box(poly, dy)
        conf = round(float(score), 4)  # the line's mean character confidence
        if i in reading.vertical:
            line = reading.vertical[i]
            if line is not None:
                words.extend(vertical_words(line[0], (x0, y0, x1, y1), round(line[1], 4),
                                            line[2]))
            continue
        if not found:
            words.extend(line_words(text, (x0, y0, x1, y1), conf))
            continue
        size = round((y1 - y0) * SIZE_OF_HEIGHT, 2)
        for word_text, _score, word_poly in found:  # _score: one character's, not the word's
            wx0, _, wx1, _ = place.box(word_poly, dy)
            if word_text.strip():
                words.append(Word(word_text.strip(), wx0, y0, wx1, y1, size, False, conf))
    return words


def read_page(engine: Any, pdf_bytes: bytes, page_no: int, dpi: int = OCR_DPI,
              budgets: Budgets | None = None) -> tuple[list[Word], Pose]:
    """OCR one page of a PDF (render within the budgets, set upright, recognise, convert):
    its words and how it was turned and levelled to read them."""
    rendered = _render(pdf_bytes, page_no, dpi, budgets or configured())
    if rendered is None:  # the page draws nothing
        return [], Pose()
    reading = recognise(engine, rendered.image, rendered.dpi,
                        (rendered.left, rendered.top, rendered.right, rendered.bottom))
    return reading_words(reading), reading.pose


@step("ocr.words", scope="page", requires=["page.raw_words", "page.scan", "pdf_bytes", "page_no"],
      provides=["page.source_words", "page.pose"], model="+".join(OCR_MODELS))
def words(page_raw_words: list[Word], page_scan: dict[str, Any], pdf_bytes: bytes, page_no: int,
          ctx: StepContext) -> tuple[list[Word], Pose]:
    """The page's words: the text layer's, or OCR's where ``ocr.scan_check`` found a scan;
    and the page's pose: how OCR turned and levelled it (a text layer's page is as it is)."""
    if not page_scan["ocr"]:
        return page_raw_words, Pose()
    try:
        with ocr_slot(ctx.settings.ocr_slots) as waited:
            ctx.waited.append(waited)
            return read_page(ctx.resources.ocr(*OCR_MODELS), pdf_bytes, page_no,
                             budgets=_budgets(ctx))
    except pdfium.PdfiumError as err:
        raise StepError(f"cannot render page {page_no} for OCR: {err}") from err

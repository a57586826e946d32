"""Text bands: OCR reads only the page's rows with ink, and its boxes land where the page has
them (cosy.steps.ocr_bands, cosy.steps.ocr.recognise)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from cosy.config import Settings
from cosy.corpus import generate_document
from cosy.inference.resources import Resources
from cosy.steps import ocr
from cosy.steps.ocr_bands import ALIGN, MARGIN, text_bands

SCANNED_INVOICE_SEED = 11  # a one-page German invoice (as tests/unit/test_ocr.py)


def _page_with_two_blocks() -> np.ndarray:
    """A white 2000 x 1400 page with a dark 'line' near the top and another near the bottom."""
    page = np.full((2000, 1400), 250, np.uint8)
    page[100:140, 300:700] = 20
    page[1500:1540, 400:1100] = 20
    return page


def test_ink_rows_become_bands_with_their_margins_and_the_rest_is_left_out() -> None:
    page = _page_with_two_blocks()
    bands = text_bands(page)
    assert bands is not None
    # each block with its margins; the last band grows into blank paper to a multiple of 32
    assert bands.rows == ((100 - MARGIN, 140 + MARGIN), (1500 - MARGIN, 1540 + MARGIN + 16))
    assert (bands.left, bands.right) == (300 - MARGIN, 1100 + MARGIN + 16)
    stacked = bands.stack(page)
    assert stacked.shape == (bands.height, bands.right - bands.left) == (192, 864)
    assert stacked.shape[0] % ALIGN == 0 and stacked.shape[1] % ALIGN == 0
    # a y of the stacked image goes back to the same pixel row of the page
    second_top = 140 + MARGIN - (100 - MARGIN)  # where the second band starts in the stack
    assert bands.shift(10.0) == 100 - MARGIN
    assert second_top + MARGIN + bands.shift(second_top + MARGIN) == 1500
    assert np.array_equal(stacked[second_top + MARGIN], page[1500, bands.left:bands.right])


def test_close_lines_stay_in_one_band() -> None:
    page = np.full((1000, 800), 250, np.uint8)
    page[100:120, 100:500] = 0
    page[120 + 2 * MARGIN:140 + 2 * MARGIN, 100:500] = 0  # blank for two margins: no cut
    bands = text_bands(page)
    assert bands is not None and len(bands.rows) == 1


@pytest.mark.parametrize("image", [
    np.full((500, 400), 255, np.uint8),  # blank: nothing to stack
    np.random.default_rng(0).integers(0, 256, (500, 400), dtype=np.uint8),  # a photo's noise
    np.full((500, 400, 3), 255, np.uint8),  # colour
], ids=["blank", "noise", "colour"])
def test_pages_without_blank_rows_to_skip_are_read_whole(image: np.ndarray) -> None:
    assert text_bands(image) is None


class _OneBoxEngine:
    """Stands in for RapidOCR: reports the dark rectangle lowest in the image it is given."""

    min_side_len, max_side_len = 30, 2000

    def __init__(self) -> None:
        self.shapes: list[tuple[int, ...]] = []

    def __call__(self, image: np.ndarray, return_word_box: bool = False) -> Any:
        self.shapes.append(image.shape)
        rows = np.flatnonzero((image < 100).any(axis=1))
        low = rows[np.flatnonzero(np.diff(rows) > 1)[-1] + 1:]  # the last run of dark rows
        cols = np.flatnonzero((image[low[0]:low[-1] + 1] < 100).any(axis=0))
        box = [[cols[0], low[0]], [cols[-1] + 1, low[0]], [cols[-1] + 1, low[-1] + 1],
               [cols[0], low[-1] + 1]]

        class Result:
            boxes, txts, scores = [box], ["Summe"], (0.99,)
            word_results = ((("Summe", 1.0, box),),)
        return Result()

    def recognize_txt(self, crops: list[np.ndarray]) -> Any:
        """Lines turned upside down read worse: the page is upright."""
        class Turned:
            scores = (0.2,) * len(crops)
        return Turned()


def test_a_box_found_in_the_stacked_bands_lands_where_the_page_has_it() -> None:
    page = _page_with_two_blocks()
    engine = _OneBoxEngine()
    words = ocr.reading_words(ocr.recognise(engine, page, dpi=200,
                                            margins=(10.0, 5.0, 0.0, 0.0)))
    assert engine.shapes == [(192, 864)]  # the detector read the bands, not the page
    scale = 72 / 200
    assert [(w.text, w.x0, w.top, w.x1, w.bottom) for w in words] == [
        ("Summe", round(400 * scale + 10, 2), round(1500 * scale + 5, 2),
         round(1100 * scale + 10, 2), round(1540 * scale + 5, 2))]


@pytest.mark.slow
def test_reading_the_bands_reads_a_scan_as_reading_the_whole_page(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Real OCR on a generated scan: the bands skip paper, and nearly every word read whole
    is read from the bands too, in the same place (the detector's context differs a little,
    so a word may be glued to its label or a character read otherwise)."""
    from rapidocr.utils.process_img import resize_image_within_bounds

    pdf, truth = generate_document(SCANNED_INVOICE_SEED, doc_type="invoice", language="de",
                                   scanned=True, family="classic")
    engine = Resources(Settings(ocr_threads=1)).ocr(*ocr.OCR_MODELS)
    image = ocr.render_page(pdf, 1)
    view, _, _ = resize_image_within_bounds(image, engine.min_side_len, engine.max_side_len)
    bands = text_bands(view)
    assert bands is not None
    assert bands.height * (bands.right - bands.left) < 0.85 * view.size  # it skips paper
    banded = ocr.reading_words(ocr.recognise(engine, image))
    monkeypatch.setattr(ocr, "text_bands", lambda image: None)
    whole = ocr.reading_words(ocr.recognise(engine, image))
    same = [w for w in whole if any(
        b.text == w.text and abs(b.x0 - w.x0) <= 4 and abs(b.top - w.top) <= 4 for b in banded)]
    assert len(same) >= 0.95 * len(whole)
    total = truth["boxes"]["total_gross"]["text"].split()[0]
    assert any(w.text == total for w in banded)

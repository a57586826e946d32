"""OCR: only scans are read, words get PDF-point boxes, a scanned invoice reads correctly."""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest

from cosy.config import Settings
from cosy.corpus import generate_document
from cosy.domain import Pose, Word
from cosy.engine.step import StepContext
from cosy.inference.resources import Resources
from cosy.steps import layout, ocr, parse, text

SCANNED_INVOICE_SEED = 11  # a one-page German invoice


def _ctx(resources: object) -> StepContext:
    return StepContext("doc", "t", 1, Settings(), resources)


def test_only_pages_without_a_text_layer_need_ocr() -> None:
    stamp = [Word("Seite", 0, 0, 10, 10), Word("1", 12, 0, 14, 10)]
    line = [Word("Rechnungsnummer: RE-2024-001", 0, 0, 100, 10)]
    assert ocr.needs_ocr([])
    assert ocr.needs_ocr(stamp)
    assert not ocr.needs_ocr(line)
    # one big image with a short line of text on top (a 'Kopie' stamp) is still a scan
    assert ocr.needs_ocr(line, image_coverage=0.95)
    assert not ocr.needs_ocr(line * 10, image_coverage=0.95)  # a text page on a background
    assert ocr.scan_check(line, {"coverage": 0.95, "boxes": []})["reason"] == \
        "an image covers 95% of the page"
    assert ocr.scan_check(stamp, {"coverage": 0.0, "boxes": []})["reason"] == "no text layer"


def test_a_text_page_keeps_its_raw_words_and_never_loads_ocr() -> None:
    pdf, _ = generate_document(3, doc_type="invoice", language="de", family="classic")
    page = parse.open_page(pdf, 1)
    raw = parse.words(page)
    scan = ocr.scan_check(raw, parse.images(page))
    assert scan["ocr"] is False and scan["reason"] == "text layer"
    words, pose = ocr.words(page_raw_words=raw, page_scan=scan, pdf_bytes=pdf, page_no=1,
                            ctx=_ctx(None))
    assert words is raw and pose == Pose()


def test_a_line_is_split_into_words_by_character_share() -> None:
    words = ocr.line_words("Summe  19,00 EUR", (100.0, 50.0, 260.0, 60.0))
    assert [w.text for w in words] == ["Summe", "19,00", "EUR"]
    per_char = 160.0 / len("Summe 19,00 EUR")
    assert words[0].bbox == (100.0, 50.0, round(100 + 5 * per_char, 2), 60.0)
    assert words[-1].x1 == pytest.approx(260.0, abs=0.01)
    assert all(w.top == 50.0 and w.bottom == 60.0 and w.size == 8.0 for w in words)
    assert ocr.line_words("   ", (0, 0, 1, 1)) == []



def test_a_line_up_or_down_the_page_is_split_into_words_along_its_height() -> None:
    box = (20.0, 100.0, 32.0, 400.0)  # a strip up the left margin
    down = ocr.vertical_words("Sitz Berlin DE123456789", box, 0.9, upward=False)
    up = ocr.vertical_words("Sitz Berlin DE123456789", box, 0.9, upward=True)
    assert [w.text for w in down] == [w.text for w in up] == ["Sitz", "Berlin", "DE123456789"]
    assert all(w.vertical and w.x0 == 20.0 and w.x1 == 32.0 for w in down + up)
    assert down[0].top == 100.0 and down[-1].bottom == pytest.approx(400.0, abs=0.01)
    assert up[0].bottom == 400.0 and up[-1].top == pytest.approx(100.0, abs=0.01)
    assert all(a.top < b.top for a, b in itertools.pairwise(down))
    assert all(a.top > b.top for a, b in itertools.pairwise(up))


class _FakeResult:
    def __init__(self, word_results: tuple, scores: tuple = (0.87,)) -> None:
        self.boxes = [[[200, 100], [600, 100], [600, 150], [200, 150]]]
        self.txts = ("Summe 19,00",)
        self.scores = scores
        self.word_results = word_results


class _FakeEngine:
    """Stands in for RapidOCR: one line at 200 dpi pixels, with or without word boxes."""

    min_side_len, max_side_len = 30, 2000

    def __init__(self, word_results: tuple) -> None:
        self.word_results = word_results

    def __call__(self, image: object, return_word_box: bool = False) -> _FakeResult:
        assert return_word_box
        return _FakeResult(self.word_results)

    def recognize_txt(self, crops: list[np.ndarray]) -> object:
        """Lines turned upside down read worse: the page is upright."""
        return _FakeResult(((),) * len(crops), scores=(0.1,) * len(crops))


def test_ocr_boxes_are_converted_from_pixels_to_points() -> None:
    words_with_boxes = ((("Summe", 0.99, [[200, 102], [380, 102], [380, 148], [200, 148]]),
                         ("19,00", 0.99, [[480, 101], [600, 101], [600, 149], [480, 149]])),)
    blank = np.full((1000, 800), 255, np.uint8)  # no ink: read whole, at its own size
    words = ocr.reading_words(ocr.recognise(_FakeEngine(words_with_boxes), blank, dpi=200))
    assert [(w.text, w.x0, w.top, w.x1, w.bottom) for w in words] == [
        ("Summe", 72.0, 36.0, 136.8, 54.0), ("19,00", 172.8, 36.0, 216.0, 54.0)]
    assert {w.conf for w in words} == {0.87}  # the line's confidence, not a character's
    fallback = ocr.reading_words(ocr.recognise(_FakeEngine(((),)), blank, dpi=200))
    assert {w.conf for w in fallback} == {0.87}
    assert [w.text for w in fallback] == ["Summe", "19,00"]
    assert fallback[0].x0 == 72.0 and fallback[-1].x1 == 216.0


def _flat(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


@pytest.mark.slow
def test_ocr_reads_a_scanned_invoice(monkeypatch: pytest.MonkeyPatch) -> None:
    """Number and total of a scanned invoice come out right, and nothing is downloaded."""
    from rapidocr.utils import download_file

    def no_download(*args: object, **kwargs: object) -> None:
        raise AssertionError("RapidOCR tried to download a file")

    monkeypatch.setattr(download_file.DownloadFile, "run", classmethod(no_download))
    pdf, truth = generate_document(SCANNED_INVOICE_SEED, doc_type="invoice", language="de",
                                   scanned=True, family="classic")
    assert truth["pages"] == 1
    page = parse.open_page(pdf, 1)
    raw = parse.words(page)
    assert raw == []  # image-only
    images = parse.images(page)
    assert images["coverage"] > 0.9  # the scan is one image over the page
    resources = Resources(Settings(onnx_threads=1))
    words, pose = ocr.words(page_raw_words=raw, page_scan=ocr.scan_check(raw, images),
                            pdf_bytes=pdf, page_no=1, ctx=_ctx(resources))
    assert pose.turn == 0 and abs(pose.skew) <= 1.5  # the scanner's small skew, if any
    page_text = _flat(layout.text(layout.lines(text.normalized_words(words))))
    for field in ("invoice_number", "total_gross"):
        assert _flat(truth["boxes"][field]["text"]) in page_text, field
    # Boxes are in PDF points: the total's word lies inside its truth box.
    x0, top, x1, bottom = truth["boxes"]["total_gross"]["bbox"]
    number = next(w for w in words if w.text == truth["boxes"]["total_gross"]["text"].split()[0])
    assert x0 - 3 <= (number.x0 + number.x1) / 2 <= x1 + 3
    assert top - 3 <= (number.top + number.bottom) / 2 <= bottom + 3


def test_ocr_runs_on_its_own_threads_that_sleep_and_plans_no_memory_per_page_size() -> None:
    """The OCR sessions are made by the registry (verified bytes) with ``ocr_threads`` that do
    not spin (two pages at once share the cores) and no memory pattern per input shape (every
    page has its own size: the arena would keep one for each), on one shared arena."""
    engine = Resources(Settings(ocr_threads=2, onnx_threads=1)).ocr(*ocr.OCR_MODELS)
    for section in ("Det", "Rec"):
        opts = engine.cfg[section].session.get_session_options()
        assert opts.intra_op_num_threads == 2
        assert opts.get_session_config_entry("session.intra_op.allow_spinning") == "0"
        assert opts.enable_mem_pattern is False and opts.enable_cpu_mem_arena is True
        # one arena for both sessions, whose doubling regions later pages reuse
        assert opts.get_session_config_entry("session.use_env_allocators") == "1"
    again = Resources(Settings(ocr_threads=1, onnx_threads=1)).ocr(*ocr.OCR_MODELS)
    assert again.cfg["Det"].session is not engine.cfg["Det"].session  # registered once, reused

"""OCR: only scans are read, words get PDF-point boxes, a scanned invoice reads correctly."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from cosy.config import Settings
from cosy.corpus import generate_document
from cosy.domain import Word
from cosy.engine.step import StepContext
from cosy.inference import page_ocr
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
    scan = ocr.scan_check(raw, parse.images(page, parse.geometry(page)))
    assert scan["ocr"] is False and scan["reason"] == "text layer"
    assert ocr.words(page_raw_words=raw, page_scan=scan, pdf_bytes=pdf, page_no=1,
                     ctx=_ctx(None)) is raw


def test_words_without_character_positions_share_the_line_by_characters() -> None:
    words = page_ocr.split_by_share([("Summe", 0.9), ("19,00", 0.8), ("EUR", 0.99)],
                                    (100.0, 260.0))
    assert [w.text for w in words] == ["Summe", "19,00", "EUR"]
    per_char = 160.0 / len("Summe 19,00 EUR")
    assert (words[0].x0, words[0].x1) == (100.0, pytest.approx(100 + 5 * per_char))
    assert words[-1].x1 == pytest.approx(260.0)
    assert [w.conf for w in words] == [0.9, 0.8, 0.99]


def test_a_word_keeps_its_weakest_character_and_its_columns() -> None:
    """Columns are the recogniser's time steps, spread over the line's pixels."""
    info = SimpleNamespace(confs=[0.99, 0.98, 0.4, 0.97, 0.99, 0.95, 0.9, 0.92, 0.93],
                           word_cols=[[2, 4, 6, 8], [16, 18, 20, 22]], line_txt_len=40)
    words = page_ocr.word_extents("Ab1c 19,0", info, (100.0, 500.0))
    assert [(w.text, w.conf) for w in words] == [("Ab1c", 0.4), ("19,0", 0.9)]
    assert words[0].x0 == pytest.approx(100 + 1.5 * 10) and words[0].x1 == pytest.approx(195.0)
    assert words[1].x0 == pytest.approx(100 + 15.5 * 10)
    # columns that do not match the words: placed by character share, confidences kept
    bad = SimpleNamespace(confs=info.confs, word_cols=[[2, 4]], line_txt_len=40)
    assert [w.conf for w in page_ocr.word_extents("Ab1c 19,0", bad, (0, 90))] == [0.4, 0.9]


class _FakeReader:
    """Stands in for PageOCR: one line at 200 dpi pixels."""

    def read(self, image: object) -> page_ocr.PageText:
        line = page_ocr.OcrLine("Summe 19,00", 0.95, (200.0, 100.0, 600.0, 150.0), (
            page_ocr.OcrWord("Summe", 0.99, 200.0, 380.0),
            page_ocr.OcrWord("19,00", 0.61237, 480.0, 600.0)))
        return page_ocr.PageText([line], 1654, 2339)


def test_ocr_boxes_are_converted_from_pixels_to_points() -> None:
    words = ocr.ocr_words(_FakeReader(), image=None, dpi=200)
    assert [(w.text, w.x0, w.top, w.x1, w.bottom, w.conf) for w in words] == [
        ("Summe", 72.0, 36.0, 136.8, 54.0, 0.99), ("19,00", 172.8, 36.0, 216.0, 54.0, 0.6124)]
    shifted = ocr.ocr_words(_FakeReader(), image=None, dpi=100, left=10.0, top=20.0)
    assert (shifted[0].x0, shifted[0].top) == (154.0, 92.0)


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
    images = parse.images(page, parse.geometry(page))
    assert images["coverage"] > 0.9  # the scan is one image over the page
    resources = Resources(Settings(onnx_threads=1))
    words = ocr.words(page_raw_words=raw, page_scan=ocr.scan_check(raw, images), pdf_bytes=pdf,
                      page_no=1, ctx=_ctx(resources))
    page_text = _flat(layout.text(layout.lines(text.normalized_words(words))))
    for field in ("invoice_number", "total_gross"):
        assert _flat(truth["boxes"][field]["text"]) in page_text, field
    # Boxes are in PDF points: the invoice number's word lies inside its truth box.
    x0, top, x1, bottom = truth["boxes"]["invoice_number"]["bbox"]
    number = next(w for w in words if w.text == truth["fields"]["invoice_number"])
    assert x0 - 3 <= (number.x0 + number.x1) / 2 <= x1 + 3
    assert top - 3 <= (number.top + number.bottom) / 2 <= bottom + 3

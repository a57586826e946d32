"""The budgets at unit level: capped decoding, the page walk, rendering caps and blank pages.

Budgets here are tiny (kilobytes, tens of operators) so that each hostile family crosses them
in milliseconds; tests/hostile runs the same families at the default budgets end to end.
"""

from __future__ import annotations

import dataclasses
import io
import zlib

import pdfplumber
import pytest
from pdfminer.lzw import lzwdecode
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser

from cosy.budgets import Budgets, configured
from cosy.corpus import hostile
from cosy.engine.step import BudgetExceeded
from cosy.pdfguard import decode
from cosy.pdfguard.check import check_document, count_operators, page_object
from cosy.pdfguard.image import page_png
from cosy.pdfguard.render import fit_dpi, ink_share, is_blank, render_page

SMALL = dataclasses.replace(configured(), stream_bytes=64 << 10, decoded_bytes=256 << 10,
                            page_operators=200, page_objects=50, nesting=16,
                            image_pixels=10_000, render_pixels=2_000_000)


def kinds(checks: list[dict]) -> list[str | None]:
    return [c["skip"]["kind"] if c["skip"] else None for c in checks]


# --- capped decoding -----------------------------------------------------------------------------


def test_inflate_stops_at_the_stream_budget_before_the_bytes_exist() -> None:
    bomb = zlib.compress(b"\0" * (10 << 20), 9)  # 10 MB from 10 KB
    with decode.metered(1 << 20, 4 << 20), pytest.raises(BudgetExceeded) as err:
        decode.inflate(bomb)
    assert err.value.kind == "stream_too_large" and "past 1 MB" in err.value.reason
    with decode.metered(16 << 20, 64 << 20) as meter:
        assert len(decode.inflate(bomb)) == 10 << 20 and meter.used == 10 << 20


def test_the_total_budget_counts_every_stream_of_the_work() -> None:
    part = zlib.compress(b"a" * 300_000)
    with decode.metered(1 << 20, 700_000) as meter:
        decode.inflate(part)
        decode.inflate(part)
        with pytest.raises(BudgetExceeded) as err:
            decode.inflate(part)
    assert err.value.kind == "decoded_too_large" and meter.used == 600_000


def test_inflate_behaves_like_zlib_on_damaged_data() -> None:
    good = zlib.compress(b"BT /F1 12 Tf (Rechnung) Tj ET" * 50)
    with decode.metered(1 << 20, 1 << 20):
        assert decode.inflate(good) == zlib.decompress(good)
        with pytest.raises(zlib.error):
            decode.inflate(good[:-10])  # truncated: strict, like zlib.decompress
        assert decode.inflate(good[:-10], tolerant=True) == zlib.decompress(good)[
            :len(decode.inflate(good[:-10], tolerant=True))]  # what came before the damage
        with pytest.raises(zlib.error):
            decode.inflate(b"not zlib at all")


def test_lzw_and_runlength_are_capped_too() -> None:
    lzw = bytes([0x80, 0x0B, 0x60, 0x50, 0x22, 0x0C, 0x0C, 0x85, 0x01])  # PDF 1.7, 7.4.4.2
    with decode.metered(1 << 20, 1 << 20):
        assert decode.lzw(lzw) == lzwdecode(lzw) == b"-----A---B"
    with decode.metered(8, 1 << 20), pytest.raises(BudgetExceeded):
        decode.lzw(lzw)
    runs = bytes([129, ord("x")]) * 1000 + b"\x80"  # 1000 runs of 128 bytes
    with decode.metered(64 << 10, 1 << 20), pytest.raises(BudgetExceeded):
        decode.runlength(runs)
    with decode.metered(1 << 20, 1 << 20):
        assert decode.runlength(runs) == b"x" * 128_000


def test_pdfminer_decodes_through_the_caps() -> None:
    """pdfplumber (pdfminer) reading a content bomb stops at the budget, whoever asks."""
    pdf = pdfplumber.open(io.BytesIO(hostile.content_bomb(2 << 20)))
    with decode.metered(1 << 20, 4 << 20), pytest.raises(Exception) as err:
        pdf.pages[0].extract_words()
    assert "inflates past 1 MB" in str(err.value)


# --- the page walk -------------------------------------------------------------------------------


def test_operators_are_counted_without_interpreting_the_content() -> None:
    content = b"BT /F1 12 Tf 72 720 Td (Total (net) 10 re) Tj ET q 1 0 0 1 0 0 cm 0 0 5 5 re f Q"
    assert count_operators(content) == (10, 2)  # BT Tf Td Tj ET q cm re f Q; painted: Tj, f
    image = b"q BI /W 2 /H 2 /CS /G /BPC 8 ID \x00re f S\xff EI Q"
    assert count_operators(image) == (3, 1)  # q BI Q: the image data is not operators
    assert count_operators(b"") == (0, 0)


@pytest.mark.parametrize(("make", "kind"), [
    (lambda: hostile.content_bomb(1 << 20), "stream_too_large"),
    (lambda: hostile.font_bomb(1 << 20), "stream_too_large"),
    (lambda: hostile.many_operators(500), "too_many_operators"),
    (lambda: hostile.deep_forms(40), "too_deep"),
    (lambda: hostile.nested_arrays(100), "too_deep"),
    (lambda: hostile.image_bomb(200), "image_too_large"),
])
def test_each_hostile_family_is_skipped_with_its_kind(make, kind) -> None:
    [check] = check_document(make(), 1, SMALL)
    assert check["skip"]["kind"] == kind and check["skip"]["reason"].startswith("page 1: ")


def test_a_readable_page_passes_and_says_what_it_costs() -> None:
    [check] = check_document(hostile.readable(), 1, SMALL)
    assert check["skip"] is None and check["width"] == 595 and check["height"] == 842
    assert check["operators"] == 13 and check["painted"] == 4 and check["objects"] >= 2


def test_blank_pages_are_known_before_any_parse() -> None:
    checks = check_document(hostile.blank_pages(3), 3, SMALL)
    assert kinds(checks) == [None] * 3 and [c["painted"] for c in checks] == [0, 0, 0]
    [huge] = check_document(hostile.huge_page(), 1, SMALL)
    assert huge["skip"] is None and huge["painted"] == 0 and huge["width"] == 14400


def test_the_document_budget_skips_the_pages_past_it() -> None:
    pages = [(hostile.A4, hostile.inflating(40_000, b"0 0 1 1 re f "), b"<< >>")] * 10
    budget = dataclasses.replace(SMALL, page_operators=10**6, decoded_bytes=100_000)
    checks = check_document(hostile.document(pages), 10, budget)
    assert kinds(checks)[:2] == [None, None]
    assert set(kinds(checks)[3:]) == {"decoded_too_large"}


def test_a_page_the_tree_does_not_hold_is_missing_and_cycles_end() -> None:
    checks = check_document(hostile.circular_pages(), 2, SMALL)
    assert kinds(checks) == [None, "missing_page"]
    assert kinds(check_document(hostile.self_drawing_form(), 2, SMALL)) == [None, None]


def test_one_page_is_checked_alone_and_opened_without_the_tree() -> None:
    data = hostile.document([hostile.text_page([f"Seite {n}"]) for n in range(1, 6)])
    [fourth] = check_document(data, 5, SMALL, only=4)
    assert fourth["page"] == 4 and fourth["skip"] is None
    doc = PDFDocument(PDFParser(io.BytesIO(data)))
    walked = list(PDFPage.create_pages(doc))[3]
    direct = page_object(doc, fourth["objid"])
    assert direct.pageid == walked.pageid and direct.mediabox == walked.mediabox
    assert direct.resources.keys() == walked.resources.keys()


# --- rendering -----------------------------------------------------------------------------------


def test_resolution_is_lowered_to_fit_the_pixel_budget() -> None:
    assert fit_dpi(595, 842, 200, 25_000_000) == 200  # A4 at 200 dpi is 3.9 megapixels
    assert fit_dpi(14400, 14400, 200, 25_000_000) == pytest.approx(25.0)


def test_a_render_is_cropped_to_the_content_and_placed_on_the_page() -> None:
    rendered = render_page(hostile.huge_page_with_text(), 1, 200, 2_000_000, 100)
    assert rendered is not None and rendered.dpi == 200
    assert rendered.image.size < 200_000  # a few lines, not 5 × 5 m
    x, top = rendered.to_points(0, 0)
    assert 70 < x < 80 and 14400 - 800 < top < 14400 - 700  # where the text is


def test_content_too_large_to_read_is_refused_and_nothing_is_none() -> None:
    with pytest.raises(BudgetExceeded) as err:
        render_page(hostile.huge_drawing(), 1, 200, 2_000_000, 100)
    assert err.value.kind == "page_too_large" and "at 100 dpi" in err.value.reason
    assert render_page(hostile.huge_page(), 1, 200, 2_000_000, 100) is None


def test_blank_pages_have_no_ink() -> None:
    assert is_blank(hostile.blank_pages(1), 1, 2_000_000)
    assert not is_blank(hostile.readable(), 1, 2_000_000)
    assert ink_share(render_page(hostile.readable(), 1, 36, 2_000_000, 1).image) > 2e-4


def test_page_images_are_refused_past_the_budgets() -> None:
    budgets = dataclasses.replace(SMALL, render_pixels=1_000_000)
    assert page_png(hostile.readable(), 1, 1.0, budgets)[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(BudgetExceeded, match=r"over the budget of 1\.0 megapixels"):
        page_png(hostile.readable(), 1, 4.0, budgets)
    with pytest.raises(BudgetExceeded) as err:
        page_png(hostile.content_bomb(1 << 20), 1, 1.0, budgets)
    assert err.value.kind == "stream_too_large"


def test_budgets_come_from_the_settings() -> None:
    from cosy.config import Settings

    b = Budgets.from_settings(Settings(max_stream_mb=2, max_render_mp=3, page_timeout_s=7))
    assert (b.stream_bytes, b.render_pixels, b.page_seconds) == (2 << 20, 3_000_000, 7.0)


def test_a_shared_stream_over_budget_is_decoded_once_for_all_pages(monkeypatch) -> None:
    w = hostile.Writer()
    font = w.stream(hostile.inflating(1 << 20, b"\0"), b"/Length1 1048576 ")
    pages = [(hostile.A4, hostile.text_content(["x"]),
              b"<< /Font << /F1 << /Type /Font /Subtype /TrueType /BaseFont /B /FontDescriptor "
              b"<< /Type /FontDescriptor /FontFile2 %d 0 R >> >> >> >>" % font)] * 20
    calls = []
    real = decode.inflate
    monkeypatch.setattr(decode, "inflate", lambda *a, **k: calls.append(1) or real(*a, **k))
    checks = check_document(hostile.document(pages, writer=w), 20, SMALL)
    assert set(kinds(checks)) == {"stream_too_large"} and len(calls) == 1

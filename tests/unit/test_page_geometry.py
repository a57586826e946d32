"""Page geometry before OCR: skew, a page on its side, letter height, straightening."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from cosy.inference import page_geometry
from cosy.inference.page_ocr import DET_GLYPH_PX, DET_MIN_SCALE, PageOCR, turn_boxes

LINES = ["Rechnung Nr. 2024-0042 vom 12.03.2024", "Kundennummer 10023, Lieferschein 88",
         "Pos. Menge Artikel Einzelpreis Gesamt", "1 4 Stk Schrauben M6 0,25 EUR 1,00 EUR",
         "2 1 Stk Bohrmaschine 89,90 EUR 89,90 EUR", "Nettobetrag 90,90 EUR, MwSt 19 %",
         "Bruttobetrag 108,17 EUR, zahlbar bis 30.03.", "IBAN DE89 3704 0044 0532 0130 00"]


def text_page(font_size: int = 28, skew: float = 0.0) -> np.ndarray:
    """A white page with lines of text, rotated counter-clockwise by ``skew`` degrees."""
    img = Image.new("L", (1200, 1600), 255)
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(LINES * 3):
        draw.text((80, 80 + i * int(font_size * 2)), line, fill=0, font_size=font_size)
    return np.asarray(img.rotate(skew, fillcolor=255, resample=Image.Resampling.BILINEAR))


@pytest.mark.parametrize("skew", [-3.0, -0.8, 0.0, 1.2, 6.0])
def test_the_skew_that_levels_the_lines_is_found(skew: float) -> None:
    geo = page_geometry.measure(text_page(skew=skew))
    assert geo.quarter_turns == 0
    assert geo.skew == pytest.approx(-skew, abs=0.2)


def test_a_page_on_its_side_is_turned_and_then_levelled() -> None:
    for turned in (np.rot90(text_page(skew=1.0)), np.rot90(text_page(skew=1.0), -1)):
        geo = page_geometry.measure(np.ascontiguousarray(turned))
        assert geo.quarter_turns == 1
        upright = page_geometry.straighten(np.ascontiguousarray(turned), 1, geo.skew)
        assert upright.shape == (1600, 1200)
        again = page_geometry.measure(upright)
        assert again.quarter_turns == 0 and abs(again.skew) <= 0.2


def test_a_blank_page_has_no_geometry() -> None:
    blank = np.full((800, 600), 255, np.uint8)
    assert page_geometry.measure(blank) == page_geometry.PageGeometry(0, 0.0, None)
    assert page_geometry.glyph_height(blank) is None


def test_letter_height_follows_the_font_size() -> None:
    small, large = (page_geometry.glyph_height(text_page(size)) for size in (20, 40))
    assert small is not None and large is not None
    assert large / small == pytest.approx(2.0, rel=0.25)


def test_the_detector_sees_a_page_reduced_by_its_letter_height() -> None:
    reader = PageOCR.__new__(PageOCR)  # only the scale rule: no models needed
    reader.det_max_side = 2000
    assert reader.det_scale((2339, 1654), 2 * DET_GLYPH_PX) == pytest.approx(0.5)
    assert reader.det_scale((2339, 1654), DET_GLYPH_PX / 2) == pytest.approx(2000 / 2339)
    assert reader.det_scale((2339, 1654), 100 * DET_GLYPH_PX) == DET_MIN_SCALE
    assert reader.det_scale((3835, 2710), None) == pytest.approx(2000 / 3835)


def test_boxes_of_a_page_turned_upside_down_keep_their_reading_corners() -> None:
    box = np.array([[[10, 20], [110, 20], [110, 40], [10, 40]]], np.float32)
    turned = turn_boxes(box, 200, 100)
    assert turned[0].tolist() == [[90, 60], [190, 60], [190, 80], [90, 80]]

"""Pages set upright before OCR: skew measured and levelled, pages on their side or upside
down turned, and their words placed on the page as an upright page's would be."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from cosy.config import Settings
from cosy.corpus.generator import generate_document
from cosy.domain import Pose
from cosy.inference.resources import Resources
from cosy.steps import layout, ocr, ocr_orient
from cosy.steps.ocr import upright_margins

SCANNED_INVOICE_SEED = 4242


def _lines_page(width: int = 1200, height: int = 1600) -> np.ndarray:
    """White paper with dark bars of text lines of different lengths, as a page shows."""
    page = np.full((height, width), 255, np.uint8)
    rng = np.random.default_rng(3)
    for top in range(150, height - 150, 45):
        left = int(rng.integers(100, 300))
        right = int(rng.integers(600, width - 100))
        for x in range(left, right, 14):  # letters: ink with gaps between them
            page[top:top + 18, x:x + 10] = 20
    return page


def _rotated(image: np.ndarray, degrees: float) -> np.ndarray:
    """``image`` turned counter-clockwise by ``degrees``, as a tilted scan shows it."""
    return np.asarray(Image.fromarray(image).rotate(degrees, fillcolor=255,
                                                    resample=Image.Resampling.BILINEAR))


@pytest.mark.parametrize("degrees", [-4.0, -1.5, 2.0, 3.5])
def test_the_tilt_of_the_lines_is_measured_and_levelling_removes_it(degrees: float) -> None:
    page = _rotated(_lines_page(), degrees)
    tilt = ocr_orient.skew(page)
    assert tilt == pytest.approx(degrees, abs=0.25)
    level, margin_x, margin_y = ocr_orient.straighten(page, tilt)
    assert ocr_orient.skew(level) == 0.0
    assert level.shape[0] >= page.shape[0] and level.shape[1] >= page.shape[1]
    assert margin_x == pytest.approx((level.shape[1] - page.shape[1]) / 2)
    assert margin_y == pytest.approx((level.shape[0] - page.shape[0]) / 2)


def test_a_level_page_and_a_blank_one_are_left_as_they_are() -> None:
    assert ocr_orient.skew(_lines_page()) == 0.0
    assert ocr_orient.skew(np.full((800, 600), 255, np.uint8)) == 0.0
    page = _lines_page()
    assert ocr_orient.straighten(page, 0.0)[0] is page


def test_margins_follow_the_page_through_each_quarter_turn() -> None:
    margins = (10.0, 20.0, 30.0, 40.0)  # left, top, right, bottom
    assert upright_margins(margins, 0) == margins
    assert upright_margins(margins, 90) == (40.0, 10.0, 20.0, 30.0)
    assert upright_margins(margins, 180) == (30.0, 40.0, 10.0, 20.0)
    assert upright_margins(margins, 270) == (20.0, 30.0, 40.0, 10.0)


class _Boxes:
    def __init__(self, boxes: list[list[list[float]]]) -> None:
        self.boxes = np.asarray(boxes, dtype=np.float64)


def test_a_page_is_sideways_when_most_of_its_lines_stand_tall() -> None:
    wide = [[0, 0], [300, 0], [300, 30], [0, 30]]
    tall = [[0, 0], [30, 0], [30, 300], [0, 300]]
    assert ocr_orient.sideways(_Boxes([tall, tall, tall, wide]))
    assert not ocr_orient.sideways(_Boxes([wide, wide, wide, tall]))
    assert not ocr_orient.sideways(_Boxes([tall, tall]))  # too few lines to tell


class _Reading:
    def __init__(self, boxes: list[list[list[float]]], scores: list[float]) -> None:
        self.boxes, self.scores = np.asarray(boxes, dtype=np.float64), scores
        self.txts = ["text"] * len(scores)


class _Recogniser:
    """Reads every crop with one confidence and keeps the crops' shapes."""

    def __init__(self, score: float) -> None:
        self.score, self.shapes = score, []

    def recognize_txt(self, crops: list[np.ndarray]) -> _Reading:
        self.shapes += [crop.shape for crop in crops]
        return _Reading([], [self.score] * len(crops))


def test_only_the_middle_of_a_long_trial_line_is_read_turned() -> None:
    page = np.full((400, 900), 255, np.uint8)
    long_line = [[0, 0], [800, 0], [800, 30], [0, 30]]
    short_line = [[0, 100], [120, 100], [120, 130], [0, 130]]
    reading = _Reading([long_line, short_line], [0.5, 0.5])
    turned_reads_better = _Recogniser(0.95)
    assert ocr_orient.upside_down(turned_reads_better, page, reading)
    heights_wide = sorted(w / h for h, w, _ in turned_reads_better.shapes)
    assert heights_wide[-1] == pytest.approx(ocr_orient.TRIAL_ASPECT, abs=0.1)  # cut
    assert heights_wide[0] < ocr_orient.TRIAL_ASPECT  # a short line is read whole
    assert not ocr_orient.upside_down(_Recogniser(0.6), page, reading)  # gain too small


def test_a_tall_line_is_read_the_way_it_reads_better_or_left_out() -> None:
    page = np.full((900, 700), 255, np.uint8)
    wide = [[[100, y], [600, y], [600, y + 30], [100, y + 30]] for y in (100, 200, 300)]
    strip = [[10, 100], [40, 100], [40, 800], [10, 800]]
    reading = _Reading([*wide, strip], [0.9, 0.9, 0.9, 0.2])
    upward = ocr_orient.vertical_lines(_Recogniser(0.95), page, reading)
    assert list(upward) == [3] and upward[3][1:] == (0.95, True)
    assert ocr_orient.vertical_lines(_Recogniser(0.3), page, reading) == {3: None}
    assert ocr_orient.vertical_lines(_Recogniser(0.95), page, _Reading(wide, [0.9] * 3)) == {}


@pytest.fixture(scope="module")
def scan() -> tuple[object, np.ndarray, list, str]:
    """A generated scan's page image, the OCR engine, the upright page's words, its total."""
    pdf, truth = generate_document(SCANNED_INVOICE_SEED, doc_type="invoice", language="de",
                                   scanned=True, family="classic")
    engine = Resources(Settings(ocr_threads=1)).ocr(*ocr.OCR_MODELS)
    image = ocr.render_page(pdf, 1)
    upright = ocr.recognise(engine, image)
    assert upright.pose == Pose(0, 0.0)
    return engine, image, ocr.reading_words(upright), truth["boxes"]["total_gross"]["text"]


@pytest.mark.slow
@pytest.mark.parametrize(("turn_by", "tilt"), [(90, 0.0), (180, 0.0), (270, 0.0), (0, 3.0)])
def test_a_scan_turned_or_tilted_reads_as_the_upright_scan(
        scan: tuple[object, np.ndarray, list, str], turn_by: int, tilt: float) -> None:
    """Real OCR on a generated scan: turned by a quarter, a half or three quarters, or tilted
    by 3°, it is set upright and its words come out as the upright page's, in their places."""
    engine, image, base, total = scan
    page = _rotated(ocr_orient.turn(image, turn_by), tilt)
    reading = ocr.recognise(engine, page)
    assert reading.pose.turn == (360 - turn_by) % 360
    assert reading.pose.skew == pytest.approx(tilt, abs=0.5)
    words = ocr.reading_words(reading)
    placed = [w for w in words if any(
        b.text == w.text and abs(b.x0 - w.x0) <= 6 and abs(b.top - w.top) <= 6 for b in base)]
    assert len(placed) >= 0.9 * len(base)
    assert any(w.text == total.split()[0] for w in words)


def _margin_line_pdf(angle: int) -> bytes:
    """A scanned-looking letter (no text layer once rasterised) with a legal line up its left
    margin, turned by ``angle`` (90: it reads upward, -90: downward)."""
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setFont("Helvetica", 11)
    for k, text in enumerate(["Rechnung Nr. 2024-0815", "Datum 12.03.2024",
                              "Beratung 10 Stunden 950,00 EUR", "Summe netto 950,00 EUR"]):
        pdf.drawString(90, 760 - 24 * k, text)
    pdf.saveState()
    pdf.translate(30, 420 if angle == 90 else 700)
    pdf.rotate(angle)
    pdf.setFont("Helvetica", 9)
    pdf.drawString(0, 0, "Sitz der Gesellschaft Musterstadt USt-IdNr. DE123456789")
    pdf.restoreState()
    pdf.save()
    return buffer.getvalue()


@pytest.mark.slow
@pytest.mark.parametrize("angle", [90, -90])
def test_a_line_up_or_down_the_margin_is_read_upright_as_a_line_of_its_own(angle: int) -> None:
    engine = Resources(Settings(ocr_threads=1)).ocr(*ocr.OCR_MODELS)
    reading = ocr.recognise(engine, ocr.render_page(_margin_line_pdf(angle), 1))
    assert reading.pose.turn == 0
    vertical = [w for w in ocr.reading_words(reading) if w.vertical]
    text = " ".join(w.text for w in vertical)
    assert "DE123456789" in text and text.startswith("Sitz")
    assert all(w.x1 < 60 for w in vertical)  # in the margin, where it is printed
    lines = [line.text for line in layout.lines(ocr.reading_words(reading))]
    assert "Rechnung Nr. 2024-0815" in lines
    assert lines[-1].startswith("Sitz der Gesellschaft")

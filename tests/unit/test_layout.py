"""Layout steps: segments, neighbours, blocks, columns, reading order, regions, summary, and the
generator's region truth they are trained on."""

from __future__ import annotations

import numpy as np

from cosy.corpus import generate_document
from cosy.domain import PageGeometry, Word
from cosy.steps import layout, layout_blocks, layout_classes, layout_features, layout_regions
from cosy.steps.layout_features import BLOCK_CLASSES

MM = 72 / 25.4
A4 = PageGeometry(595.28, 841.89)


def _words(x: float, top: float, text: str, size: float = 10.0, bold: bool = False) -> list[Word]:
    """Words of ``text`` laid out from ``x`` with plausible widths (0.5 em per character)."""
    out = []
    for part in text.split(" "):
        w = 0.5 * size * len(part)
        out.append(Word(part, x, top, x + w, top + size, size, bold))
        x += w + 0.25 * size
    return out


def _page(*rows: tuple[float, float, str] | tuple[float, float, str, float, bool]) -> list[Word]:
    words: list[Word] = []
    for row in rows:
        words += _words(*row)
    return words


def _address_and_info() -> list[Word]:
    """A DIN 5008 form-B page head: recipient in the window, the info block right of it."""
    top = 50 * MM
    return _page(
        (25 * MM, top, "Muster GmbH"), (25 * MM, top + 13, "Hauptstraße 5"),
        (25 * MM, top + 26, "10115 Berlin"),
        (125 * MM, top, "Rechnungsnr.: RE-1"), (125 * MM, top + 13, "Datum: 01.03.2024"),
        (125 * MM, top + 26, "Kunde: 4711"),
    )


def test_words_up_a_margin_make_a_line_of_their_own_after_the_others() -> None:
    across = _page((60, 100, "Rechnung Nr. 4711"), (60, 300, "Summe 19,00 EUR"))
    strip = [Word(text, 20.0, top, 32.0, top + 40.0, 9.6, vertical=True)
             for text, top in (("USt-IdNr", 500.0), ("DE123456789", 450.0), ("Sitz", 95.0))]
    lines = layout.lines(across[:3] + strip + across[3:])
    assert [line.text for line in lines] == [
        "Rechnung Nr. 4711", "Summe 19,00 EUR", "USt-IdNr DE123456789", "Sitz"]


def test_a_line_splits_into_segments_at_its_column_gap() -> None:
    lines = layout.lines(_address_and_info())
    segs = layout_blocks.segments(lines)
    assert [s.text for s in segs[:2]] == ["Muster GmbH", "Rechnungsnr.: RE-1"]
    text = layout.page_text(lines)
    for s in segs:  # offsets point into the page text that field finders search
        assert text[s.start:s.start + len(s.text)] == s.text


def test_neighbours_find_the_label_left_and_the_line_above() -> None:
    segs = layout_blocks.segments(layout.lines(_page(
        (300, 500, "Gesamtbetrag"), (480, 500, "1.190,00 EUR"), (300, 513, "Zahlbar sofort"))))
    near = layout_blocks.neighbours(segs)
    amount = next(i for i, s in enumerate(segs) if s.text.startswith("1.190"))
    label = next(i for i, s in enumerate(segs) if s.text == "Gesamtbetrag")
    assert near[amount][0] == label
    below = next(i for i, s in enumerate(segs) if s.text == "Zahlbar sofort")
    assert near[below][2] == label and near[label][3] == below


def test_blocks_stack_aligned_lines_and_break_at_style_and_rulings() -> None:
    segs = layout_blocks.segments(layout.lines(_address_and_info()))
    blocks = layout_blocks.blocks(segs, [])
    texts = [[segs[i].text for i in b.segments] for b in blocks]
    assert ["Muster GmbH", "Hauptstraße 5", "10115 Berlin"] in texts
    assert ["Rechnungsnr.: RE-1", "Datum: 01.03.2024", "Kunde: 4711"] in texts
    table = layout_blocks.segments(layout.lines(_page(
        (60, 400, "Pos Beschreibung", 10.0, True), (60, 413, "1 Schrauben"),
        (60, 426, "2 Muttern"))))
    kinds = [[table[i].text for i in b.segments] for b in layout_blocks.blocks(table, [])]
    assert kinds == [["Pos Beschreibung"], ["1 Schrauben", "2 Muttern"]]
    ruled = layout_blocks.blocks(table[1:], [(50.0, 424.5, 300.0)])
    assert len(ruled) == 2  # a rule between two rows separates them


def test_columns_and_reading_order_put_the_window_before_the_info_block() -> None:
    segs = layout_blocks.segments(layout.lines(_address_and_info()))
    blocks = layout_blocks.blocks(segs, [])
    cols = layout_blocks.columns(blocks)
    assert len(cols.bands) == 1 and 110 * MM > cols.bands[0][2] > 60 * MM
    order = layout_blocks.order(blocks, cols)
    first, second = (blocks[k] for k in order[:2])
    assert segs[first.segments[0]].text == "Muster GmbH" and cols.of_block[order[0]] == 0
    assert segs[second.segments[0]].text.startswith("Rechnungsnr") and cols.of_block[order[1]] == 1


def test_regions_find_window_header_and_footer_band() -> None:
    words = _address_and_info() + _page((25 * MM, 12 * MM, "Lieferant AG"),
                                        (25 * MM, 780, "Bank: Sparkasse", 7.0, False))
    segs = layout_blocks.segments(layout.lines(words))
    blocks = layout_blocks.blocks(segs, [])
    cols = layout_blocks.columns(blocks)
    regions = layout_regions.regions(blocks, cols, [(60.0, 770.0, 540.0)], A4)
    by_text = {segs[b.segments[0]].text: regions.of_block[k] for k, b in enumerate(blocks)}
    assert by_text["Muster GmbH"] == "window"
    assert by_text["Rechnungsnr.: RE-1"] == "body"
    assert by_text["Lieferant AG"] == "header"
    assert by_text["Bank: Sparkasse"] == "footer" and regions.footer_top < 770


def test_summary_answers_the_class_of_an_offset_a_box_and_a_line() -> None:
    lines = layout.lines(_address_and_info())
    segs = layout_blocks.segments(lines)
    blocks = layout_blocks.blocks(segs, [])
    cols = layout_blocks.columns(blocks)
    order = layout_blocks.order(blocks, cols)
    regions = layout_regions.regions(blocks, cols, [], A4)
    probs = np.zeros((len(segs), len(BLOCK_CLASSES)), np.float32)
    for i, s in enumerate(segs):
        probs[i, BLOCK_CLASSES.index("address" if s.bbox[0] < 100 * MM else "meta")] = 1.0
    classes = layout_classes.block_class(blocks, segs, probs)
    page = layout_classes.summary(lines, segs, blocks, classes, regions, cols, order)
    text = layout.page_text(lines)
    assert page.class_at(text.index("Hauptstraße")) == "address"
    assert page.class_at(text.index("4711")) == "meta"
    assert page.class_of_box((130 * MM, 50 * MM + 2, 140 * MM, 50 * MM + 8)) == "meta"
    assert page.line_class[0] in ("address", "meta")  # the block with most characters
    assert [b.cls for b in page.blocks[:2]] == ["address", "meta"]
    assert layout_classes.document([page])[0]["blocks"][0]["region"] == "window"


def test_shapes_tell_amounts_dates_ibans_and_sentences() -> None:
    names = [n for n, _ in layout_features.SHAPES]

    def flags(text: str) -> set[str]:
        return {n for n, v in zip(names, layout_features.text_shape(text), strict=False) if v}

    assert {"amount", "currency"} <= flags("1.234,56 €")
    assert "date" in flags("01.03.2024") and "date" in flags("5. März 2024")
    assert "iban" in flags("DE89 3704 0044 0532 0130 00")
    assert "sentence" in flags("bitte zahlen sie den betrag bis zum")
    assert "amount" not in flags("Rechnungsnummer")


def test_generator_regions_hold_the_truth_boxes_of_their_class() -> None:
    pdf, truth = generate_document(9_500_001, doc_type="invoice", language="de",
                                    family="classic")
    regions = truth["regions"]
    assert {r["class"] for r in regions} <= set(BLOCK_CLASSES)

    def holder(field: str) -> set[str]:
        box = truth["boxes"][field]
        cx, cy = (box["bbox"][0] + box["bbox"][2]) / 2, (box["bbox"][1] + box["bbox"][3]) / 2
        return {r["class"] for r in regions if r["page"] == box["page"]
                and r["bbox"][0] - 1 <= cx <= r["bbox"][2] + 1
                and r["bbox"][1] - 1 <= cy <= r["bbox"][3] + 1}

    assert "address" in holder("buyer_name")
    assert "totals" in holder("total_gross")
    assert "meta" in holder("invoice_number") or "title" in holder("invoice_number")
    assert pdf.startswith(b"%PDF")

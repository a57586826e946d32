"""Line items: header columns from header words, rows cut along them, pages joined."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from cosy.domain import Line, Word
from cosy.evaluation import score_line_items
from cosy.steps.layout import lines as layout_lines
from cosy.steps.lineitems import codes, items
from cosy.steps.lineitems.header import find_header
from cosy.steps.lineitems.items import items_total, merge
from cosy.steps.lineitems.values import parse_quantity
from tests.stages import GEOMETRY, run_steps


def read_items(lines: list[Line]) -> list[dict[str, Any]]:
    """A page's items as the pipeline's line-item steps read them (no ruled table)."""
    return run_steps("page.lineitem_rows", {"page.lines": lines, "page.geometry": GEOMETRY,
                                            "page.lineitem_ruled_rows": []})


def table(rows: list[list[tuple[str, float]]], top: float = 300.0) -> list[Line]:
    """Lines from rows of (text, x) cells, 14 pt apart: an unruled table as it is printed."""
    words = []
    for k, cells in enumerate(rows):
        y = top + 14.0 * k
        for text, x in cells:
            for token in text.split():
                words.append(Word(token, x, y, x + 5.0 * len(token), y + 9.0, 9.0))
                x += 5.0 * len(token) + 2.5
    return layout_lines(words)


HEADER = [("Pos.", 60), ("Beschreibung", 90), ("Menge", 330), ("Einheit", 370),
          ("Einzelpreis", 430), ("Gesamt", 505)]


def test_header_words_make_columns() -> None:
    head = find_header(table([HEADER]))
    assert head is not None
    assert [c.kind for c in head.columns] == [
        "pos", "description", "quantity", "unit", "unit_price", "total"]
    assert find_header(table([[("Beschreibung der Arbeiten", 60)]])) is None


def test_rows_wrapped_description_and_carry_over_skipped() -> None:
    rows = [HEADER,
            [("1", 60), ("Kupferrohr 15 mm", 90), ("12,5", 335), ("m", 370), ("4,20", 445),
             ("52,50", 510)],
            [("2", 60), ("Installation vor Ort,", 90), ("3", 345), ("Std.", 370),
             ("1.082,91", 425), ("3.248,73", 500)],
            [("Techniker mit Fahrzeug", 90)],
            [("Übertrag", 60), ("3.301,23", 500)],
            [("Nettobetrag", 300), ("3.301,23", 500)]]
    lines = table(rows)
    head = find_header(lines)
    assert head is not None
    items = read_items(lines)
    assert [(i["description"], i["quantity"], i["unit"], i["unit_price"], i["total"])
            for i in items] == [
        ("Kupferrohr 15 mm", "12.5", "m", "4.20", "52.50"),
        ("Installation vor Ort, Techniker mit Fahrzeug", "3", "Std.", "1082.91", "3248.73")]


def test_english_table_with_unit_in_quantity_cell() -> None:
    rows = [[("#", 60), ("Description", 80), ("Qty", 350), ("Unit", 390), ("Price", 440),
             ("Amount", 500)],
            [("1", 60), ("Software development", 80), ("24 h", 345), ("87.67", 445),
             ("2,104.08", 500)]]
    lines = table(rows)
    head = find_header(lines)
    assert head is not None
    (item,) = read_items(lines)
    assert (item["quantity"], item["unit_price"], item["total"]) == ("24", "87.67", "2104.08")


def test_quantity_notation() -> None:
    assert parse_quantity("1.234,5", None) == Decimal("1234.5")
    assert parse_quantity("3 262", ",") == Decimal("3262")
    assert parse_quantity("1,00", ",") == Decimal("1.00")
    assert parse_quantity("8.50 days", ".") == Decimal("8.50")


def test_pages_merge_and_xml_items_win_when_page_has_none() -> None:
    page1 = [{"description": "a", "quantity": "1", "unit": None, "unit_price": "2.00",
              "total": "2.00"}]
    page2 = [{"description": "b", "quantity": "2", "unit": None, "unit_price": "1.50",
              "total": "3.00"}]
    merged = merge([page1, page2], [], False)
    assert [i["description"] for i in merged] == ["a", "b"]
    assert items_total(merged) == Decimal("5.00")
    xml = [{"description": "x", "quantity": "1", "total": "9.00", "source": "xml"}]
    assert merge([[], []], xml, False)[0]["source"] == "xml"


def test_line_item_scoring_matches_rows_by_total_and_quantity() -> None:
    truth = [{"quantity": 2.0, "line_total_net": 20.0, "description": "A"},
             {"quantity": 1.0, "line_total_net": 5.0, "description": "B"},
             {"quantity": 3.0, "line_total_net": None, "description": "C"}]
    predicted = [{"quantity": "2", "total": "20.00"}, {"quantity": "1", "total": "5.01"},
                 {"quantity": "3", "total": None, "description": "c"}]
    assert score_line_items(truth, predicted) == {"tp": 2, "fp": 1, "fn": 1}


def test_ruled_table_header_names_its_columns() -> None:
    from cosy.steps.lineitems.ruled import column_kinds

    def header(*texts: str) -> list[dict]:
        return [{"text": t, "bbox": (0, 0, 1, 1)} for t in texts]

    # English 'Amount' left of the product is the quantity when 'Total' is the line total
    assert column_kinds(header("Amount", "Product", "VAT", "Price", "Total")) == [
        "quantity", "description", "tax", "unit_price", "total"]
    # French: 'Prix HT' right of 'Prix unitaire' is the line total; 'Rem.' stays unread
    assert column_kinds(header("Description", "Quantité", "Prix unitaire", "Rem.", "Prix HT")) \
        == ["description", "quantity", "unit_price", None, "total"]


def test_ruled_tables_give_the_generated_items() -> None:
    from cosy.corpus import generate_document
    from cosy.steps import parse
    from cosy.steps.lineitems import ruled

    pdf, truth = generate_document(101, doc_type="invoice", layout="din_times", language="de")
    page = parse.open_page(pdf, 1)
    tables = parse.tables(page)
    rows = ruled.ruled_rows(tables, 1)
    quantities = items.quantities(rows)
    found = items.items(rows, quantities, items.prices(rows),
                                  codes.units(quantities),
                                  codes.item_ids(rows), codes.tax_rates(rows))
    assert score_line_items(truth["line_items"], found) == {
        "tp": len(truth["line_items"]), "fp": 0, "fn": 0}
    # the reader that finds more items wins; an unruled page keeps the column reader's rows
    assert ruled.choose(rows[:1], rows) == rows and ruled.choose(rows, []) == rows


def test_coded_columns_unit_item_number_and_tax_rate() -> None:
    from cosy.steps.lineitems import codes
    from cosy.steps.lineitems.items import Quantity
    from cosy.steps.lineitems.rows import Row

    assert [codes.unit_code(u) for u in ("Stk.", "pcs", "Std", "Liter(s)", "m²", "H87", "Kiste",
                                         None)] == ["H87", "H87", "HUR", "LTR", "MTK", "H87",
                                                    None, None]
    assert codes.units([Quantity(None, "kg"), Quantity(None, None)]) == ["KGM", None]
    rows = [Row(1, (0, 0, 1, 1), {"item_id": "TB100A4", "tax": "19 %"}),
            Row(1, (0, 0, 1, 1), {"item_id": "Trennblätter", "tax": "A"}),
            Row(1, (0, 0, 1, 1), {"tax": "5,5"})]
    assert codes.item_ids(rows) == ["TB100A4", None, None]  # a word is a spilled description
    assert codes.tax_rates(rows) == ["19.00", None, "5.50"]

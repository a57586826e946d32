"""Normalisers and validators of the field families: no real corpus needed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cosy.domain import Line, Word
from cosy.steps.fields.amounts import stages as amounts
from cosy.steps.fields.currency import steps as currency
from cosy.steps.layout import lines as layout_lines
from tests.stages import (
    amount_context,
    date_context,
    identifier_context,
    number_roles,
    page_inputs,
    select_dates,
    select_numbers,
    selected,
)


def make_lines(rows: list[str | list[str]]) -> list[Line]:
    """Lines from text rows; a list row is cells set far apart (a table or a form)."""
    words, y = [], 40.0
    for row in rows:
        x = 50.0
        for cell in [row] if isinstance(row, str) else row:
            for token in cell.split():
                width = 6.0 * len(token)
                words.append(Word(token, x, y, x + width, y + 10.0, 10.0))
                x += width + 4.0
            x += 120.0
        y += 14.0
    return layout_lines(words)


@pytest.mark.parametrize(("text", "value"), [
    ("1.234,56", Decimal("1234.56")), ("1,234.56", Decimal("1234.56")), ("12,50", Decimal("12.50")),
    ("1 234,56", Decimal("1234.56")), ("7", None),
])
def test_parse_amount_reads_both_decimal_marks(text: str, value: Decimal | None) -> None:
    assert amounts.parse_amount(text) == value


@pytest.mark.parametrize(("text", "iso"), [
    ("05.03.2018", "2018-03-05"), ("2020-11-21", "2020-11-21"), ("11. Juli 2014", "2014-07-11"),
    ("February 17, 2026", "2026-02-17"), ("3 mars 2021", "2021-03-03"),
    ("17/11/2017", "2017-11-17"),
])
def test_dates_normalise_to_iso(text: str, iso: str) -> None:
    found = date_context(make_lines([f"Datum {text}"]))
    assert [m.value for m in found] == [iso]


def test_date_that_does_not_exist_is_dropped() -> None:
    assert date_context(make_lines(["Datum 31.02.2018"])) == []


def test_slash_dates_follow_the_page_order() -> None:
    found = date_context(make_lines(["Date 11/03/2017", "Paid 11/17/2017"]))
    assert [m.value for m in found] == ["2017-11-03", "2017-11-17"]
    found = date_context(make_lines(["Datum 17/11/2017", "11/03/2017"]))
    assert [m.value for m in found] == ["2017-11-17", "2017-03-11"]


def test_date_roles_from_label_and_column_header() -> None:
    rows = [["Rechnungsdatum:", "05.03.2018"], ["Leistungsdatum:", "01.03.2018"],
            ["Your Reference", "Due Date"], ["Hembrock", "March 30, 2018"]]
    found = select_dates(date_context(make_lines(rows)))
    assert {k: v.value for k, v in found.items()} == {
        "issue_date": "2018-03-05", "delivery_date": "2018-03-01", "due_date": "2018-03-30"}


def test_totals_prefer_the_triple_that_adds_up() -> None:
    rows = [["Pos", "Menge", "Gesamtbetrag"], ["1", "2", "160,00"],
            ["Nettobetrag:", "496,00"], ["USt. Gesamt:", "75,04"], ["Gesamtbetrag:", "571,04"],
            ["Zahlbetrag", "500,00"]]
    found = amounts.select_totals(amount_context(make_lines(rows)))
    assert {k: v.value for k, v in found.items()} == {
        "total_net": "496.00", "total_tax": "75.04", "total_gross": "571.04"}
    assert found["total_gross"].confidence > 0.9


def test_table_row_amounts_take_their_column_header() -> None:
    header = [("Gesamtbeträge", 43), ("Netto", 250), ("EUR", 280), ("MwSt.", 330), ("EUR", 362),
              ("Brutto", 410), ("EUR", 445)]
    row = [("19,00%", 205), ("MwSt.:", 230), ("376,37", 262), ("71,51", 345), ("447,88", 425)]
    words = [Word(t, x, y, x + 5.0 * len(t), y + 9.0, 9.0)
             for y, cells in ((405.0, header), (425.0, row)) for t, x in cells]
    found = amounts.select_totals(amount_context(layout_lines(words)))
    assert [found[k].value for k in ("total_net", "total_tax", "total_gross")] == [
        "376.37", "71.51", "447.88"]


@pytest.mark.parametrize(("label", "role"), [
    ("Rechnungssumme ohne USt.", "total_net"), ("Total € Incl. VAT", "total_gross"),
    ("19% VAT", "total_tax"), ("Total HT", "total_net"), ("Total TTC", "total_gross"),
    ("Gesamtbetrag der Zuschläge", None), ("Nettopreis", None), ("Umsatzsteuer", "total_tax"),
])
def test_total_wording_in_three_languages(label: str, role: str | None) -> None:
    found = amounts.classify_total(label)
    assert (found[0] if found else None) == role


def test_invoice_number_kinds() -> None:
    rows = ["Handelsrechnung (380) Nr. 471102 vom 05.03.2018", ["Ihre Auftragsnummer:", "ABC-123"],
            ["Kundennummer:", "987-654"]]
    found = select_numbers(number_roles(make_lines(rows)))
    assert found["invoice_number"].value == "471102"
    assert found["order_number"].value == "ABC-123"
    assert found["customer_number"].value == "987-654"


def test_identifiers_and_roles() -> None:
    rows = [["USt-IdNr.:", "DE 136 695 976"], ["Customer VAT Number", "ESA12345674"],
            ["Steuernummer:", "201/113/40209"], "IBAN DE88 2008 0000 0970 3757 00 BIC COBADEFFXXX",
            ["Käufer-IBAN :", "DE21860000000086001055"]]
    ls = make_lines(rows)
    found = selected(("iban", "bic", "seller_vat_id", "buyer_vat_id", "seller_tax_number"),
                     page_inputs(ls), {"doc.title_kind": None})
    assert {k: v.value for k, v in found.items()} == {
        "seller_vat_id": "DE136695976", "buyer_vat_id": "ESA12345674",
        "seller_tax_number": "201/113/40209", "iban": "DE88200800000970375700",
        "bic": "COBADEFFXXX"}


def test_iban_with_wrong_check_digits_needs_a_label() -> None:
    unlabelled = identifier_context("iban", make_lines(["Ref DE12123456781234567890"]))
    labelled = identifier_context("iban", make_lines([["IBAN :", "DE12123456781234567890"]]))
    assert unlabelled == []
    assert labelled[0].confidence < 0.5


def test_currency_labelled_first() -> None:
    ls = make_lines(["Summe 10,00 €", ["Rechnungswährung", ": GBP"]])
    assert currency.select_currency(currency.currency_candidates(ls, 1))["currency"].value == "GBP"


def test_an_iban_whose_digits_ocr_read_as_letters_is_repaired_where_mod_97_agrees() -> None:
    # DE89 3704 0044 0532 0130 00 read with O for 0, l for 1 and S for 5
    found = identifier_context("iban", make_lines([["IBAN :", "DE89 37O4 0044 OS32 Ol30 00"]]))
    assert [c.value for c in found] == ["DE89370400440532013000"]
    assert found[0].confidence >= 0.9

"""What the field families share for documents of any country: currency tokens, the page's
country conventions (US or not) and label words as OCR misreads them."""

from __future__ import annotations

import pytest

from cosy.steps.fields import fuzzy, locale, money
from cosy.steps.fields.common import NUMERIC_CELL, left_label
from tests.unit.test_fields_normalize import make_lines


@pytest.mark.parametrize(("token", "code"), [
    ("RM", "MYR"), ("(RM)", "MYR"), ("Rs.", "INR"), ("₹", "INR"), ("S$", "SGD"), ("HK$", "HKD"),
    ("€", "EUR"), ("myr", "MYR"), ("RMB", "CNY"), ("Kč", "CZK"), ("Total", None),
])
def test_currency_of_a_printed_token(token: str, code: str | None) -> None:
    assert money.currency_of(token) == code


def test_currency_cells_are_part_of_a_row_never_a_label() -> None:
    for cell in ("RM", "(RM)", "RM 12.00", "12,00 €", "USD 5.00", "₹", "19 %"):
        assert NUMERIC_CELL.match(cell), cell
    for cell in ("Total", "RM Code", "KLANG", "Amount"):
        assert not NUMERIC_CELL.match(cell), cell
    # the currency written before an amount is not its label
    line = make_lines([["TOTAL", "RM 64.15"]])[0]
    assert left_label(line, line.text.index("64.15")) == ("TOTAL", False)
    line = make_lines(["Amount Due: Rs. 1,200.00"])[0]
    assert left_label(line, line.text.index("1,200"))[0] == "Amount Due"
    # a currency cell, or a tax code with its currency, stands between a label and its amount
    line = make_lines([["Total", "RM", "86.00"]])[0]
    assert left_label(line, line.text.index("86.00")) == ("Total", True)
    line = make_lines([["6.00%GST", "A RM", "4.87"]])[0]
    assert left_label(line, line.text.index("4.87")) == ("6.00%GST", True)
    line = make_lines([["Widget", "2", "EUR", "10.00"]])[0]
    assert left_label(line, line.text.index("10.00")) == ("Widget", True)
    assert money.without_currency("Total RM") == "Total"


@pytest.mark.parametrize(("rows", "us"), [
    (["Mountain View, CA 94043"], True),
    (["Louisville,Kentucky 40232"], True),
    (["LOS GATOS - (408) 356-3757"], True),
    (["Pasadena, CA 91189-0402", "VAT Reg. No. GB232042011"], False),  # a UK invoice to the US
    (["80331 München", "Tel. (089) 123-4567"], False),  # no US area code starts with 0
    (["DE 80331 München"], False),
    (["Kuala Lumpur 50480", "GST ID: 000097492992"], False),
    (["Total $5.00"], True),
    (["Total S$5.00"], False),
    (["Total $5.00", "VAT 20%"], False),  # a European invoice in dollars
])
def test_us_evidence_from_addresses_and_phones(rows: list[str], us: bool) -> None:
    assert locale.us_evidence(make_lines(rows)) is us


@pytest.mark.parametrize(("rows", "country"), [
    (["Total $5.00"], "US"),
    (["Total $5.00", "ABN 51 824 753 556"], "AU"),
    (["Total $5.00", "Toronto ON M5V 2T6"], "CA"),
    (["Total $5.00", "GST Reg No 001637511168"], None),  # a GST country, which dollar unclear
    (["Total $5.00", "USt-IdNr. DE136695976"], "US"),  # a European seller invoicing in dollars
])
def test_whose_dollar_a_bare_sign_is(rows: list[str], country: str | None) -> None:
    assert locale.dollar_country(make_lines(rows)) == country


def test_one_edit_apart() -> None:
    assert fuzzy.one_edit("involce", "invoice")  # replaced
    assert fuzzy.one_edit("subtotail", "subtotal")  # inserted
    assert fuzzy.one_edit("invoce", "invoice")  # dropped
    assert fuzzy.one_edit("ivnoice", "invoice")  # swapped
    assert not fuzzy.one_edit("invoice", "invoice")
    assert not fuzzy.one_edit("tatol", "total2x")


def test_label_words_are_read_as_ocr_misspells_them() -> None:
    words = fuzzy.vocabulary([r"\btotal|subtotal|invoice", r"incl|exkl"])
    assert words == frozenset({"total", "subtotal", "invoice"})  # 'incl': too short to guess
    assert fuzzy.corrected("Tatal Sales", words) == "total Sales"
    assert fuzzy.corrected("Subtotail:", words) == "subtotal:"
    assert fuzzy.corrected("INVO:CE NO.", words) == "invoice NO."  # a misread letter
    assert fuzzy.corrected("TOT'L", words) == "total"
    # short words, words of the vocabulary, digits and words two edits away stay as they are
    assert fuzzy.corrected("Net tax Total INV03051 Totalsum", words) == \
        "Net tax Total INV03051 Totalsum"
    assert fuzzy.corrected("lnvoice", words) == "invoice"  # a first letter OCR confuses
    # another first letter makes another word ('relevé', a meter reading, is no 'prélevé')
    assert fuzzy.corrected("relevé", fuzzy.vocabulary(["prélevé"])) == "relevé"
    # a word one edit from two vocabulary words is not guessed
    assert fuzzy.corrected("totel", fuzzy.vocabulary(["total totem"])) == "totel"

"""The amount family's stages: locale sources, overlaps, validation, amount due, credit notes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cosy.domain import FieldValue, Line, Word
from cosy.steps.fields.amounts import cues as amount_cues
from cosy.steps.fields.amounts import select as amount_select
from cosy.steps.fields.amounts import sources as amount_sources
from cosy.steps.fields.amounts import stages as amounts
from cosy.steps.layout import lines as layout_lines
from tests.stages import amount_context, number_roles
from tests.unit.test_fields_normalize import make_lines


def _values(rows: list[str | list[str]]) -> list[str]:
    return [m.value for m in amount_context(make_lines(rows))]


def test_each_locale_source_reads_its_notation() -> None:
    lines = make_lines(["Summe 1.234,56", "Total 1,234.56", "Montant 1\u00a0234,56",
                        "Betrag 1'234.56"])
    found = {src.__name__: sorted({h.line for h in src(lines)})
             for src in amount_sources.SOURCES}
    assert found["swiss_amounts"] == [3] and found["french_amounts"] == [2]
    assert 1 in found["english_amounts"] and 0 in found["german_amounts"]
    # the partial readings ('234.56' of the Swiss amount) lose to the whole ones
    assert _values(["Summe 1.234,56", "Total 1,234.56", "Montant 1 234,56",
                    "Betrag 1'234.56"]) == ["1234.56"] * 4


def test_indian_grouping() -> None:
    assert _values(["Total ₹1,23,456.00", "Grand Total 12,34,567.89", "Net 123,456.00"]) == [
        "123456.00", "1234567.89", "123456.00"]


def test_longest_reading_wins_over_a_partial_one() -> None:
    # the German source alone would read '234,56' out of the French '1 234,56'
    assert _values(["Total TTC 1\u202f234,56 €", "Swiss 12'345.00"]) == ["1234.56", "12345.00"]


def test_signs_and_percentages() -> None:
    assert _values(["Rabatt -12,50", "MwSt 19,00 %", "Netto € 100.00"]) == ["-12.50", "100.00"]


def test_validate_drops_identifiers_shaped_like_amounts() -> None:
    hits = amount_sources.german_amounts(make_lines(["Ref 0012,50 Betrag 12,50"]))
    kept = amounts.validate_amounts(amounts.normalise_amounts([hits]))
    assert [v for _, v in kept] == ["12.50"]


def test_amount_due_is_labelled_or_the_gross_total() -> None:
    rows = [["Nettobetrag:", "100,00"], ["USt. 19 %:", "19,00"], ["Gesamtbetrag:", "119,00"],
            ["Anzahlung:", "-50,00"], ["Zahlbetrag:", "69,00"]]
    found = amount_context(make_lines(rows))
    totals = amounts.select_totals(found)
    assert amount_select.pick_amount_due(found, totals).value == "69.00"
    plain = found[:3]
    assert amount_select.pick_amount_due(plain, totals).value == "119.00"
    paid = [*found[:4]]  # a prepayment but no amount due printed: do not guess
    assert amount_select.pick_amount_due(paid, totals) is None


def test_credit_note_totals_are_positive() -> None:
    lines = make_lines(["Gutschrift Nr. GS-2024-7", ["Nettobetrag:", "-100,00"],
                        ["USt.:", "-19,00"], ["Gesamtbetrag:", "-119,00"]])
    nums = number_roles(lines)
    assert amount_select.credit_note([nums])
    found = amount_context(lines)
    cues = amount_cues.join_cues(found, *(amount_cues.cues_in(found, lang)
                                          for lang in ("de", "en", "fr")))
    out = amount_select.select_total_fields([found], [cues], [[]], True, [[]])
    assert {k: v.value for k, v in out.items()} == {
        "total_net": "100.00", "total_tax": "19.00", "total_gross": "119.00"}


def test_amounts_carry_their_currency_and_decide_the_documents() -> None:
    from cosy.steps.fields.currency import steps as currency

    lines = make_lines(["Zahlbar auch in EUR möglich.", "Net 100.00 £", "VAT £ 20.00",
                        "Total £120.00"])
    cur = currency.currency_candidates(lines, 1)
    found = amount_context(lines)
    attached = currency.amount_currency(found, cur)
    assert attached == ["GBP", "GBP", "GBP"]
    # EUR and GBP are printed; the amounts are written in pounds
    assert currency.select_currency(cur, attached)["currency"].value == "GBP"


def test_currency_words_count_only_as_a_declaration() -> None:
    from cosy.steps.fields.currency import steps as currency

    declared = currency.currency_candidates(make_lines([["Beträge in", "Euro"], "Total $5.00"]), 1)
    assert currency.select_currency(declared)["currency"].value == "EUR"
    prose = currency.currency_candidates(make_lines(["Der Euro steigt.", "Total $5.00"]), 1)
    assert [m.value for m in prose] == ["USD"]


def test_each_language_lexicon_names_its_totals() -> None:
    rows = [["Nettobetrag:", "100,00"], ["VAT 20%:", "20,00"], ["Total TTC :", "120,00"]]
    found = amount_context(make_lines(rows))
    assert "net_strong" in amount_cues.german_amount_cues(found)[0][0]
    assert [label for label, _ in amount_cues.english_amount_cues(found)][1] == {
        "tax", "tax_at_rate"}
    assert "gross_strong" in amount_cues.french_amount_cues(found)[2][0]
    joined = amount_cues.amount_cues(found, *(amount_cues.cues_in(found, lang)
                                              for lang in ("de", "en", "fr")))
    assert [c[0] if c else None for c in joined] == ["total_net", "total_tax", "total_gross"]


def test_currency_symbols_and_codes_of_other_countries() -> None:
    from cosy.steps.fields.currency import steps as currency

    def found(rows: list[str | list[str]]) -> list[str]:
        return [m.value for m in currency.currency_candidates(make_lines(rows), 1)]

    assert found([["G Summary", "Amount(RM)", "Tax (RM)"]]) == ["MYR", "MYR"]  # in a header
    assert found([["TOTAL", "RM 64.15"], "Total RM15.90", "Paid 250.00 Rs"]) == [
        "MYR", "MYR", "INR"]
    assert found(["₹ 1,200.00", "Total S$5.00", "INR 12.00"]) == ["INR", "SGD", "INR"]
    assert found(["ROOM 12", "Rs and Ps of the contract", "FORM RM"]) == []  # letters alone
    assert found(["Fr. Müller", "Fr. 12.50"]) == ["CHF"]
    # a bare '$' is the US dollar unless the page is written in another dollar's country
    assert found(["Total $5.00", "Mountain View, CA 94043"]) == ["USD"]
    assert found(["Total $5.00", "ABN 51 824 753 556"]) == ["AUD"]
    assert found(["Total $5.00", "GST Reg No 001637511168"]) == []


def test_amounts_with_a_currency_in_front_belong_to_their_label() -> None:
    from cosy.steps.fields.currency import steps as currency

    rows = [["Sub Total", "RM", "68.87"], ["GST/TAX 6%", "RM", "4.13"], ["TOTAL", "RM 73.00"],
            "Total RM15.90"]
    lines = make_lines(rows)
    found = amount_context(lines)
    assert [(m.value, m.label) for m in found] == [
        ("68.87", "Sub Total"), ("4.13", "GST/TAX 6%"), ("73.00", "TOTAL"), ("15.90", "Total")]
    cur = currency.currency_candidates(lines, 1)
    attached = currency.amount_currency(found, cur)
    assert attached[2:] == ["MYR", "MYR"]
    assert currency.select_currency(cur, attached)["currency"].value == "MYR"


@pytest.mark.parametrize(("label", "role"), [
    ("Total Incl. of GST", "total_gross"), ("Tatal Sales (Inclusive of GST)", "total_gross"),
    ("Total Sales (Excluding GST)", "total_net"), ("Subtotail", "total_net"),
    ("Total GST", "total_tax"), ("GST @6%", "total_tax"), ("(Inclusive) GST 6%", "total_tax"),
    ("inkl. 19 % MwSt.", "total_tax"), ("Gesamtbetrag inkl. 19 % MwSt.", "total_gross"),
    ("Total Amt Rounded", "total_gross"), ("Amt Due", "total_gross"),
    ("Totalwith GST", "total_gross"), ("TOTAL H.T.", "total_net"), ("Total T.T.C.", "total_gross"),
    ("Total Exel. of GST", "total_net"),  # 'Excl.' misread: a total, not the tax
    ("Rounding", None), ("Rounding Adjustment", None), ("Service Chrg (Incl GST 6%)", None),
    ("Change Due", None), ("Amount Paid", None),
])
def test_total_words_of_receipts_and_other_countries(label: str, role: str | None) -> None:
    cue = amount_cues.classify_total(label)
    assert (cue[0] if cue else None) == role


def _totals(rows: list[str | list[str]]) -> dict[str, str]:
    lines = make_lines(rows)
    found = amount_context(lines)
    cues = amount_cues.join_cues(found, *(amount_cues.cues_in(found, lang)
                                          for lang in ("de", "en", "fr")),
                                 rates=amount_cues.row_rates(found, lines))
    return {k: v.value for k, v in amounts.select_totals(found, cues=cues).items()}


def test_a_tax_summary_row_gives_net_and_tax_by_arithmetic() -> None:
    # prices with the tax included: 'Sub Total' is the gross, the summary row has net and tax
    assert _totals([["Sub Total", "129.30"], ["Amt Due", "129.30"], ["GST @6%", "7.30"],
                    ["GST Summary", "Amount(RM)", "GST(RM)"], ["S", "6%", "122.00", "7.30"],
                    ["Z", "0%", "0.00", "0.00"]]) == {
        "total_net": "122.00", "total_tax": "7.30", "total_gross": "129.30"}
    # two rates charged: the tax is the one row's with tax, the net total is not printed
    assert _totals([["Total", "77.20"], ["GST Analysis", "Goods", "Tax Amount"],
                    ["S = 6%", "50.47", "3.03"], ["Z = 0%", "23.70", "0.00"]]) == {
        "total_tax": "3.03", "total_gross": "77.20"}
    # taxed at two rates: each row's tax is a part of the total ('Taxes et contributions' are
    # no VAT), so no tax total is read
    assert _totals([["Total facture hors TVA", "54,87"], ["Total Taxes et Contributions", "12,12"],
                    ["TVA 20,00 % sur un montant total de", "34,24 €", "6,85 €"],
                    ["TVA 5,50 % sur un montant total de", "20,63 €", "1,14 €"],
                    ["Total facture TTC", "62,86 €"]]) == {
        "total_net": "54.87", "total_gross": "62.86"}
    # a base is never the tax, whatever its label says
    assert _totals([["Nettobetrag", "100,00"], ["MwSt. 19 % von 100,00:", "19,00"],
                    ["Gesamtbetrag", "119,00"]]) == {
        "total_net": "100.00", "total_tax": "19.00", "total_gross": "119.00"}


def test_cash_totals_rounded_to_five_cents_add_up() -> None:
    assert amounts.adds_up(Decimal("31.03"), Decimal("1.65"), Decimal("32.70"))
    assert amounts.adds_up(Decimal("100.00"), Decimal("19.00"), Decimal("119.00"))
    assert not amounts.adds_up(Decimal("31.03"), Decimal("1.65"), Decimal("32.69"))  # not cash
    assert not amounts.adds_up(Decimal("31.03"), Decimal("1.65"), Decimal("32.75"))
    assert _totals([["Total Sales (Excluding GST) :", "31.03"], ["Total GST", "1.65"],
                    ["Rounding", "0.02"], ["Tatal Sales (Inclusive of GST) :", "32.70"]]) == {
        "total_net": "31.03", "total_tax": "1.65", "total_gross": "32.70"}


def test_gross_from_arithmetic_where_its_label_is_misread() -> None:
    assert _totals([["Sub Total", "RM", "68.87"], ["GST/TAX 6%", "RM", "4.13"],
                    ["T0T~L", "RM", "73.00"], ["CHANGE", "RM", "0.00"]]) == {
        "total_net": "68.87", "total_tax": "4.13", "total_gross": "73.00"}
    # a net wording on what was paid counts as the gross only where the sum says so
    assert _totals([["TOTAL H.T.", "4,30"], ["TVA", "0,30"], ["TOTAL NET", "4,60"]]) == {
        "total_net": "4.30", "total_tax": "0.30", "total_gross": "4.60"}
    assert _totals([["TOTAL TAX", "100.52"], ["BALANCE DUE", "$1,536.52"]]) == {
        "total_tax": "100.52", "total_gross": "1536.52"}


def _column(rows: list[tuple[str, str]]) -> list[Line]:
    """Rows of a label at the left and an amount right-aligned in one column."""
    words, y = [], 40.0
    for label, amount in rows:
        x = 50.0
        for token in label.split():
            words.append(Word(token, x, y, x + 6.0 * len(token), y + 10.0, 10.0))
            x += 6.0 * len(token) + 4.0
        for token in reversed(amount.split()):
            words.append(Word(token, 400.0 - 6.0 * len(token), y, 400.0, y + 10.0, 10.0))
        y += 14.0
    return layout_lines(words)


def test_a_page_that_names_no_total_still_adds_its_lines_up() -> None:
    rows = [("Round trip airfare", "292.00"), ("Miscellaneous cabfares", "58.50"), ("", "350.50")]
    found = amount_context(_column(rows))
    assert {k: v.value for k, v in amounts.select_totals(found).items()} == {
        "total_gross": "350.50"}
    wrong = [("Round trip airfare", "292.00"), ("Miscellaneous cabfares", "58.50"), ("", "350.00")]
    found = amount_context(_column(wrong))
    assert amounts.select_totals(found) == {}


def _slanted(rows: list[tuple[float, str, float, str]]) -> list[Line]:
    """A scan's rows whose label and amount OCR read as two lines a few points apart."""
    words = []
    for top, label, amount_top, amount in rows:
        x = 210.0
        for token in label.split():
            words.append(Word(token, x, top, x + 6.0 * len(token), top + 12.0, 10.0))
            x += 6.0 * len(token) + 4.0
        if amount:
            words.append(Word(amount, 530.0 - 6.0 * len(amount), amount_top, 530.0,
                              amount_top + 11.0, 10.0))
    return layout_lines(words)


def test_a_label_in_the_same_slanted_row_is_the_amounts() -> None:
    lines = _slanted([(186.7, "Rechnungssumme ohne USt.", 181.2, "177,49"),
                      (218.6, "Steuerbetrag", 211.4, "20,16"),
                      (248.3, "Bruttosumme", 239.8, "197,65"),
                      (307.7, "Zahlbetrag", 300.1, "147,65"), (340.0, "Seite 2", 0.0, "")])
    assert len(lines) == 9  # label and amount: two lines each
    found = amount_context(lines)
    assert [m.label for m in found] == ["Rechnungssumme ohne USt.", "Steuerbetrag",
                                        "Bruttosumme", "Zahlbetrag"]
    assert {k: v.value for k, v in amounts.select_totals(found).items()} == {
        "total_net": "177.49", "total_tax": "20.16", "total_gross": "197.65"}
    # rows a line apart are not one row
    apart = _slanted([(100.0, "Steuerbetrag", 0.0, ""), (0.0, "", 116.0, "20,16")])
    assert [m.label for m in amount_context(apart)] == [""]


def _table(rows: list[list[str]], columns: tuple[float, ...]) -> list[Line]:
    """Rows of cells, each cell starting at its column's x."""
    words = []
    for r, row in enumerate(rows):
        for x, cell in zip(columns, row, strict=True):
            for token in cell.split():
                words.append(Word(token, x, 40.0 + 14 * r, x + 6.0 * len(token),
                                  50.0 + 14 * r, 10.0))
                x += 6.0 * len(token) + 4.0
    return layout_lines(words)


def test_a_rate_column_without_percent_signs() -> None:
    lines = _table([["Art (Kategorie)", "Basisbetrag", "Steuersatz [%]", "Steuerbetrag"],
                    ["Umsatzsteuer (S)", "286,52", "19", "54,44"]], (60.0, 200.0, 300.0, 420.0))
    found = amount_context(lines)
    rates = amount_cues.row_rates(found, lines)
    assert rates == ["19", "19"]
    cues = amount_cues.tax_summary_cues(found, [amount_cues.amount_role(m) for m in found], rates)
    assert cues == [("total_net", 2.0), ("total_tax", 2.5)]


def _total(name: str, value: str) -> FieldValue:
    return FieldValue(name, value, 0.99, 1, (0, 0, 10, 10), None, "test")


def _row(rate: str, base: str, tax: str, line: int) -> dict[str, object]:
    return {"rate": rate, "base": base, "tax": tax, "page": 1,
            "bbox": [20, 300 + line, 110, 307 + line],
            "line": line}


def test_a_net_of_one_rate_gives_way_to_the_breakdown_sum_that_adds_up() -> None:
    rows = [_row("19.00", "19.61", "3.73", 27), _row("7.00", "611.88", "42.83", 28)]
    totals = {"total_net": _total("total_net", "611.88"),
              "total_gross": _total("total_gross", "678.05")}
    out = amounts.totals_from_breakdown(totals, rows + rows[:1])  # a row read twice counts once
    assert (out["total_net"].value, out["total_tax"].value) == ("631.49", "46.56")
    assert out["total_net"].bbox == (20, 327, 110, 335)


def test_the_breakdown_never_overrides_totals_that_add_up_or_a_sum_that_does_not() -> None:
    rows = [_row("19.00", "100.00", "19.00", 1), _row("7.00", "50.00", "3.50", 2)]
    agree = {"total_net": _total("total_net", "150.00"), "total_tax": _total("total_tax", "22.50"),
             "total_gross": _total("total_gross", "172.50")}
    assert amounts.totals_from_breakdown(agree, rows) == agree
    other = {"total_net": _total("total_net", "90.00"),
             "total_gross": _total("total_gross", "200.00")}  # rows sum to 172.50: not this
    assert amounts.totals_from_breakdown(other, rows) == other
    one_rate = {"total_net": _total("total_net", "90.00"),
                "total_gross": _total("total_gross", "119.00")}
    assert amounts.totals_from_breakdown(one_rate, rows[:1]) == one_rate

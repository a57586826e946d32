"""The amount family's stages: locale sources, overlaps, validation, amount due, credit notes."""

from __future__ import annotations

from cosy.steps.fields.amounts import cues as amount_cues
from cosy.steps.fields.amounts import select as amount_select
from cosy.steps.fields.amounts import sources as amount_sources
from cosy.steps.fields.amounts import stages as amounts
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
    out = amount_select.select_total_fields([found], [cues], [[]], True)
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
    assert [label for label, _ in amount_cues.english_amount_cues(found)][1] == {"tax"}
    assert "gross_strong" in amount_cues.french_amount_cues(found)[2][0]
    joined = amount_cues.amount_cues(found, *(amount_cues.cues_in(found, lang)
                                              for lang in ("de", "en", "fr")))
    assert [c[0] if c else None for c in joined] == ["total_net", "total_tax", "total_gross"]

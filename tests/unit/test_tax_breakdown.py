"""Tax breakdown and tax category: sources, validation, categories per language, the totals
check, the graph nodes, the truth the generator writes and how it is scored."""

from __future__ import annotations

import io
from types import SimpleNamespace
from typing import Any

import pdfplumber
import pytest

from cosy.config import Settings
from cosy.domain import FieldValue, Line, Mention, Word
from cosy.engine.profiles import load_pipeline
from cosy.engine.step import StepContext
from cosy.kg import vocab
from cosy.kg.export import serialize
from cosy.steps import consistency_tax
from cosy.steps.fields.tax import breakdown as tax_breakdown
from cosy.steps.fields.tax import breakdown_sources as sources
from cosy.steps.fields.tax import category as tax_category
from cosy.steps.fields.tax import rates as taxes
from cosy.steps.graph import entities, tax
from cosy.steps.layout import lines as layout_lines
from tests.stages import GEOMETRY, amount_context
from tests.unit.test_fields_normalize import make_lines


def _page(rows: list[str | list[str]]) -> tuple[list[Line], list[Mention], list[Mention]]:
    lines = make_lines(rows)
    valid = taxes.tax_rate_validate(taxes.tax_rate_normalise(taxes.tax_rate_candidates(lines)))
    rates = taxes.tax_rate_context(valid, lines, 1, GEOMETRY)
    return lines, rates, amount_context(lines)


def _rows(rows: list[str | list[str]]) -> list[dict[str, Any]]:
    """The page's validated breakdown rows, every source run."""
    lines, rates, found = _page(rows)
    readings = tax_breakdown.breakdown_normalise(
        sources.table_rows(lines, found), sources.german_sentences(lines, found),
        sources.english_sentences(lines, found), sources.french_sentences(lines, found),
        sources.same_line_rows(rates, found))
    return tax_breakdown.breakdown_validate(readings, 1)


def _triples(rows: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    return [(r["rate"], r["base"], r["tax"]) for r in rows]


def _totals(net: str, tax_: str) -> dict[str, FieldValue]:
    return {"total_net": FieldValue("total_net", net, 0.9),
            "total_tax": FieldValue("total_tax", tax_, 0.9)}


# --- sources and validation ----------------------------------------------------------------------


def test_same_line_rows_check_base_times_rate() -> None:
    rows = _rows([["USt. 19 %", "100,00", "19,00"], ["USt. 7 %", "50,00", "3,50"],
                  ["Skonto 2 %", "119,00", "9,99"]])
    assert _triples(rows) == [("19.00", "100.00", "19.00"), ("7.00", "50.00", "3.50")]
    assert {r["step"] for r in rows} == {"fields.tax.candidates.breakdown.same_line"}


def _table(rows: list[list[str]], xs: list[float]) -> list[Line]:
    """Lines of a table whose cells start at the columns' x (text right-aligned would differ
    only in where the cell's box lies)."""
    words, y = [], 40.0
    for row in rows:
        for cell, x in zip(row, xs, strict=False):
            for token in cell.split():
                words.append(Word(token, x, y, x + 5.0 * len(token), y + 10.0, 10.0))
                x += 5.0 * len(token) + 3.0
        y += 14.0
    return layout_lines(words)


def test_table_rows_read_bare_rates_under_their_header() -> None:
    lines = _table([
        ["Art (Kategorie)", "Warenwert", "Zu-/Abschlag", "Basisbetrag", "Steuersatz",
         "Steuerbetrag"],
        ["Umsatzsteuer (S)", "326,50", "-5,10", "321,40", "19", "61,07"],
        ["Umsatzsteuer (S)", "130,70", "-3,11", "127,59", "7", "8,93"],
        ["Rechnungssumme ohne USt.", "448,99"]], [40, 160, 230, 300, 370, 440])
    found = amount_context(lines)
    rows = tax_breakdown.breakdown_validate(
        tax_breakdown.breakdown_normalise(sources.table_rows(lines, found), [], [], [], []), 1)
    # the base is the amount that checks out, not the goods value before allowances
    assert _triples(rows) == [("19.00", "321.40", "61.07"), ("7.00", "127.59", "8.93")]
    assert rows[0]["step"] == "fields.tax.candidates.breakdown.table"


def test_table_header_naming_two_columns_in_one_cell_is_split() -> None:
    lines = make_lines([["Art", "Basisbetrag", "USt. % Steuerbetrag"]])
    header = sources.header_columns(lines[0])
    assert header is not None and (header.rate.text, header.tax.text) == ("USt. %",
                                                                          "Steuerbetrag")
    assert header.rate.x1 < header.tax.x0 and len(header.columns) == 4


@pytest.mark.parametrize("header", [["MwSt-Satz", "Nettobetrag", "MwSt"],
                                    ["VAT rate", "Net", "VAT"], ["Taux", "Base HT", "TVA"],
                                    ["USt. Satz", "Nettopreis", "Ust.-Betrag"],
                                    ["Tax %", "Taxable amount", "Tax amount"]])
def test_breakdown_headers_per_language(header: list[str]) -> None:
    lines = _table([header, ["19 %", "100,00", "19,00"], ["7 %", "50,00", "3,50"]],
                   [40, 160, 300])
    found = sources.header_columns(lines[0])
    assert found is not None and (found.rate.text, found.tax.text) == (header[0], header[2])
    readings = sources.table_rows(lines, amount_context(lines))
    rows = tax_breakdown.breakdown_validate(
        tax_breakdown.breakdown_normalise(readings, [], [], [], []), 1)
    assert _triples(rows) == [("19.00", "100.00", "19.00"), ("7.00", "50.00", "3.50")]


def test_line_item_headers_are_no_breakdown_table() -> None:
    lines, _, _ = _page([["Pos", "Beschreibung", "Menge", "Steuersatz", "Nettobetrag"]])
    assert sources.header_columns(lines[0]) is None


def test_sentences_per_language() -> None:
    assert _triples(_rows(["zzgl. 19 % MwSt. auf 100,00 EUR 19,00 EUR"])) == [
        ("19.00", "100.00", "19.00")]
    assert _triples(_rows(["VAT 20% on 1,000.00 200.00"])) == [("20.00", "1000.00", "200.00")]
    assert _triples(_rows(["TVA 5,5 % sur 200,00 € 11,00 €"])) == [("5.50", "200.00", "11.00")]
    # 'aus' names the gross amount the tax is contained in
    assert _triples(_rows(["darin 19 % MwSt. aus 119,00 € = 19,00 €"])) == [
        ("19.00", "100.00", "19.00")]


def test_a_row_read_by_two_sources_is_counted_once() -> None:
    lines, rates, found = _page(["USt. 7 % auf 50,00 € 3,50 €"])
    german, same = sources.german_sentences(lines, found), sources.same_line_rows(rates, found)
    assert german and same
    readings = tax_breakdown.breakdown_normalise([], german, [], [], same)
    ok = [r for r in readings if tax_breakdown.checks_out(r.rate, r.base, r.tax)]
    assert len(ok) == 1 and ok[0].sources == ("fields.tax.candidates.breakdown.sentence.de",
                                              "fields.tax.candidates.breakdown.same_line")
    assert len(tax_breakdown.breakdown_validate(readings, 1)) == 1


def test_validation_rejects_what_does_not_add_up() -> None:
    assert tax_breakdown.checks_out(*map(tax_breakdown.Decimal, ("19", "100.00", "19.01")))
    assert not tax_breakdown.checks_out(*map(tax_breakdown.Decimal, ("19", "100.00", "19.50")))
    assert not tax_breakdown.checks_out(*map(tax_breakdown.Decimal, ("30", "100.00", "30.00")))
    assert not tax_breakdown.checks_out(*map(tax_breakdown.Decimal, ("0", "0.00", "0.00")))


# --- document select -----------------------------------------------------------------------------


def _row(rate: str, base: str, tax_: str, line: int = 0) -> dict[str, Any]:
    return tax_breakdown.row_dict(*map(tax_breakdown.Decimal, (rate, base, tax_)), 1,
                                  (0, 0, 1, 1), "fields.tax.candidates.breakdown.table", line)


def test_select_keeps_one_row_per_rate_by_the_totals() -> None:
    item = _row("19", "10.00", "1.90")  # an item table's tax column checks out too
    group = _row("19", "110.00", "20.90", 5)
    reduced = _row("7", "50.00", "3.50", 6)
    rows = tax_breakdown.select_rows([item, group, reduced, dict(group)], [],
                                     _totals("160.00", "24.40"), False)
    assert _triples(rows) == [("19.00", "110.00", "20.90"), ("7.00", "50.00", "3.50")]


def test_one_rate_and_the_totals_make_the_row() -> None:
    _, rates, _ = _page([["Nettobetrag", "200,00"], ["zzgl. 19 % MwSt.", "38,00"]])
    rows = tax_breakdown.select_rows([], rates, _totals("200.00", "38.00"), False)
    assert _triples(rows) == [("19.00", "200.00", "38.00")]
    assert rows[0]["step"] == tax_breakdown.TOTALS_STEP
    assert tax_breakdown.select_rows([], rates, _totals("200.00", "30.00"), False) == []
    assert taxes.select_tax_rate([rates], rows)["tax_rate"].value == "19.00"


def test_credit_note_rows_are_unsigned_like_its_totals() -> None:
    rows = tax_breakdown.select_rows([_row("20", "-20.48", "-4.10")], [],
                                     _totals("20.48", "4.10"), True)
    assert _triples(rows) == [("20.00", "20.48", "4.10")]


# --- category ------------------------------------------------------------------------------------


def _categories(rows: list[str | list[str]]) -> list[Mention]:
    lines = make_lines(rows)
    return tax_category.category_normalise(
        tax_category.printed_codes(lines), tax_category.german_categories(lines),
        tax_category.english_categories(lines), tax_category.french_categories(lines), lines,
        1, GEOMETRY)


def test_category_phrases_per_language() -> None:
    found = _categories([
        "Steuerschuldnerschaft des Leistungsempfängers (Reverse Charge).",
        "Innergemeinschaftliche Lieferung, steuerfrei gem. § 4 Nr. 1b UStG.",
        "Steuerfreie Ausfuhrlieferung",
        "Gemäß § 19 UStG wird keine Umsatzsteuer berechnet.",
        "Steuerfrei nach § 4 Nr. 14 UStG",
        "Reverse charge: VAT to be accounted for by the recipient.",
        "Intra-Community supply, exempt from VAT.",
        "Outside the scope of VAT",
        "Autoliquidation : TVA due par le preneur.",
        "Livraison intracommunautaire exonérée (art. 262 ter I du CGI).",
        "TVA non applicable, art. 293 B du CGI",
        "Umsatzsteuer (K)",
    ])
    assert [m.value for m in found] == ["AE", "K", "G", "E", "E", "AE", "K", "O", "AE", "K", "E",
                                        "K"]
    assert found[-1].step == "fields.tax.candidates.category.code"


def test_a_vat_id_label_is_no_intra_community_supply() -> None:
    assert _categories(["N° TVA intracommunautaire FR40303265045",
                        "Innergemeinschaftliche USt-IdNr.: DE123456789"]) == []


def _rc(total_tax: str, buyer: str | None) -> list[Mention]:
    found = _categories(["Reverse charge: VAT to be accounted for by the recipient."])
    rows = [_row("0", "500.00", "0.00")] if total_tax == "0.00" else [_row("19", "500.00",
                                                                          "95.00")]
    vat = {"buyer_vat_id": FieldValue("buyer_vat_id", buyer, 0.9)} if buyer else {}
    return tax_category.category_validate([found], rows, _totals("500.00", total_tax), vat)


def test_reverse_charge_needs_zero_tax_and_is_confirmed_by_the_buyer_vat_id() -> None:
    assert _rc("95.00", "FR40303265045") == []  # VAT charged: the sentence is boilerplate
    confirmed, doubtful = _rc("0.00", "FR40303265045"), _rc("0.00", None)
    assert [m.value for m in confirmed] == ["AE"] == [m.value for m in doubtful]
    assert confirmed[0].confidence > 0.8 > doubtful[0].confidence


def test_standard_code_needs_tax() -> None:
    found = _categories(["19 % UST (S)"])
    assert tax_category.category_validate([found], [], _totals("100.00", "0.00"), {}) == []
    assert len(tax_category.category_validate([found], [], _totals("100.00", "19.00"), {})) == 1


def test_rows_and_document_get_their_category() -> None:
    k = tax_category.category_validate(
        [_categories(["", "", "Innergemeinschaftliche Lieferung"])],
        [_row("0", "2000.00", "0.00", 1)], _totals("2000.00", "0.00"),
        {"buyer_vat_id": FieldValue("buyer_vat_id", "FR40303265045", 0.9)})
    rows = tax_category.category_rows([_row("0", "2000.00", "0.00", 1)], k)
    assert [r["category"] for r in rows] == ["K"] and "line" not in rows[0]
    assert tax_category.select_tax_category(rows, k)["tax_category"].value == "K"
    mixed = tax_category.category_rows([_row("19", "100.00", "19.00"),
                                        _row("0", "50.00", "0.00", 9)], [])
    assert [r["category"] for r in mixed] == ["S", "Z"]  # an unexplained 0 % row: zero rated
    assert tax_category.select_tax_category(mixed, []) == {}  # rows differ: no single code
    standard = tax_category.category_rows([_row("19", "100.00", "19.00")], [])
    assert tax_category.select_tax_category(standard, [])["tax_category"].value == "S"


def test_small_business_without_rows_is_exempt() -> None:
    found = _categories(["Als Kleinunternehmer im Sinne von § 19 Abs. 1 UStG wird keine "
                         "Umsatzsteuer berechnet."])
    valid = tax_category.category_validate([found], [], {}, {})
    assert tax_category.select_tax_category([], valid)["tax_category"].value == "E"


# --- consistency check ---------------------------------------------------------------------------


def test_check_confirms_or_contradicts_the_totals() -> None:
    rows = [_row("19", "100.00", "19.00"), _row("7", "50.00", "3.50")]
    D = tax_breakdown.Decimal
    ok = consistency_tax.verdict(rows, D("150.00"), D("22.50"))
    assert ok.ok is True and ok.fields == ("total_net", "total_tax")
    assert consistency_tax.verdict(rows, D("-150.00"), D("-22.50")).ok is True  # credit note
    wrong = consistency_tax.verdict(rows, D("150.00"), D("25.00"))
    assert wrong.ok is False and wrong.fields == ("total_tax",)
    missing = consistency_tax.verdict(rows, D("250.00"), D("42.50"))  # a 20 % row not read
    assert missing.ok is None
    derived = [{**_row("19", "100.00", "19.00"), "step": tax_breakdown.TOTALS_STEP}]
    assert consistency_tax.verdict(derived, D("100.00"), D("19.00")).ok is None


def test_check_runs_in_consistency_apply() -> None:
    apply = next(s for s in load_pipeline().steps if s.name == "consistency.apply")
    assert "doc.check.tax_breakdown" in apply.requires
    fields = {"total_net": FieldValue("total_net", "150.00", 0.8),
              "total_tax": FieldValue("total_tax", "22.50", 0.8)}
    check = consistency_tax.tax_breakdown(fields, [_row("19", "100.00", "19.00"),
                                                   _row("7", "50.00", "3.50")])
    assert check.ok is True


# --- graph ---------------------------------------------------------------------------------------


def test_tax_subtotal_nodes_are_linked_from_the_document() -> None:
    info = SimpleNamespace(tenant="t", id="doc1", file_name="doc1.pdf", pages=1)
    ctx = StepContext("doc1", "t", None, Settings(), None)
    rows = tax_category.category_rows([_row("19", "100.00", "19.00"),
                                       _row("7", "50.00", "3.50")], [])
    nodes = tax.tax_subtotals(rows, info)
    assert [n.type for n in nodes] == ["TaxSubtotal", "TaxSubtotal"]
    assert nodes[0].id != nodes[1].id
    literals = tax.tax_subtotal_literals(nodes, rows, info, ctx)
    document = entities.document(info)
    links = tax.document_tax_subtotals(document, nodes, rows, info, ctx)
    assert [(t.s, t.o) for t in links] == [(document.id, n.id) for n in nodes]
    assert {t.p for t in links} == {vocab.TAX_SUBTOTAL}
    stated = {(t.s, t.p): t.o for t in literals}
    assert stated[(nodes[0].id, vocab.COSY + "taxableAmount")] == "100.00"
    assert stated[(nodes[1].id, vocab.COSY + "taxAmount")] == "3.50"
    assert stated[(nodes[1].id, vocab.COSY + "taxCategory")] == "S"
    assert stated[(nodes[0].id, vocab.RDF_TYPE)] == vocab.COSY + "TaxSubtotal"
    nt = serialize(literals + links, "application/n-triples")
    assert "<https://cosy.dev/ns#taxSubtotal>" in nt and "taxableAmount" in nt
    assert "cosy:TaxSubtotal" in serialize(literals + links, "application/ld+json")


# --- truth and scoring ---------------------------------------------------------------------------


def test_generator_truth_has_breakdown_and_the_printed_category() -> None:
    from cosy.corpus import generate_document

    seen = set()
    for seed in range(400):
        pdf, truth = generate_document(seed, doc_type="invoice", family="classic")
        code = truth["fields"]["tax_category"]
        rows = truth["tax_breakdown"]
        if code is None or code in seen:
            continue
        seen.add(code)
        assert truth["visible_in_text"]["tax_category"] is True
        assert abs(sum(r["base"] for r in rows) - truth["fields"]["total_net"]) < 0.005
        assert abs(sum(r["tax"] for r in rows) - truth["fields"]["total_tax"]) < 0.005
        with pdfplumber.open(io.BytesIO(pdf)) as doc:
            text = " ".join((p.extract_text() or "") for p in doc.pages).casefold()
        if code == "K":
            assert "intra" in text or "innergemeinschaftliche" in text
        if code == "AE":
            assert "reverse" in text or "autoliquidation" in text or "schuldnerschaft" in text
        if seen >= {"S", "AE", "K"}:
            break
    assert seen >= {"S", "AE", "K"}


def test_breakdown_rows_are_scored_by_rate_base_and_tax() -> None:
    from cosy.evaluation import score_tax_breakdown

    truth = [{"rate": 19.0, "base": 100.0, "tax": 19.0}, {"rate": 7.0, "base": 50.0, "tax": 3.5}]
    got = [{"rate": "19.00", "base": "100.00", "tax": "19.00"},
           {"rate": "7.00", "base": "50.00", "tax": "3.60"}]
    assert score_tax_breakdown(truth, got) == {"tp": 1, "fp": 1, "fn": 1}

"""The terms family: validity end, start date, monthly fee, prepaid amount and dunning fee.

Labels per language, the exclusions that keep other dates and amounts out, validation against
the issue date and the gross total, the per-field selections, the consistency checks, and the
whole pipeline on generated contracts, reminders and invoices.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cosy.corpus import generate_document
from cosy.domain import FieldValue, Mention
from cosy.engine.profiles import load_pipeline
from cosy.evaluation import values_match
from cosy.steps import consistency_terms as checks
from cosy.steps.fields.amounts import cues as amount_cues
from cosy.steps.fields.common import Candidate
from cosy.steps.fields.dates import cues as date_cues
from cosy.steps.fields.terms import cues as term_cues
from cosy.steps.fields.terms import select as term_select
from cosy.steps.fields.terms import stages as terms
from tests.conftest import Extract
from tests.stages import amount_context, date_context
from tests.unit.test_fields_normalize import make_lines

TERMS = ("valid_until", "start_date", "monthly_fee", "prepaid_amount", "dunning_fee")
SELECTS = (term_select.select_valid_until, term_select.select_start_date,
           term_select.select_monthly_fee, term_select.select_prepaid_amount,
           term_select.select_dunning_fee)


def _field(name: str, value: str) -> FieldValue:
    return FieldValue(name, value, 0.8, 1, (0.0, 0.0, 1.0, 1.0), (0, 1), "test")


def extract_terms(rows: list[str | list[str]], issue: str | None = None,
                  gross: str | None = None) -> dict[str, FieldValue]:
    """The terms of one page of text rows, through every stage of the family."""
    lines = make_lines(rows)
    found_dates = date_context(lines)
    found_amounts = amount_context(lines)
    texts = term_cues.term_context(found_dates, found_amounts, lines)
    cues = term_cues.term_cues(found_dates, found_amounts, texts,
                               term_cues.german_term_cues(texts),
                               term_cues.english_term_cues(texts),
                               term_cues.french_term_cues(texts))
    valid = terms.term_validate(
        [found_dates], [found_amounts], [cues],
        {"issue_date": _field("issue_date", issue)} if issue else {},
        {"total_gross": _field("total_gross", gross)} if gross else {})
    out: dict[str, FieldValue] = {}
    for select in SELECTS:
        out.update(select(valid))
    return out


def values(rows: list[str | list[str]], issue: str | None = None,
           gross: str | None = None) -> dict[str, str]:
    return {k: f.value for k, f in extract_terms(rows, issue, gross).items()}


def labelled(label: str, kind: str = "date", header: str = "", in_row: bool = False) -> Candidate:
    return Candidate(kind=kind, raw="", value="", page=1, bbox=(0.0, 0.0, 1.0, 1.0), span=(0, 1),
                     step="test", label=label, header=header, in_row=in_row)


# --- labels per language -------------------------------------------------------------------------

@pytest.mark.parametrize(("label", "kind", "term"), [
    ("Gültig bis", "date", "valid_until"), ("Angebot gültig bis", "date", "valid_until"),
    ("Vertragsbeginn", "date", "start_date"), ("Der Vertrag beginnt am", "date", "start_date"),
    ("Gültig ab", "date", "start_date"),
    ("Der Auftraggeber zahlt eine monatliche Pauschale von", "amount", "monthly_fee"),
    ("Monatsgebühr", "amount", "monthly_fee"), ("abzüglich Anzahlung", "amount", "prepaid_amount"),
    ("bereits bezahlt", "amount", "prepaid_amount"), ("Mahngebühr", "amount", "dunning_fee"),
    ("Mahnkosten", "amount", "dunning_fee"),
    ("Valid Until", "date", "valid_until"), ("Expiry Date", "date", "valid_until"),
    ("Start date", "date", "start_date"), ("This agreement commences on", "date", "start_date"),
    ("The Client shall pay a monthly fee of", "amount", "monthly_fee"),
    ("Fee per month", "amount", "monthly_fee"),
    ("Less payment received", "amount", "prepaid_amount"),
    ("Paid", "amount", "prepaid_amount"), ("Deposit", "amount", "prepaid_amount"),
    ("Late fee", "amount", "dunning_fee"), ("Reminder fee", "amount", "dunning_fee"),
    ("Valable jusqu'au", "date", "valid_until"), ("Date de validité", "date", "valid_until"),
    ("Date de début", "date", "start_date"), ("Le présent contrat prend effet le", "date",
                                              "start_date"),
    ("à compter du", "date", "start_date"),
    ("Le Client verse une redevance mensuelle de", "amount", "monthly_fee"),
    ("Acompte versé", "amount", "prepaid_amount"), ("Déjà payé", "amount", "prepaid_amount"),
    ("Frais de relance", "amount", "dunning_fee"),
    ("Indemnité forfaitaire", "amount", "dunning_fee"),
])
def test_labels_name_terms_in_each_language(label: str, kind: str, term: str) -> None:
    assert term_cues.term_cue(labelled(label, kind)) == (term, term_cues.BY_LABEL)


def test_each_language_step_reads_only_its_own_words() -> None:
    texts = term_cues.TermTexts([("Gültig bis", ""), ("Valid until", "")],
                                [("Frais de relance", "")])
    de, en, fr = (step(texts) for step in (term_cues.german_term_cues,
                                           term_cues.english_term_cues,
                                           term_cues.french_term_cues))
    assert [c[0] for c in de.dates] == [{"valid_until"}, set()]
    assert [c[0] for c in en.dates] == [set(), {"valid_until"}]
    assert fr.amounts[0][0] == {"dunning_fee"} and de.amounts[0][0] == set()


# --- exclusions ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("label", "kind"), [
    ("Skonto gültig bis", "date"), ("Kündigung zum", "date"), ("Billing period start", "date"),
    ("Zahlbar bis", "date"), ("Préavis de résiliation au", "date"), ("Rechnungsdatum", "date"),
    ("Restbetrag nach Anzahlung", "amount"), ("Amount to be paid", "amount"),
    ("Reste à payer après acompte", "amount"), ("Rabatt monatlich", "amount"),
    ("Gesamtbetrag", "amount"), ("Einzelpreis", "amount"),
])
def test_words_that_rule_a_term_out(label: str, kind: str) -> None:
    assert term_cues.term_cue(labelled(label, kind)) is None


def test_a_label_that_rules_terms_out_is_not_overruled_by_its_header() -> None:
    assert term_cues.term_cue(labelled("Skonto bis", header="Gültig bis")) is None


def test_the_date_and_amount_families_leave_the_terms_to_this_one() -> None:
    valid = labelled("Angebot gültig bis")
    assert date_cues.date_roles(valid) == set()
    assert term_cues.term_cue(valid) == ("valid_until", term_cues.BY_LABEL)
    paid = labelled("abzüglich Anzahlung", "amount")
    assert amount_cues.amount_role(paid) is None
    assert term_cues.term_cue(paid) == ("prepaid_amount", term_cues.BY_LABEL)


def test_a_column_header_names_a_term_less_surely_and_prose_above_is_no_header() -> None:
    got = extract_terms([["Datum", "Gültig bis"], ["01.03.2024", "31.03.2024"]])
    assert got["valid_until"].value == "2024-03-31"
    assert got["valid_until"].confidence < 0.85
    prose = "Wir berechnen die monatlich anfallenden Leistungen wie vereinbart"
    assert values([prose, "Betrag 49,00"]) == {}


def test_an_item_row_label_counts_as_little_as_a_header() -> None:
    assert term_cues.term_cue(labelled("Late fee", "amount", in_row=True)) == (
        "dunning_fee", term_cues.BY_HEADER)


def test_a_wrapped_sentence_labels_the_value_that_opens_the_next_line() -> None:
    rows = ["Der Vertrag wird geschlossen und beginnt am",
            "01.04.2024 und läuft auf unbestimmte Zeit."]
    assert values(rows, issue="2024-03-15") == {"start_date": "2024-04-01"}
    # a row of form cells above is no sentence that wraps: only the column header counts
    assert values([["Kunde", "Vertragsbeginn"], "01.04.2024"], issue="2024-03-15") == {}
    assert values([["Vertragsbeginn", "Kunde"], "01.04.2024"], issue="2024-03-15") == {
        "start_date": "2024-04-01"}


# --- validation and selection --------------------------------------------------------------------

def test_validity_ends_on_or_after_the_issue_date() -> None:
    rows = [["Angebotsdatum", "10.03.2024"], ["Gültig bis", "09.04.2024"]]
    assert values(rows, issue="2024-03-10") == {"valid_until": "2024-04-09"}
    assert values(rows, issue="2024-05-01") == {}


def test_a_start_may_precede_signing_by_a_month_at_most() -> None:
    rows = [["Vertragsbeginn", "01.03.2024"]]
    assert values(rows, issue="2024-03-17") == {"start_date": "2024-03-01"}
    assert values(rows, issue="2024-06-17") == {}


def test_amounts_are_positive_and_below_the_gross_total() -> None:
    rows = [["Gesamtbetrag", "1.000,00"], ["abzüglich Anzahlung", "-300,00"],
            ["Zahlbetrag", "700,00"]]
    assert values(rows, gross="1000.00") == {"prepaid_amount": "300.00"}
    # a paid invoice: what was paid is the whole bill (EN 16931 BT-113 = BT-112, BT-115 = 0)
    assert values([["Bereits bezahlt", "1.000,00"]], gross="1000.00") == \
        {"prepaid_amount": "1000.00"}
    assert values([["Bereits bezahlt", "1.200,00"]], gross="1000.00") == {}
    assert values([["Mahngebühr", "0,00"]], gross="120.00") == {}
    assert values([["Mahngebühr", "5,00"]], gross="120.00") == {"dunning_fee": "5.00"}
    # a monthly fee may be the whole bill; with no totals at all (a contract) it stands alone
    assert values([["Monatsgebühr", "49,00"]], gross="49.00") == {"monthly_fee": "49.00"}
    assert values(["The Client shall pay a monthly fee of 250.00 plus VAT."]) == {
        "monthly_fee": "250.00"}


def test_the_issue_dates_own_mention_is_no_term() -> None:
    lines = make_lines([["Gültig ab", "01.03.2024"]])
    m = date_context(lines)[0]
    issue = FieldValue("issue_date", m.value, 0.9, m.page, m.bbox, m.span, "test")
    assert terms.date_value("start_date", m, issue) is None


def test_own_label_beats_header_then_dates_first_and_amounts_last() -> None:
    def cand(value: str, strength: float, order: int) -> terms.TermCandidate:
        return terms.TermCandidate(labelled("x"), value, strength, order)

    valid = {"valid_until": [cand("2024-04-01", 0.5, 1), cand("2024-05-01", 1.0, 2),
                             cand("2024-06-01", 1.0, 3)],
             "dunning_fee": [cand("5.00", 1.0, 4), cand("7.50", 1.0, 5)]}
    assert term_select.select_valid_until(valid)["valid_until"].value == "2024-05-01"
    assert term_select.select_dunning_fee(valid)["dunning_fee"].value == "7.50"
    assert term_select.select_start_date(valid) == {}


# --- consistency ---------------------------------------------------------------------------------

def _fields(**values: str) -> dict[str, FieldValue]:
    return {k: _field(k, v) for k, v in values.items()}


def test_reminder_due_is_claim_plus_fee() -> None:
    holds = checks.dunning_fee(_fields(total_gross="100.00", dunning_fee="5.00",
                                       amount_due="105.00"))
    assert holds.ok is True and holds.fields == ("dunning_fee", "amount_due")
    fails = checks.dunning_fee(_fields(total_gross="100.00", dunning_fee="5.00",
                                       amount_due="108.20"))
    assert fails.ok is False and not fails.penalise  # interest may stand beside the fee
    assert checks.dunning_fee(_fields(total_gross="100.00", amount_due="100.00")).ok is None


def test_invoice_due_is_gross_less_prepaid() -> None:
    assert checks.prepaid(_fields(total_gross="1000.00", prepaid_amount="300.00",
                                  amount_due="700.00")).ok is True
    fails = checks.prepaid(_fields(total_gross="1000.00", prepaid_amount="300.00",
                                   amount_due="1000.00"))
    assert fails.ok is False and fails.penalise
    assert checks.prepaid(_fields(total_gross="1000.00")).ok is None


def test_validity_ends_after_issue() -> None:
    assert checks.validity(_fields(issue_date="2024-03-01", valid_until="2024-03-31")).ok is True
    assert checks.validity(_fields(issue_date="2024-03-01", valid_until="2024-03-01")).ok is False
    assert checks.validity(_fields(valid_until="2024-03-31")).ok is None


def test_contract_starts_at_or_after_issue() -> None:
    assert checks.start(_fields(issue_date="2024-03-17", start_date="2024-04-01")).ok is True
    assert checks.start(_fields(issue_date="2024-03-17", start_date="2024-03-17")).ok is True
    assert checks.start(_fields(issue_date="2024-03-17", start_date="2024-03-01")).ok is None
    assert checks.start(_fields(issue_date="2024-03-17", start_date="2023-01-01")).ok is False


def test_failing_checks_lower_and_holding_ones_raise_confidence() -> None:
    from cosy.steps import consistency

    merged = _fields(total_gross="1000.00", prepaid_amount="300.00", amount_due="1000.00",
                     issue_date="2024-03-01", valid_until="2024-03-31")
    checks_of_pipeline = [a for a in load_pipeline().producers if a.startswith("doc.check.")]
    verdicts = {c.replace(".", "_"): consistency.Check(c, None, ()) for c in checks_of_pipeline}
    verdicts["doc_check_prepaid"] = checks.prepaid(merged)
    verdicts["doc_check_validity"] = checks.validity(merged)
    out, _ = consistency.apply(merged, **verdicts)
    assert out["prepaid_amount"].confidence < 0.8 < out["valid_until"].confidence


# --- the whole pipeline on generated documents ---------------------------------------------------

GENERATED = [  # seed, doc_type: one per language and kind of term
    (60033, "contract"), (60032, "contract"), (60031, "contract"),
    (60062, "payment_reminder"), (60061, "payment_reminder"), (60066, "payment_reminder"),
    (65002, "invoice"), (65038, "invoice"),
]


@pytest.mark.parametrize(("seed", "doc_type"), GENERATED, ids=[f"{s}-{t}" for s, t in GENERATED])
def test_generated_terms_are_found_and_checked(seed: int, doc_type: str,
                                               extract_result: Extract) -> None:
    pdf, truth = generate_document(seed, doc_type=doc_type, family="classic")
    result = extract_result(pdf, Path(truth["file"]).name)
    got = {k: f["value"] for k, f in result["fields"].items()}
    printed = {f for f in TERMS if truth["fields"].get(f) is not None}
    assert printed
    assert {f for f in TERMS if f in got} == printed
    assert all(values_match(f, truth["fields"][f], got[f]) for f in printed)
    verdicts = {c["name"]: c["ok"] for c in result["checks"]}
    if "dunning_fee" in printed:
        assert verdicts["dunning_fee"] is True
    if "prepaid_amount" in printed:
        assert verdicts["prepaid"] is True
    if "start_date" in printed:
        assert verdicts["start"] is not False


def test_mentions_carry_what_the_cues_read() -> None:
    # the cue steps read label, header and line of the date and amount families' mentions
    m: Mention = date_context(make_lines([["Gültig bis", "31.03.2024"]]))[0]
    assert (m.label, getattr(m, "line", None)) == ("Gültig bis", 0)

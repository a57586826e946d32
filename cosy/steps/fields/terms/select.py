"""Per-field selection of terms: validity end, start date, monthly fee, prepaid amount, dunning fee.

Each field is its own step over the validated candidates (``doc.term.valid``): a value its own
label names beats one only a column header names. Dates are taken first in reading order (an
offer's validity and a contract's start stand in its head or first clauses, later dates are
other agreements'); amounts last (a totals block summarises what the text mentioned before).
"""

from __future__ import annotations

from cosy.domain import FieldValue
from cosy.engine.step import step
from cosy.fieldspec import field_spec
from cosy.kg.vocab import COSY, SCHEMA, XSD
from cosy.steps.fields.common import selected
from cosy.steps.fields.terms.stages import TermCandidate

BASE_CONFIDENCE, WORDING_WEIGHT = 0.6, 0.25
"""Confidence of a selected term: the base plus the wording's strength times the weight (0.85 by
its own label, 0.725 by a column header)."""

Valid = dict[str, list[TermCandidate]]


def pick_term(valid: Valid, term: str, latest: bool = False) -> FieldValue | None:
    """The candidate with the surest wording for ``term``; on a tie the first in reading order
    (the last with ``latest``)."""
    found = valid.get(term, [])
    if not found:
        return None
    best = max(found, key=lambda c: (c.strength, c.order if latest else -c.order))
    m = best.mention
    return FieldValue(term, best.value, round(BASE_CONFIDENCE + WORDING_WEIGHT * best.strength, 4),
                      m.page, m.bbox, m.span, f"fields.terms.select.{term}", m.model)



VALID_UNTIL_FIELD = field_spec(
    "valid_until", "date", "how long an offer stands", scored=True,
    predicate=SCHEMA + "validThrough", datatype=XSD + "date")
START_DATE_FIELD = field_spec(
    "start_date", "date", "when a contract begins", scored=True, predicate=SCHEMA + "startDate",
    datatype=XSD + "date")
MONTHLY_FEE_FIELD = field_spec(
    "monthly_fee", "amount", "a recurring fee per month", scored=True,
    predicate=COSY + "monthlyFee", datatype=XSD + "decimal")
PREPAID_AMOUNT_FIELD = field_spec(
    "prepaid_amount", "amount", "what was paid before this document", bt="BT-113", scored=True,
    predicate=COSY + "prepaidAmount", datatype=XSD + "decimal", xml=True)
DUNNING_FEE_FIELD = field_spec(
    "dunning_fee", "amount", "the fee a payment reminder adds", scored=True,
    predicate=COSY + "dunningFee", datatype=XSD + "decimal")


@step("fields.terms.select.valid_until", scope="document", requires=["doc.term.valid"],
      provides=["doc.field.valid_until"])
def select_valid_until(doc_term_valid: Valid) -> dict[str, FieldValue]:
    """How long an offer stands ('Angebot gültig bis', 'Valid Until', 'Valable jusqu'au')."""
    return selected(pick_term(doc_term_valid, "valid_until"))


@step("fields.terms.select.start_date", scope="document", requires=["doc.term.valid"],
      provides=["doc.field.start_date"])
def select_start_date(doc_term_valid: Valid) -> dict[str, FieldValue]:
    """When a contract begins ('Vertragsbeginn', 'commences on', 'prend effet le')."""
    return selected(pick_term(doc_term_valid, "start_date"))


@step("fields.terms.select.monthly_fee", scope="document", requires=["doc.term.valid"],
      provides=["doc.field.monthly_fee"])
def select_monthly_fee(doc_term_valid: Valid) -> dict[str, FieldValue]:
    """The recurring fee per month ('monatliche Pauschale', 'monthly fee', 'redevance
    mensuelle')."""
    return selected(pick_term(doc_term_valid, "monthly_fee", latest=True))


@step("fields.terms.select.prepaid_amount", scope="document", requires=["doc.term.valid"],
      provides=["doc.field.prepaid_amount"])
def select_prepaid_amount(doc_term_valid: Valid) -> dict[str, FieldValue]:
    """What was paid before this invoice ('abzüglich Anzahlung', 'Paid', 'Acompte versé'),
    as a positive amount."""
    return selected(pick_term(doc_term_valid, "prepaid_amount", latest=True))


@step("fields.terms.select.dunning_fee", scope="document", requires=["doc.term.valid"],
      provides=["doc.field.dunning_fee"])
def select_dunning_fee(doc_term_valid: Valid) -> dict[str, FieldValue]:
    """The fee a payment reminder adds ('Mahngebühr', 'Late fee', 'Frais de relance')."""
    return selected(pick_term(doc_term_valid, "dunning_fee", latest=True))

"""Terms: the dates and amounts whose labels name a validity, start, fee or payment, validated.

:mod:`term_cues` says which term each date and amount of a page names; ``fields.terms.validate``
keeps those a document can mean: a validity end not before the issue date, a start not long
before it, a fee or an amount already paid that is positive and below the gross total. The
per-field selections (:mod:`term_select`) then choose one candidate per term.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from cosy.domain import FieldValue, Mention
from cosy.engine.step import step
from cosy.steps.fields.terms.cues import Cue, TermCues

START_GRACE = dt.timedelta(days=31)
"""How long before it is signed a contract may begin: one signed on the 17th often runs from the
1st of that month; a 'start' years earlier is some earlier agreement's."""


@dataclass(frozen=True, slots=True)
class TermCandidate:
    """A date or amount that passed validation for a term, with how sure its wording is."""

    mention: Mention
    value: str  # ISO date, or a positive amount with two decimals
    strength: float  # term_cues.BY_LABEL or BY_HEADER
    order: int  # position in the document's reading order (pages in turn)


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _amount(value: str | None) -> Decimal | None:
    try:
        return Decimal(value) if value is not None else None
    except InvalidOperation:
        return None


def date_value(term: str, m: Mention, issue: FieldValue | None) -> str | None:
    """A date's value if it can be the term: a validity ends on or after the issue date, a
    start is not more than :data:`START_GRACE` before it; the issue date's own mention is
    neither."""
    day = _date(m.value)
    issued = _date(issue.value) if issue is not None else None
    if day is None:
        return None
    if issue is not None and issue.page == m.page and issue.span == m.span:
        return None
    if issued is not None:
        if term == "valid_until" and day < issued:
            return None
        if term == "start_date" and day < issued - START_GRACE:
            return None
    return m.value


def amount_value(term: str, m: Mention, gross: Decimal | None) -> str | None:
    """An amount's value if it can be the term: positive (an amount already paid is printed as a
    deduction, '-300,00') and below the gross total; a monthly fee may be the whole bill, and
    so may what was paid already (a paid invoice: 'Paid -1,288.99', balance 0.00)."""
    value = _amount(m.value)
    if value is None:
        return None
    if term == "prepaid_amount":
        value = abs(value)
    if value <= 0:
        return None
    if gross is not None and (value > gross or (value == gross and term == "dunning_fee")):
        return None
    return f"{value:.2f}"


def validate_terms(dates: list[list[Mention]], amounts: list[list[Mention]],
                   cues: list[TermCues], issue: FieldValue | None,
                   gross: FieldValue | None) -> dict[str, list[TermCandidate]]:
    """Every date and amount of the document that names a term and passes its term's rule,
    by term, in reading order."""
    total = _amount(gross.value) if gross is not None else None
    total = abs(total) if total is not None else None
    out: dict[str, list[TermCandidate]] = {}
    order = 0
    for page_dates, page_amounts, page_cues in zip(dates, amounts, cues, strict=True):
        pairs: list[tuple[Mention, Cue, bool]] = [
            *((m, c, True) for m, c in zip(page_dates, page_cues.dates, strict=True)),
            *((m, c, False) for m, c in zip(page_amounts, page_cues.amounts, strict=True))]
        for m, cue, is_date in pairs:
            order += 1
            if cue is None:
                continue
            term, strength = cue
            value = date_value(term, m, issue) if is_date else amount_value(term, m, total)
            if value is not None:
                out.setdefault(term, []).append(TermCandidate(m, value, strength, order))
    return out


@step("fields.terms.validate", scope="document",
      requires=["page.date.context", "page.amount.context", "page.term.cues",
                "doc.field.issue_date", "doc.field.amount"],
      provides=["doc.term.valid"])
def term_validate(page_date_context: list[list[Mention]],
                  page_amount_context: list[list[Mention]], page_term_cues: list[TermCues],
                  doc_field_issue_date: dict[str, FieldValue],
                  doc_field_amount: dict[str, FieldValue]) -> dict[str, list[TermCandidate]]:
    """The term candidates of all pages that agree with the issue date and the gross total."""
    return validate_terms(page_date_context, page_amount_context, page_term_cues,
                          doc_field_issue_date.get("issue_date"),
                          doc_field_amount.get("total_gross"))

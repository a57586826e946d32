"""Payment terms: days to pay and cash discount, read per language, and the due date they imply.

'zahlbar innerhalb 14 Tagen', '30 Tage netto', 'Net 30', 'payable within 30 days', 'à 30
jours', and a discount: '2 % Skonto bei Zahlung innerhalb 10 Tagen', '2% discount if paid within
8 days', 'Escompte de 2 % pour paiement sous 8 jours', '2/10 net 30'. Each language is one
source; normalise resolves overlaps (a discount clause over the days it mentions), validate keeps
plausible terms, context cuts the sentence that states them. The due date the terms imply
(issue date + payment days) is evidence for the printed due date, never a field of its own.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from cosy.domain import FieldValue, Line, Mention, PageGeometry
from cosy.engine.step import step
from cosy.fieldspec import field_spec
from cosy.kg.vocab import COSY, XSD
from cosy.steps.fields.common import Candidate, flatten, span_bbox
from cosy.steps.fields.hits import Hit, resolve_overlaps, scan
from cosy.steps.xml_tree import CII_TERMS

PCT = r"(?P<pct>\d{1,2}(?:[.,]\d{1,2})?)\s?%"
D = r"(?P<days>\d{1,3})"
DD = r"(?P<ddays>\d{1,3})"
CLAUSES = {
    "de": (
        r"(?:bei\s)?(?:zahlung\s)?innerhalb\s(?:von\s)?" + DD + r"\s?tag(?:en|e)?[^.\t]{0,40}?"
        + PCT + r"\s?skonto",
        PCT + r"\s?skonto[^.\t]{0,40}?innerhalb\s(?:von\s)?" + DD + r"\s?tag(?:en|e)?",
        r"(?:zahlbar|zahlung|zahlungsziel|fällig|faellig)[:\s]+(?:(?:rein\s)?netto\s)?"
        r"(?:innerhalb\s(?:von\s)?)?" + D + r"\s?tag(?:en|e)?(?:\snetto)?",
        D + r"\s?tage\snetto",
        r"(?P<now>sofort\sohne\sabzug|sofort\szahlbar|zahlbar\ssofort)",
    ),
    "en": (
        PCT + r"\s?discount[^.\t]{0,40}?within\s" + DD + r"\s?days",
        r"(?P<pct2>\d{1,2})/" + DD + r"\s?net\s?" + D,
        r"(?:payable|payment|due|pay)\s(?:with)?in\s" + D + r"\s?days",
        r"(?<!total\s)\bnet\s?" + D + r"(?![.,]?\d)(?:\s?days)?\b",  # not 'TOTAL NET 4,60'
        D + r"\s?days\snet\b",
        r"(?P<now>due\supon\sreceipt|due\son\sreceipt|payable\simmediately)",
    ),
    "fr": (
        r"escompte\s(?:de\s)?" + PCT + r"[^.\t]{0,40}?(?:sous|à|a)\s" + DD + r"\s?jours",
        r"(?:paiement|règlement|reglement|payable|échéance)\s(?:à|a|sous)\s" + D + r"\s?jours",
        r"(?<!\w)(?:à|a)\s" + D + r"\s?jours",
        D + r"\s?jours\snet",
        r"(?P<now>paiement\scomptant|payable\sà\sréception|à\sréception\sde\sfacture)",
    ),
}
PATTERNS = {lang: [re.compile(p, re.I) for p in ps] for lang, ps in CLAUSES.items()}
MAX_DAYS = 120
MAX_DISCOUNT = Decimal("10")


def _clauses(lines: list[Line], lang: str) -> list[Hit]:
    name = f"fields.payment.candidates.terms.{lang}"
    return [h for p in PATTERNS[lang] for h in scan(lines, p, name, 0)]


@step("fields.payment.candidates.terms.de", scope="page", requires=["page.lines"],
      provides=["page.payment.de"])
def german_terms(page_lines: list[Line]) -> list[Hit]:
    """German terms: 'zahlbar innerhalb 14 Tagen', '30 Tage netto', '2 % Skonto ...'."""
    return _clauses(page_lines, "de")


@step("fields.payment.candidates.terms.en", scope="page", requires=["page.lines"],
      provides=["page.payment.en"])
def english_terms(page_lines: list[Line]) -> list[Hit]:
    """English terms: 'Net 30', 'payable within 30 days', '2% discount if paid within 8 days'."""
    return _clauses(page_lines, "en")


@step("fields.payment.candidates.terms.fr", scope="page", requires=["page.lines"],
      provides=["page.payment.fr"])
def french_terms(page_lines: list[Line]) -> list[Hit]:
    """French terms: 'paiement à 30 jours', '30 jours net', 'escompte de 2 % ... 8 jours'."""
    return _clauses(page_lines, "fr")


@dataclass(frozen=True, slots=True)
class Terms:
    """What one clause says: days to pay and/or a discount for paying within fewer days."""

    hit: Hit
    days: int | None = None
    percent: Decimal | None = None
    discount_days: int | None = None


def read_terms(hit: Hit) -> Terms:
    """The numbers of a clause ('sofort' is 0 days; '2/10 net 30' is all three)."""
    pct = hit.part("pct") or hit.part("pct2")
    days = hit.part("days")
    return Terms(hit, 0 if hit.part("now") else int(days) if days else None,
                 Decimal(pct.replace(",", ".")) if pct else None,
                 int(hit.part("ddays")) if hit.part("ddays") else None)


@step("fields.payment.normalise.terms", scope="page",
      requires=["page.payment.de", "page.payment.en", "page.payment.fr"],
      provides=["page.payment.normalised"])
def payment_normalise(page_payment_de: list[Hit], page_payment_en: list[Hit],
                      page_payment_fr: list[Hit]) -> list[Terms]:
    """Each clause once (the longest at a place: a discount clause over the days inside it)."""
    return [read_terms(h) for h in resolve_overlaps(page_payment_de, page_payment_en,
                                                    page_payment_fr)]


def plausible(t: Terms) -> bool:
    """Days within :data:`MAX_DAYS`, a discount of at most :data:`MAX_DISCOUNT` % for fewer days
    than the payment days."""
    if t.days is not None and not 0 <= t.days <= MAX_DAYS:
        return False
    if t.percent is not None and not 0 < t.percent <= MAX_DISCOUNT:
        return False
    if t.discount_days is not None and (t.discount_days > MAX_DAYS or (
            t.days is not None and t.discount_days >= t.days)):
        return False
    return t.days is not None or t.percent is not None


@step("fields.payment.validate.terms", scope="page", requires=["page.payment.normalised"],
      provides=["page.payment.valid"])
def payment_validate(page_payment_normalised: list[Terms]) -> list[Terms]:
    """The clauses whose numbers are plausible terms."""
    return [t for t in page_payment_normalised if plausible(t)]


@dataclass(slots=True)
class TermsMention(Candidate):
    """A terms sentence on the page with the numbers its clause states."""

    days: int | None = None
    percent: str | None = None
    discount_days: int | None = None


def sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence (or table cell) of ``text`` around characters [start, end)."""
    a = max(text.rfind(". ", 0, start) + 2 if text.rfind(". ", 0, start) >= 0 else 0,
            text.rfind("\t", 0, start) + 1)
    stops = [i for i in (text.find(". ", end), text.find("\t", end)) if i >= 0]
    b = min(stops) + (1 if stops and text[min(stops)] == "." else 0) if stops else len(text)
    return a, b


@step("fields.payment.context.terms", scope="page",
      requires=["page.payment.valid", "page.lines", "page_no", "page.geometry"],
      provides=["page.payment.context"])
def payment_context(page_payment_valid: list[Terms], page_lines: list[Line], page_no: int,
                    page_geometry: PageGeometry) -> list[Mention]:
    """Each clause as the sentence that states it, with its box and the clause's numbers."""
    height = page_geometry.height
    out: list[Mention] = []
    for t in page_payment_valid:
        line = page_lines[t.hit.line]
        a, b = sentence(line.text, t.hit.origin, t.hit.stop)
        text = " ".join(line.text[a:b].split())
        bbox = span_bbox(line, a, b)
        out.append(TermsMention(
            kind="payment_terms", raw=line.text[a:b], value=text, page=page_no, bbox=bbox,
            span=(line.start + a, line.start + b), step=t.hit.source, y=bbox[1] / height,
            line=t.hit.line, days=t.days,
            percent=f"{t.percent:.2f}" if t.percent is not None else None,
            discount_days=t.discount_days))
    return out


def _field(name: str, m: Mention, value: str, confidence: float, step: str) -> FieldValue:
    return FieldValue(name, value, confidence, m.page, m.bbox, m.span, step)


PAYMENT_TERMS_FIELD = field_spec(
    "payment_terms", "text", "the payment terms as printed", bt="BT-20",
    predicate=COSY + "paymentTerms", datatype=XSD + "string", cii=(*CII_TERMS, "Description"),
    ubl=("PaymentTerms", "Note"))
PAYMENT_DAYS_FIELD = field_spec(
    "payment_days", "number", "days to pay", predicate=COSY + "paymentDays",
    datatype=XSD + "integer")
DISCOUNT_PERCENT_FIELD = field_spec(
    "discount_percent", "number", "the early-payment discount (%)",
    predicate=COSY + "discountPercent", datatype=XSD + "decimal")
DISCOUNT_DAYS_FIELD = field_spec(
    "discount_days", "number", "days within which the discount applies",
    predicate=COSY + "discountDays", datatype=XSD + "integer")


@step("fields.payment.select.payment_terms", scope="document", requires=["page.payment.context"],
      provides=["doc.field.payment_terms"])
def select_payment_terms(page_payment_context: list[list[Mention]]) -> dict[str, FieldValue]:
    """The terms as printed: the sentences stating them, in reading order, once each."""
    terms = flatten(page_payment_context)
    if not terms:
        return {}
    texts = list(dict.fromkeys(m.value for m in terms))
    return {"payment_terms": _field("payment_terms", terms[0], " ".join(texts), 0.8,
                                    "fields.payment.select.payment_terms")}


@step("fields.payment.select.payment_days", scope="document", requires=["page.payment.context"],
      provides=["doc.field.payment_days"])
def select_payment_days(page_payment_context: list[list[Mention]]) -> dict[str, FieldValue]:
    """Days to pay (net): the first clause stating them."""
    m = next((m for m in flatten(page_payment_context)
              if getattr(m, "days", None) is not None), None)
    if m is None:
        return {}
    return {"payment_days": _field("payment_days", m, str(m.days), 0.8,  # type: ignore[attr-defined]
                                   "fields.payment.select.payment_days")}


@step("fields.payment.select.discount", scope="document", requires=["page.payment.context"],
      provides=["doc.field.discount"])
def select_discount(page_payment_context: list[list[Mention]]) -> dict[str, FieldValue]:
    """Cash discount (Skonto, escompte): percent and the days within which it applies."""
    m = next((m for m in flatten(page_payment_context)
              if getattr(m, "percent", None) is not None), None)
    if m is None:
        return {}
    out = {"discount_percent": _field("discount_percent", m, m.percent, 0.8,  # type: ignore[attr-defined]
                                      "fields.payment.select.discount")}
    if getattr(m, "discount_days", None) is not None:
        out["discount_days"] = _field("discount_days", m, str(m.discount_days), 0.8,  # type: ignore[attr-defined]
                                      "fields.payment.select.discount")
    return out


def implied_due(issue: str | None, days: str | None) -> str | None:
    """Issue date + payment days as an ISO date, when both are known."""
    if not issue or days is None:
        return None
    try:
        return (dt.date.fromisoformat(issue) + dt.timedelta(days=int(days))).isoformat()
    except ValueError:
        return None


@step("fields.payment.implied_due", scope="document",
      requires=["doc.field.issue_date", "doc.field.payment_days"],
      provides=["doc.payment.implied_due"])
def payment_implied_due(doc_field_issue_date: dict[str, FieldValue],
                        doc_field_payment_days: dict[str, FieldValue]) -> str | None:
    """The due date the terms imply: evidence for the printed due date, not a field."""
    issue = doc_field_issue_date.get("issue_date")
    days = doc_field_payment_days.get("payment_days")
    return implied_due(issue.value if issue else None, days.value if days else None)
